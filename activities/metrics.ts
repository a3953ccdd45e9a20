/**
 * The engine's own metrics, through the Temporal SDK's metric meter: exported by the worker's
 * Prometheus endpoint beside the SDK's (RECTIFY_METRICS_ADDRESS). Outside an activity (a test
 * calling delivery directly) they go nowhere. Names and labels are documented in the README.
 */
import { Context } from '@temporalio/activity';
import type { MetricCounter, MetricHistogram, MetricMeter } from '@temporalio/common';
import type { DeliveryChannel, DeliveryResult, Notice } from '../domain/notice';
import { classify, type Mailer } from './mail/transport';

interface Instruments {
  notices: MetricCounter;
  digests: MetricCounter;
  smtpSeconds: MetricHistogram;
  smtpErrors: MetricCounter;
  deliveries: MetricCounter;
}

const instruments = new WeakMap<MetricMeter, Instruments>();

function meter(): Instruments | undefined {
  let m: MetricMeter;
  try {
    m = Context.current().metricMeter;
  } catch {
    return undefined;
  }
  let found = instruments.get(m);
  if (!found) {
    found = {
      notices: m.createCounter('rectify_notices', '1', 'Notices by kind and outcome (delivered, failed, prepared)'),
      digests: m.createCounter('rectify_digests', '1', 'Digest mails by outcome (sent, failed)'),
      smtpSeconds: m.createHistogram('rectify_smtp_send_seconds', 'float', 's', 'Time for the SMTP server to accept a mail'),
      smtpErrors: m.createCounter('rectify_smtp_errors', '1', 'SMTP failures by class (transient: retried; permanent: reported)'),
      deliveries: m.createCounter(
        'rectify_deliveries',
        '1',
        'Messages handed to each channel (mail, wecom, dingtalk, feishu) by outcome (accepted, throttled, refused, failed)',
      ),
    };
    instruments.set(m, found);
  }
  return found;
}

/** A notice's delivery, counted by its kind: delivered to someone, or to no one. */
export function countNotice(notice: Notice, result: DeliveryResult): DeliveryResult {
  meter()?.notices.add(1, { kind: notice.kind, outcome: result.delivered ? 'delivered' : 'failed' });
  return result;
}

export function countPrepared(notice: Notice): void {
  meter()?.notices.add(1, { kind: notice.kind, outcome: 'prepared' });
}

export function countDigest(result: DeliveryResult): DeliveryResult {
  meter()?.digests.add(1, { outcome: result.delivered ? 'sent' : 'failed' });
  return result;
}

/**
 * What a channel answered one message: taken (an SMTP 250, a robot's code 0); throttled (a robot's
 * rate limit: the activity waits the platform's time); refused for good (the office is told);
 * failed (tried again). The robots' answers are these words already (activities/chat/robots.ts).
 */
export type DeliveryOutcome = 'accepted' | 'throttled' | 'refused' | 'failed';

/** One message to one channel, counted by channel and outcome (rectify_deliveries_total). */
export function countDelivery(channel: DeliveryChannel, outcome: DeliveryOutcome): void {
  meter()?.deliveries.add(1, { channel, outcome });
}

/** The mailer, timed and its failures counted (by class, and as deliveries by mail) when it sends inside an activity. */
export function meteredMailer(mailer: Mailer): Mailer {
  return {
    describe: mailer.describe,
    close: () => mailer.close(),
    async send(message) {
      const began = process.hrtime.bigint();
      try {
        const result = await mailer.send(message);
        meter()?.smtpSeconds.record(Number(process.hrtime.bigint() - began) / 1e9);
        countDelivery('mail', 'accepted');
        return result;
      } catch (e) {
        const kind = classify(e);
        meter()?.smtpErrors.add(1, { class: kind });
        countDelivery('mail', kind === 'transient' ? 'failed' : 'refused');
        throw e;
      }
    },
  };
}
