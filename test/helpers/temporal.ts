/** Real Temporal servers for tests: the binaries runtime/binaries.ts finds (SDK download last). */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { NoticeDelivery, PlanRecords } from '../../activities/ports';
import { createServer } from 'node:net';
import { resolveBinary, TEMPORAL_CLI, TEST_SERVER } from '../../runtime/binaries';
import { ALL_SEARCH_ATTRIBUTES, indexedValueTypes } from '../../contracts/search-attributes';
import { createWorker, SHARED_WORKFLOW_MODULES } from '../../worker/worker';
import { campaignSource } from '../../client/lookback';
import { ensureNamespace } from '../../client/cluster';
import { spawnSync } from 'node:child_process';

export const testServerExecutable = () => resolveBinary(TEST_SERVER).executable;
export const devServerExecutable = () => resolveBinary(TEMPORAL_CLI).executable;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflows, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  // As the worker bundles it: with the modules every workflow shares.
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    preloadModules: SHARED_WORKFLOW_MODULES,
    logger: quietLogger,
  });
  return bundle;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Registers rectify's search attributes on a test server (the dev server takes them as flags). */
export async function registerSearchAttributes(env: {
  connection: { operatorService: { addSearchAttributes(req: object): Promise<unknown> } };
}): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: indexedValueTypes() });
}

/** Reads until `ok` holds (visibility and workers catch up asynchronously), at most ~20 s; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, tries = 100): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (ok(value) || i >= tries) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `fn` with a worker of the bundled workflows and real activities over `delivery`, then shuts it down (the SDK's runUntil). */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  options: { taskQueue: string; delivery: NoticeDelivery; plans?: PlanRecords },
  fn: () => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ delivery: options.delivery, plans: options.plans }),
  });
  return worker.runUntil(fn);
}

/**
 * The Temporal server a test file runs against, with rectify's search attributes, and the CLI
 * pointed at it: a dev server of its own; or, with RECTIFY_TEST_CLUSTER=<address> (the cluster
 * tier, `npm run test:cluster`), a namespace of its own on that production cluster.
 */
export interface TestTemporal {
  env: TestWorkflowEnvironment;
  address: string;
  namespace: string;
  /** Gives the environment back (and the CLI's settings); removes a cluster namespace. */
  teardown(): Promise<void>;
}

export const onCluster = () => !!process.env.RECTIFY_TEST_CLUSTER;

export async function testTemporal(dir: string): Promise<TestTemporal> {
  const saved = { ...process.env };
  let t: Omit<TestTemporal, 'teardown'> & { done(): Promise<void> };
  const cluster = process.env.RECTIFY_TEST_CLUSTER;
  if (cluster) {
    const namespace = `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    ensureNamespace(cluster, namespace, () => undefined);
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: cluster, namespace });
    t = {
      env,
      address: cluster,
      namespace,
      done: async () => {
        await env.teardown();
        spawnSync(devServerPath(), ['operator', 'namespace', 'delete', '--address', cluster, '--namespace', namespace, '--yes'], {
          stdio: 'ignore',
        });
      },
    };
  } else {
    const port = await freePort();
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), port, searchAttributes: ALL_SEARCH_ATTRIBUTES, extraArgs: ['--headless'] },
    });
    t = { env, address: `127.0.0.1:${port}`, namespace: 'default', done: () => env.teardown() };
  }
  process.env.TEMPORAL_ADDRESS = t.address;
  process.env.TEMPORAL_NAMESPACE = t.namespace;
  process.env.TEMPORAL_CONFIG_FILE = `${dir}/none.toml`;
  return {
    env: t.env,
    address: t.address,
    namespace: t.namespace,
    teardown: async () => {
      process.env = saved;
      await t.done();
    },
  };
}

/** The temporal CLI's path (the dev server's binary is the CLI). */
function devServerPath(): string {
  const e = devServerExecutable();
  return e.type === 'existing-path' ? e.path : 'temporal';
}

/** A real Temporal server (testTemporal) with the CLI pointed at it, and a worker of the bundled workflows. */
export interface DevStack {
  env: TestWorkflowEnvironment;
  namespace: string;
  /** Stops the worker and the server, and gives the environment back. */
  stop(): Promise<void>;
}

export async function startDevStack(
  dir: string,
  options: { delivery: NoticeDelivery; plans?: (env: TestWorkflowEnvironment) => PlanRecords },
): Promise<DevStack> {
  const server = await testTemporal(dir);
  const { env } = server;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: server.namespace,
    workflowBundle: await workflowBundle(),
    delivery: options.delivery,
    plans: options.plans?.(env),
    campaigns: campaignSource(env.client),
  });
  const running = worker.run();
  return {
    env,
    namespace: server.namespace,
    stop: async () => {
      worker.shutdown();
      await running;
      await server.teardown();
    },
  };
}

/**
 * A workflow's history length once it has finished what it was doing: two reads 400 ms apart agree
 * and the history is at rest (nothing under way since its last workflow task), or it has not
 * changed for 2 s with work under way (~30 s at most).
 */
export async function settledHistoryLength(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }): Promise<number> {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 75; i++) {
    const events = ((await handle.fetchHistory()).events ?? []) as Record<string, unknown>[];
    same = events.length === last ? same + 1 : 0;
    // Unchanged and at rest; or unchanged for 2 s with work under way (an activity retrying its mail).
    if ((same >= 1 && atRest(events)) || same >= 5) return events.length;
    last = events.length;
    await new Promise((r) => setTimeout(r, 400));
  }
  return last;
}

/** What a workflow task may leave after it completes without work under way: timers, markers, search attributes, updates answered. */
const AT_REST = [
  'timerStartedEventAttributes',
  'markerRecordedEventAttributes',
  'upsertWorkflowSearchAttributesEventAttributes',
  'workflowPropertiesModifiedEventAttributes',
  'workflowExecutionUpdateAcceptedEventAttributes',
  'workflowExecutionUpdateCompletedEventAttributes',
];

const CLOSED = ['Completed', 'Failed', 'Terminated', 'ContinuedAsNew', 'Canceled', 'TimedOut'].map(
  (k) => `workflowExecution${k}EventAttributes`,
);

/** A history at rest: closed, or its last workflow task completed with no activity, child or task under way after it. */
function atRest(events: Record<string, unknown>[]): boolean {
  const lastEvent = events[events.length - 1];
  if (lastEvent && CLOSED.some((k) => !!lastEvent[k])) return true;
  let done = events.length - 1;
  while (done >= 0 && !events[done].workflowTaskCompletedEventAttributes) done--;
  return done >= 0 && events.slice(done + 1).every((e) => AT_REST.some((k) => !!e[k]));
}
