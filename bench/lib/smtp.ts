/**
 * A loopback SMTP server for the benchmarks that notes when it accepted each message, with the
 * faults the fault suite puts on it (greylisting, refused addresses, a slow 250), and a TCP gate
 * that takes a port down and up again.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { freePort } from './harness';

export interface Accepted {
  at: number;
  raw: Buffer;
}

/** What the sink answers, changeable while it runs (the fault suite's SMTP faults). */
export interface SinkPolicy {
  /** 451 to every recipient (greylisting): the sender should come back later. */
  greylist: boolean;
  /** 550 for these addresses (no such mailbox): permanent. */
  reject: Set<string>;
}

export interface SmtpSink {
  url: string;
  port: number;
  accepted: Accepted[];
  policy: SinkPolicy;
  /** Instants of every RCPT TO the sink answered (accepted or not): how hard senders knock. */
  attempts: number[];
  close(): Promise<void>;
}

/**
 * A loopback SMTP server: every message it accepted, with the instant it accepted it.
 * `delayMs`: it holds each message that long before its 250 (a slower server, a longer burst).
 */
export async function smtpSink(options: { delayMs?: number } = {}): Promise<SmtpSink> {
  const accepted: Accepted[] = [];
  const attempts: number[] = [];
  const policy: SinkPolicy = { greylist: false, reject: new Set() };
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 50 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      attempts.push(Date.now());
      if (policy.reject.has(address.address))
        return callback(Object.assign(new Error(`No such user ${address.address}`), { responseCode: 550 }));
      if (policy.greylist) return callback(Object.assign(new Error('Greylisted, try again later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, _s, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const accept = () => (accepted.push({ at: Date.now(), raw: Buffer.concat(chunks) }), done());
        if (options.delayMs) setTimeout(accept, options.delayMs);
        else accept();
      });
    },
  });
  // A sender killed mid-session resets its connection (the fault suite does that): not the sink's failure.
  smtp.on('error', () => undefined);
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const port = (smtp.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    accepted,
    policy,
    attempts,
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}

/**
 * A TCP gate in front of a port: while down, connections are refused (nothing listens) and those
 * open are cut; up again, on the same port.
 */
export async function tcpGate(
  target: number,
): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const up = async () => {
    if (server) return;
    server = createServer((client) => {
      const upstream = connect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r, fail) => server!.once('error', fail).listen(port, '127.0.0.1', r));
  };
  const down = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await up();
  return { url: `smtp://127.0.0.1:${port}`, down, up, close: down };
}
