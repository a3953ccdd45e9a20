/**
 * Where mail goes: a pooled SMTP transport (SMTP_URL: smtp:// with STARTTLS, or smtps://; user
 * and password in the URL for AUTH; certificates verified, with an optional custom CA), or, by
 * default, .eml files in an outbox folder that `rectify outbox` reads.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';

export type MailMessage = Mail.Options & { messageId: string };

export interface SendResult {
  accepted: string[];
  response: string;
}

export interface Mailer {
  /** Where mail goes, for logs. */
  readonly describe: string;
  send(message: MailMessage): Promise<SendResult>;
  close(): void;
}

export interface SmtpOptions {
  /** PEM of a CA to trust besides the system's. */
  ca?: string;
  maxConnections?: number;
  /** Messages per second at most, over the pool. */
  ratePerSecond?: number;
}

/** An SMTP mailer that can also check the server (connect, TLS, login) without sending: `rectify doctor`, /readyz. */
export type SmtpMailer = Mailer & { verify(): Promise<void> };

export function smtpMailer(url: string, options: SmtpOptions = {}): SmtpMailer {
  const shown = url.replace(/\/\/([^:@/]*):[^@]*@/, '//$1:***@'); // never log the password
  let u: URL;
  let user: string;
  let pass: string;
  try {
    u = new URL(url);
    user = decodeURIComponent(u.username);
    pass = decodeURIComponent(u.password);
  } catch {
    throw new Error(`SMTP_URL 无效：${shown}（应为 smtp://用户：密码@主机：端口 或 smtps://…；密码中的 % # / @ 等字符须百分号编码）`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`SMTP_URL 应以 smtp:// 或 smtps:// 开头：${shown}`);
  const secure = u.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    pool: true,
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    // smtp://: STARTTLS whenever the server offers it; ?requireTLS=true refuses a server that does not.
    requireTLS: u.searchParams.get('requireTLS') === 'true',
    auth: user ? { user, pass } : undefined,
    // A send gives up well within the activity's timeout, so a timed-out attempt is not still sending.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    tls: { rejectUnauthorized: true, ...(options.ca ? { ca: options.ca } : {}), servername: u.hostname },
    maxConnections: options.maxConnections ?? 3,
    maxMessages: 100,
    ...(options.ratePerSecond ? { rateDelta: 1000, rateLimit: options.ratePerSecond } : {}),
  });
  return {
    describe: `SMTP ${u.protocol}//${u.host}${user ? `（用户${user}）` : ''}`,
    async send(message) {
      const info = await transport.sendMail(message);
      return {
        accepted: (info.accepted as (string | { address: string })[]).map((a) => (typeof a === 'string' ? a : a.address)),
        response: info.response,
      };
    },
    verify: async () => void (await transport.verify()),
    close: () => transport.close(),
  };
}

/** The embedded default: each mail as an .eml file, exactly as it would have been sent. */
export function fileMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `发件箱目录 ${dir}（未设置 SMTP_URL，邮件保存为 .eml 文件）`,
    async send(message) {
      const info = await transport.sendMail(message);
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${createHash('sha256').update(message.messageId).digest('hex').slice(0, 12)}.eml`;
      await writeFile(join(dir, name), info.message as Buffer);
      const to = Array.isArray(message.to) ? message.to : [message.to];
      return { accepted: to.map(String), response: `saved ${name}` };
    },
    close: () => transport.close(),
  };
}

export type FailureClass = 'transient' | 'permanent';

/** 4xx and connection trouble are worth retrying; 5xx, authentication and bad addresses are not. */
export function classify(error: unknown): FailureClass {
  const e = error as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? 'permanent' : 'transient';
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return 'permanent';
  return 'transient';
}
