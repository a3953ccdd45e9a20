/**
 * The engine's own metrics, through the Temporal SDK's metric meter: exported by the worker's
 * Prometheus endpoint beside the SDK's (RECTIFY_METRICS_ADDRESS). Outside an activity (a test
 * calling delivery directly) they go nowhere. Names and labels are documented in the README.
 */
import { Context } from '@temporalio/activity';
import type { MetricCounter, MetricHistogram, MetricMeter } from '@temporalio/common';
import type { DeliveryResult, Notice } from '../domain/notice';
import { classify, type Mailer } from './mail/transport';

interface Instruments {
  notices: MetricCounter;
  digests: MetricCounter;
  smtpSeconds: MetricHistogram;
  smtpErrors: MetricCounter;
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

/** The mailer, timed and its failures counted (by class) when it sends inside an activity. */
export function meteredMailer(mailer: Mailer): Mailer {
  return {
    describe: mailer.describe,
    close: () => mailer.close(),
    async send(message) {
      const began = process.hrtime.bigint();
      try {
        const result = await mailer.send(message);
        meter()?.smtpSeconds.record(Number(process.hrtime.bigint() - began) / 1e9);
        return result;
      } catch (e) {
        meter()?.smtpErrors.add(1, { class: classify(e) });
        throw e;
      }
    },
  };
}
