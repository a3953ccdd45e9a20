/**
 * `rectify inbound` (and `rectify dev`): the SMTP endpoint replies by mail arrive at, on
 * smtp-server (the SMTP server library of the nodemailer project). It is the final destination for
 * `reply+…@<RECTIFY_INBOUND_DOMAIN>` and nothing else (no relay, no sign-in): any other recipient
 * is refused at RCPT; a message over the size limit is refused with 552; a sender over its hourly
 * limit is told to come back later (450); with a key and certificate it offers STARTTLS. Each
 * message is handled before it is acknowledged, so a failure to reach Temporal answers 451 and the
 * sending server tries again.
 */
import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Settings } from '../../config/settings';
import { parseReplyAddress } from '../../domain/email/reply-address';
import { log } from '../../activities/log';
import type { Envelope, InboundOutcome } from './handle';

export interface InboundServer {
  port: number;
  close(): Promise<void>;
}

export interface InboundOptions {
  host: string;
  port: number;
  domain: string;
  /** The largest message taken, in bytes (SIZE). */
  maxBytes: number;
  /** Messages a sender may send in an hour. */
  perSenderPerHour: number;
  tls?: { keyFile: string; certFile: string };
  /** The server's name in its greeting and answers. */
  name?: string;
  now?: () => number;
}

/** A message's handling: what it became (or a throw: try again later). */
export type HandleMail = (raw: Buffer, envelope: Envelope) => Promise<InboundOutcome>;

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** The inbound server's options from the settings. */
export function inboundOptions(settings: Settings): InboundOptions {
  const i = settings.inbound;
  if (!i.domain) throw new Error('未设置 RECTIFY_INBOUND_DOMAIN（回复地址的域名，如 reply.example.org），无法接收回复邮件');
  return {
    host: i.host,
    port: i.port,
    domain: i.domain,
    maxBytes: i.maxBytes,
    perSenderPerHour: i.perSenderPerHour,
    ...(i.tls ? { tls: i.tls } : {}),
  };
}

export async function startInbound(o: InboundOptions, handle: HandleMail): Promise<InboundServer> {
  const now = o.now ?? (() => Date.now());
  const sent = new Map<string, number[]>();
  const options: SMTPServerOptions = {
    name: o.name ?? o.domain,
    banner: 'rectify inbound: replies to rectification notices',
    size: o.maxBytes,
    authOptional: true,
    disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(o.tls ? { key: readFileSync(o.tls.keyFile), cert: readFileSync(o.tls.certFile) } : {}),
    logger: false,
    onMailFrom(address, _session, callback) {
      const sender = address.address.toLowerCase();
      // A bounce (the null sender) is taken and ignored; every other sender is counted.
      if (!sender) return callback();
      const recent = (sent.get(sender) ?? []).filter((t) => now() - t < 3_600_000);
      if (recent.length >= o.perSenderPerHour) {
        log.warn('回复邮件过于频繁，已暂缓接收', { sender, perHour: o.perSenderPerHour });
        return callback(smtpError(450, '4.7.1 Too many messages from this sender, try again later (发送过于频繁，请稍后再试)'));
      }
      sent.set(sender, [...recent, now()]);
      // Many senders over time (spam included): forget those quiet for an hour.
      if (sent.size > 10_000) for (const [k, v] of sent) if (now() - v[v.length - 1] >= 3_600_000) sent.delete(k);
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (!parseReplyAddress(address.address, o.domain))
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such reply address (收件地址不存在)`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded)
          return callback(smtpError(552, `5.3.4 Message exceeds ${o.maxBytes} bytes (邮件超过大小上限)`));
        const envelope: Envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        handle(Buffer.concat(chunks), envelope).then(
          (outcome) => {
            log.info('回复邮件', { from: envelope.from, to: envelope.to, ...describe(outcome) });
            callback();
          },
          (e: unknown) => {
            log.error('回复邮件暂未能处理，发信服务器将重试', { from: envelope.from, error: (e as Error).message });
            callback(smtpError(451, '4.3.0 Temporary failure, try again later (暂时无法处理，请稍后重试)'));
          },
        );
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (e) => log.warn('回复邮件服务器连接出错', { error: e.message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function describe(o: InboundOutcome): Record<string, unknown> {
  if (o.kind === 'ignored') return { outcome: 'ignored', why: o.why };
  if (o.kind === 'refused') return { outcome: 'refused', reason: o.refusal.reason, planId: o.planId, measureId: o.measureId };
  return { outcome: o.accepted.kind, planId: o.planId, measureId: o.measureId, unit: o.unit, files: o.accepted.files };
}
