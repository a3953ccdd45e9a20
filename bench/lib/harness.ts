/**
 * What every benchmark shares: the embedded dev server as users run it (its SQLite file on disk),
 * a loopback SMTP server that notes when it accepted each message, workers as separate processes
 * (`rectify worker`, as an operator runs them), and the result file with the machine, versions and
 * commit it was measured on.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { Client } from '@temporalio/client';
import { MAIL_TASK_QUEUE, TASK_QUEUE } from '../../contracts/ids';
import { resolveBinary, TEMPORAL_CLI } from '../../runtime/binaries';
import { startDevServer, type DevServer } from '../../runtime/dev-server';

export const ROOT = resolve(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export function scratchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `rectify-bench-${name}-`));
}

/**
 * The embedded default: `temporal server start-dev` with its database in a file, as `rectify dev`
 * starts it. `restart()`: stopped and started again on the same port and database (the fault suite).
 */
export async function benchServer(
  dir: string,
): Promise<DevServer & { dbFile: string; dbBytes(): number; restart(downMs?: number): Promise<void> }> {
  const dbFile = join(dir, 'temporal.db');
  const options = { ip: '127.0.0.1', port: await freePort(), uiPort: await freePort(), dbFile, logFile: join(dir, 'temporal.log') };
  let server = await startDevServer(options);
  // SQLite keeps recent writes in its -wal file until a checkpoint: both count.
  const dbBytes = () =>
    readdirSync(dir)
      .filter((f) => f.startsWith('temporal.db'))
      .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  return {
    address: server.address,
    uiUrl: server.uiUrl,
    stop: () => server.stop(),
    restart: async (downMs = 0) => {
      await server.stop();
      await sleep(downMs);
      server = await startDevServer(options);
    },
    dbFile,
    dbBytes,
  };
}

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

export interface WorkerProcess {
  pid: number;
  /** Resident memory of the whole process (main and workflow threads), bytes. */
  rss(): number;
  /** Highest RSS seen by the sampler. */
  peakRss(): number;
  /** SIGTERM and wait (SIGKILL after 20 s). */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * `rectify worker` in a process of its own, against the bench server, its var dir its own
 * "machine"; from this checkout, or from the release built at `root` (bench/lib/release.ts).
 */
export async function spawnWorker(address: string, varDir: string, env: Record<string, string> = {}, root = ROOT): Promise<WorkerProcess> {
  mkdirSync(varDir, { recursive: true });
  const log = openSync(join(varDir, 'worker.log'), 'a');
  const child: ChildProcess = spawn(process.execPath, [join(root, 'dist', 'client', 'cli', 'index.js'), 'worker'], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      RECTIFY_VAR_DIR: varDir,
      RECTIFY_LINK_SECRET: 'bench-link-secret-bench-link-secret-0123',
      // INFO: its ready line ("… task queue=…") is what the harness waits for; JSON lines in the log file.
      RECTIFY_LOG_LEVEL: 'INFO',
      RECTIFY_LOG_FORMAT: 'json',
      ...env,
    },
  });
  closeSync(log);
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 500);
  gone.then(
    () => clearInterval(sampler),
    () => undefined,
  );
  // Ready when its log says so (it prints its address once polling).
  const deadline = Date.now() + 120_000;
  while (!readFileSync(join(varDir, 'worker.log'), 'utf8').includes('task queue=')) {
    if (exited) throw new Error(`rectify worker exited: see ${join(varDir, 'worker.log')}`);
    if (Date.now() > deadline) throw new Error(`rectify worker not ready in 120 s: see ${join(varDir, 'worker.log')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (exited) return;
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.kill(signal);
    await gone;
    clearTimeout(force);
  };
  return {
    pid: child.pid!,
    rss: () => rssOf(child.pid!),
    peakRss: () => peak,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** Runs `fn` with a bench server and cleans up whatever happens. */
export async function withServer<T>(
  name: string,
  fn: (ctx: { dir: string; server: Awaited<ReturnType<typeof benchServer>> }) => Promise<T>,
): Promise<T> {
  const dir = scratchDir(name);
  const server = await benchServer(dir);
  try {
    return await fn({ dir, server });
  } finally {
    await server.stop();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;
export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Where and on what a figure was measured. */
export function machine(): Record<string, unknown> {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return undefined;
    }
  };
  let temporal: string | undefined;
  try {
    const found = resolveBinary(TEMPORAL_CLI).executable;
    if (found.type === 'existing-path') temporal = execFileSync(found.path, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    temporal = undefined;
  }
  return {
    os: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    temporalSdk: pkg('@temporalio/worker'),
    temporalCli: temporal,
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: Boolean(git('status', '--porcelain', '--untracked-files=no')),
  };
}

/** bench/results/<file>.json: the figures, the machine and the date. */
export function writeResult(file: string, figures: Record<string, unknown>): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file}.json`);
  writeFileSync(path, `${JSON.stringify({ benchmark: file, date: new Date().toISOString(), machine: machine(), ...figures }, null, 2)}\n`);
  return path;
}

/** A two-column table on stdout. */
export function printTable(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

/** Tasks waiting in a task queue (workflow and activity), as the server reports them. */
export async function backlog(client: Client, taskQueues = [TASK_QUEUE, MAIL_TASK_QUEUE]): Promise<number> {
  let n = 0;
  for (const name of taskQueues)
    for (const taskQueueType of [1, 2]) {
      const r = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name },
        taskQueueType,
        reportStats: true,
      });
      n += Number(r.stats?.approximateBacklogCount ?? 0);
    }
  return n;
}

/** Until the task queue has had nothing waiting for `quietMs`: what a burst before left is done. */
export async function untilIdle(client: Client, timeoutMs: number, quietMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let idleSince: number | undefined;
  for (;;) {
    const waiting = await backlog(client);
    if (waiting === 0) idleSince ??= Date.now();
    else idleSince = undefined;
    if (idleSince !== undefined && Date.now() - idleSince >= quietMs) return idleSince;
    if (Date.now() > deadline) throw new Error(`task queue not idle after ${timeoutMs / 1000} s (${waiting} waiting)`);
    await sleep(1000);
  }
}
