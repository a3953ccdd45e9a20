/** A real SMTP server in process (smtp-server) with STARTTLS, AUTH and a test CA, that records what it accepts. */
import { simpleParser, type ParsedMail } from 'mailparser';
import selfsigned from 'selfsigned';
import { SMTPServer } from 'smtp-server';
import { join } from 'node:path';
import { MailDelivery, type MailDeliveryDeps, type MailLinks } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { freePort } from './temporal';

export interface TestSmtp {
  url: string;
  ca: string;
  /** Raw messages accepted, in order. */
  accepted: Buffer[];
  /** The SMTP envelope of each accepted message, in order. */
  envelopes: { mailFrom: string; rcptTo: string[] }[];
  connections: number;
  /** Reply with these SMTP codes to the next DATA commands, one each. */
  failNext(...codes: number[]): void;
  /** Refuse these recipients at RCPT TO with 550. */
  rejectRecipients: Set<string>;
  /** Answer these recipients' next RCPT TO with 451 (greylisting), once each. */
  deferOnce: Set<string>;
  parsed(): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export const SMTP_USER = 'rectify';
export const SMTP_PASS = 'correct horse';

export async function startTestSmtp(): Promise<TestSmtp> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const failures: number[] = [];
  const state = { connections: 0 };
  const accepted: Buffer[] = [];
  const envelopes: TestSmtp['envelopes'] = [];
  const rejectRecipients = new Set<string>();
  const deferOnce = new Set<string>();
  const server = new SMTPServer({
    key: pems.private,
    cert: pems.cert,
    // AUTH only after STARTTLS (smtp-server's default), with one user.
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (rejectRecipients.has(address.address))
        return callback(Object.assign(new Error(`No such user ${address.address}`), { responseCode: 550 }));
      if (deferOnce.delete(address.address))
        return callback(Object.assign(new Error('Greylisted, try again later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = failures.shift();
        if (code) return callback(Object.assign(new Error(code >= 500 ? 'Message rejected' : 'Try again later'), { responseCode: code }));
        accepted.push(Buffer.concat(chunks));
        envelopes.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  const port = await freePort();
  // A sender killed mid-session (the burst's worker, SIGKILL) resets its connection: smtp-server says so
  // as an 'error' event, which unheard would end the test process; it is the sender's fault, not the server's.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASS)}@localhost:${port}?requireTLS=true`,
    ca: pems.cert,
    accepted,
    envelopes,
    get connections() {
      return state.connections;
    },
    failNext: (...codes) => failures.push(...codes),
    rejectRecipients,
    deferOnce,
    parsed: () => Promise.all(accepted.map((raw) => simpleParser(raw))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Mail delivery of a drill plan to a fresh test SMTP server (its sent-ledger in `dir`), with lead units' links if given. */
export async function mailToTestSmtp(
  dir: string,
  planPath: string,
  links?: MailLinks,
  /** Group robots beside the mail (the chat double's hosts, secrets). */
  chat?: MailDeliveryDeps['chat'],
): Promise<{ smtp: TestSmtp; mailer: Mailer; delivery: MailDelivery }> {
  const smtp = await startTestSmtp();
  const mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
  const delivery = new MailDelivery({
    mailer,
    plans: new PlanDirectory([planPath]),
    ledger: new SentLedger(join(dir, 'sent')),
    from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
    ...(links ? { links } : {}),
    ...(chat ? { chat } : {}),
  });
  return { smtp, mailer, delivery };
}
