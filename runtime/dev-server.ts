/**
 * The embedded Temporal dev server: `temporal server start-dev` on loopback, persisted in a
 * SQLite file (workflows and timers survive a restart), Web UI on with its news fetch off,
 * and rectify's search attributes registered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { listening } from './net';
import { dirname } from 'node:path';
import { TEMPORAL_CLI, findBinary, missingBinaryHelp } from './binaries';
import { ALL_SEARCH_ATTRIBUTES, searchAttributeFlags } from '../contracts/search-attributes';

export interface DevServerOptions {
  ip: string;
  port: number;
  uiPort: number;
  dbFile: string;
  logFile: string;
  namespace?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** Waits until the server's frontend answers a namespace call (it reports unhealthy for a while after its port opens). */
async function untilServing(address: string, deadline: number, exited: () => boolean): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (e) {
      if (exited()) throw new Error('进程已退出', { cause: e });
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * How long the embedded server keeps a closed workflow (a finished look-back review, a sent digest,
 * a campaign) visible and its history readable: 30 days instead of start-dev's 24 hours, so that the
 * office can look one up in the Temporal UI for a month. Figures never depend on it: outcomes live
 * in the measures, which run until the plan ends.
 */
export const RETENTION_DAYS = 30;

async function setRetention(address: string, namespace: string): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const { msToTs } = await import('@temporalio/common/lib/time');
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(`${RETENTION_DAYS} days`) },
    });
  } finally {
    await connection.close();
  }
}

/**
 * The embedded database in write-ahead-log mode: a commit appends to the log instead of writing a
 * rollback journal and the pages, so the server's many small transactions cost one sync each, not
 * several (synchronous stays FULL: a commit survives a power cut). See bench/RESULTS.md.
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal'];

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  if (await listening(o.ip, o.port)) {
    throw new Error(`${o.ip}:${o.port}已被占用：另一个 Temporal 服务（或 rectify dev）正在运行？停止它，或设置 RECTIFY_DEV_PORT`);
  }
  const found = findBinary(TEMPORAL_CLI);
  if (!found || found.executable.type !== 'existing-path') return startDownloadedDevServer(o);
  const binary = found.executable.path;
  mkdirSync(dirname(o.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    o.ip,
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--db-filename',
    o.dbFile,
    '--ui-disable-news-fetch',
    ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
    '--log-level',
    'warn',
    ...(o.namespace && o.namespace !== 'default' ? ['--namespace', o.namespace] : []),
    ...Object.entries(searchAttributeFlags()).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const log = openSync(o.logFile, 'a');
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const deadline = Date.now() + 60_000;
  while (!(await listening(o.ip, o.port))) {
    if (exited !== undefined) throw new Error(`Temporal 开发服务器启动失败（退出码${exited}），见 ${o.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Temporal 开发服务器60秒内未就绪，见 ${o.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // The port opens before the frontend serves: wait until it answers, so that the first call does not fail.
  await untilServing(`${o.ip}:${o.port}`, deadline, () => exited !== undefined).catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`Temporal 开发服务器未就绪（${e.message}），见 ${o.logFile}`);
  });
  await setRetention(`${o.ip}:${o.port}`, o.namespace ?? 'default').catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`无法设置命名空间的保留期（${e.message}），见 ${o.logFile}`);
  });
  return {
    address: `${o.ip}:${o.port}`,
    uiUrl: `http://${o.ip}:${o.uiPort}`,
    stop: () =>
      new Promise<void>((done) => {
        if (exited !== undefined) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => (clearTimeout(force), done()));
        child.kill('SIGTERM');
      }),
  };
}

/** Last resort: the SDK downloads the CLI (needs internet access) and runs the same dev server. */
async function startDownloadedDevServer(o: DevServerOptions): Promise<DevServer> {
  mkdirSync(dirname(o.dbFile), { recursive: true });
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip: o.ip,
        port: o.port,
        ui: true,
        uiPort: o.uiPort,
        dbFilename: o.dbFile,
        namespace: o.namespace,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        extraArgs: ['--ui-disable-news-fetch', ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p])],
      },
    });
    await setRetention(`${o.ip}:${o.port}`, o.namespace ?? 'default');
    return { address: `${o.ip}:${o.port}`, uiUrl: `http://${o.ip}:${o.uiPort}`, stop: () => env.teardown() };
  } catch (e) {
    throw new Error(`${missingBinaryHelp(TEMPORAL_CLI)}（SDK 下载也失败了：${(e as Error).message}）`, { cause: e });
  }
}
