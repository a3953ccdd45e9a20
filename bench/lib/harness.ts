/**
 * What every benchmark runs on: the embedded dev server as users run it (its SQLite file on disk),
 * workers as separate processes (`rectify worker`, as an operator runs them), and waiting for the
 * task queues to drain. The loopback SMTP server is in smtp.ts; figures and result files in
 * results.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { MAIL_TASK_QUEUE, TASK_QUEUE } from '../../contracts/ids';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import { ensureNamespace } from '../../client/cluster';
import { databaseBytes, pgCommand, restartArgs } from '../../runtime/cluster/postgres';
import { killDaemon, stopDaemon } from '../../runtime/cluster/processes';
import { clusterSettings, DEFAULT_SHARDS, postgresOf, serverDaemon, temporalDown, temporalUp } from '../../runtime/cluster/server';

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

/** `--cluster` (BENCH_SERVER=cluster): the production cluster (Temporal Server on PostgreSQL) instead of the dev server. */
export const onCluster = () => process.env.BENCH_SERVER === 'cluster';

export type BenchServer = DevServer & {
  dbFile: string;
  /** Bytes the server's databases take on disk: SQLite's file and its WAL, or both PostgreSQL databases. */
  dbBytes(): number;
  /** Stopped and started again on the same port and data, `during()` run while it is down (the fault suite). */
  restart(downMs?: number, during?: () => unknown): Promise<void>;
  /** The server killed with SIGKILL (cluster only); `restart()` starts it again. */
  kill?(): void;
  /** PostgreSQL restarted with `pg_ctl restart -m fast` (cluster only): how long it took, ms. */
  restartDatabase?(): Promise<number>;
};

/**
 * The server a benchmark runs on, fresh: the embedded default (`temporal server start-dev` with its
 * database in a file, as `rectify dev` starts it), or with --cluster a cluster of its own as
 * `rectify cluster` runs it (BENCH_SHARDS history shards, 128 by default as shipped).
 */
export async function benchServer(dir: string): Promise<BenchServer> {
  return onCluster() ? clusterBenchServer(dir) : devBenchServer(dir);
}

async function clusterBenchServer(dir: string): Promise<BenchServer> {
  const env = {
    ...process.env,
    RECTIFY_CLUSTER_DIR: join(dir, 'cluster'),
    RECTIFY_CLUSTER_PORT: process.env.BENCH_CLUSTER_PORT ?? '25233',
    RECTIFY_CLUSTER_PG_PORT: process.env.BENCH_CLUSTER_PG_PORT ?? '57432',
    RECTIFY_CLUSTER_SHARDS: process.env.BENCH_SHARDS ?? String(DEFAULT_SHARDS),
  };
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  const s = clusterSettings(env);
  const quiet = () => undefined;
  let up;
  try {
    up = await temporalUp(s, quiet);
    ensureNamespace(up.address, 'default', quiet);
  } catch (e) {
    await temporalDown(s); // whatever did start
    throw e;
  }
  const pg = postgresOf(s);
  return {
    address: up.address,
    uiUrl: '',
    dbFile: '',
    dbBytes: () => (databaseBytes(pg, 'temporal') ?? 0) + (databaseBytes(pg, 'temporal_visibility') ?? 0),
    stop: async () => void (await temporalDown(s)),
    restart: async (downMs = 0, during) => {
      await stopDaemon(serverDaemon(s));
      await during?.();
      await sleep(downMs);
      await temporalUp(s, quiet);
    },
    kill: () => void killDaemon(serverDaemon(s)),
    restartDatabase: async () => {
      const began = Date.now();
      // Not spawnSync: the bench's own SMTP sink keeps answering meanwhile.
      await promisify(execFile)(...pgCommand('pg_ctl', restartArgs(pg, join(s.dir, 'logs', 'postgresql.log'))));
      return Date.now() - began;
    },
  };
}

/** The embedded default as a benchmark's server, whatever --cluster says (a migration's source). */
export async function devBenchServer(dir: string): Promise<BenchServer> {
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
    restart: async (downMs = 0, during) => {
      await server.stop();
      await during?.();
      await sleep(downMs);
      server = await startDevServer(options);
    },
    dbFile,
    dbBytes,
  };
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
  // A worker started again on its machine appends to the same log: only what this one writes counts.
  const from = statSync(join(varDir, 'worker.log')).size;
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
  while (!readFileSync(join(varDir, 'worker.log')).subarray(from).toString('utf8').includes('task queue=')) {
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
export async function withServer<T>(name: string, fn: (ctx: { dir: string; server: BenchServer }) => Promise<T>): Promise<T> {
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
