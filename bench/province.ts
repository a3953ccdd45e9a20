/**
 * Benchmarks at province scale, on the embedded dev server (SQLite file) or with --cluster the
 * production cluster (bench/run.ts), and one `rectify worker` process, with district plans as the
 * seed's (159 measures, 20 units each):
 *   start  start calls per second and time until every measure has run its first task, each as a
 *          ratio to the same number of bare sleeping workflows (a fresh server, the same run);
 *          starting again starts none.
 *   hold   the worker's memory holding them, through a simulated working morning (a tenth report
 *          progress, a tenth are looked at): RSS, update latency (cached or replayed), history and
 *          database bytes per measure.
 *   query  `rectify status` (summary, --overdue, --unit, --plan), `rectify report --plan`, and the
 *          web's overview, ledger and report pages, each timed as people run them; then the
 *          roll-up's ways of counting across plans side by side (lib/rollup-methods.ts).
 *   npm run bench -- start|hold|query|province [--sizes 2000,5000,20000] [--cache 1000]
 *   npm run bench -- query --sizes 20000 --from /tmp/rectify-bench-province-… (the database a run left, read again)
 * `province` runs all three on one server per size.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { join } from 'node:path';
import { startPlan } from '../client/measures';
import { measureWorkflowId, ofType, WORKFLOW } from '../contracts/ids';
import { reportProgressUpdate, getStateQuery } from '../contracts/messages';
import type { Plan } from '../domain/plan/schema';
import { sizes, option } from './lib/args';
import { benchServer, scratchDir, sleep, spawnWorker, untilIdle } from './lib/harness';
import { mib, printTable, quantile, seconds, writeResult } from './lib/results';
import { queries, timedMs } from './lib/reads';
import { rollupMethods } from './lib/rollup-methods';
import { provincePlans, untilCount } from './lib/plans';

type Part = 'start' | 'hold' | 'query';

const live = (type: string) => `${type} AND TrafficLight IS NOT NULL`;

/** Starts `n` bare sleeping workflows on a fresh server: start calls per second, and seconds until all ran their first task. */
async function bareStart(n: number): Promise<{ callsPerSecond: number; liveSeconds: number; databaseKBPerWorkflow: number }> {
  const dir = scratchDir('bare');
  const server = await benchServer(dir);
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const worker = await Worker.create({
      connection: native,
      taskQueue: 'bench-bare',
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./lib/bare-workflow'), logger: quietLogger }),
    });
    return await worker.runUntil(async () => {
      const began = Date.now();
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < n; i = next++) {
          await client.workflow.start('bareSleepWorkflow', { workflowId: `bare:${i}`, taskQueue: 'bench-bare', args: [365] });
        }
      };
      await Promise.all(Array.from({ length: 16 }, lane));
      const calls = Date.now() - began;
      const liveAt = await untilCount(client, live(`WorkflowType = 'bareSleepWorkflow'`), n, 60 * 60_000);
      await sleep(5000);
      return {
        callsPerSecond: Math.round((n / calls) * 1000),
        liveSeconds: seconds(liveAt - began),
        databaseKBPerWorkflow: kbPer(server.dbBytes(), n),
      };
    });
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
  }
}

const kbPer = (bytes: number, n: number) => Math.round(bytes / n / 102.4) / 10;

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
  log: () => undefined,
};

/** The reads as people run them, then the roll-up's ways of counting side by side (in this process). */
async function queryParts(figures: Record<string, unknown>, client: Client, address: string, dir: string, plans: Plan[]): Promise<void> {
  figures.query = await queries(address, dir, plans);
  console.log(`[${plans.length} plans] ${JSON.stringify({ query: figures.query })}`);
  figures.rollupMethods = await rollupMethods(client, plans);
}

/** One size: the province started on a fresh server, then what the parts asked for. */
async function atSize(
  n: number,
  parts: Part[],
  cache: number,
  from?: string,
  workerEnv: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = { measures: n };
  const plans: Plan[] = provincePlans(n);
  figures.plans = plans.length;
  if (parts.includes('start')) {
    console.log(`[${n}] bare sleeping workflows…`);
    figures.bare = await bareStart(n);
  }
  // --from <dir>: the database an earlier run left (its dir is kept), restarted with a fresh worker.
  const dir = from ?? scratchDir('province');
  const server = await benchServer(dir);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const worker = await spawnWorker(server.address, join(dir, from ? `worker-${Date.now()}` : 'worker'), {
    RECTIFY_WORKFLOW_CACHE: String(cache),
    ...workerEnv,
  });
  figures.workflowCache = cache;
  if (Object.keys(workerEnv).length) figures.workerEnv = workerEnv;
  try {
    if (from) {
      await untilCount(client, live(ofType(WORKFLOW.measure)), n, 60_000);
      await sleep(5000);
      figures.restartedWorkerRssMiB = mib(worker.rss());
      if (parts.includes('query')) await queryParts(figures, client, server.address, dir, plans);
      return figures;
    }
    console.log(`[${n}] starting ${plans.length} district plans…`);
    const began = Date.now();
    for (const plan of plans) await startPlan(client, plan);
    const calls = Date.now() - began;
    const liveAt = await untilCount(client, live(ofType(WORKFLOW.measure)), n, 60 * 60_000);
    const again = await timedMs(async () => {
      let started = 0;
      for (const plan of plans) started += (await startPlan(client, plan)).started.length;
      return started;
    });
    await untilIdle(client, 30 * 60_000);
    const start = {
      callsPerSecond: Math.round((n / calls) * 1000),
      liveSeconds: seconds(liveAt - began),
      againStarted: again.value,
      againSeconds: seconds(again.ms),
      // Both databases (or SQLite's file) once idle after the start: the district plans' own workflows included.
      databaseKBPerMeasure: kbPer(server.dbBytes(), n),
      workerRssMiB: mib(worker.rss()),
    };
    figures.start = start;
    const bare = figures.bare as Awaited<ReturnType<typeof bareStart>> | undefined;
    if (bare) {
      figures.ratios = {
        startCalls: +(start.callsPerSecond / bare.callsPerSecond).toFixed(2),
        live: +(bare.liveSeconds / start.liveSeconds).toFixed(2),
        databaseBytes: +(start.databaseKBPerMeasure / bare.databaseKBPerWorkflow).toFixed(2),
      };
    }
    console.log(`[${n}] ${JSON.stringify({ bare: figures.bare, start: figures.start, ratios: figures.ratios })}`);

    if (parts.includes('hold')) {
      const rssIdle = worker.rss();
      // A working morning: a tenth of the measures report progress (Updates: cached, or replayed if evicted), a tenth are looked at.
      const all = plans.flatMap((p) => p.measures.map((m) => [p.id, m.id, m.leadUnit] as const));
      const sample = Array.from({ length: Math.ceil(n / 10) }, (_, i) => all[(i * 7919) % n]);
      const latencies: number[] = [];
      let next = 0;
      const morning = await timedMs(() =>
        Promise.all(
          Array.from({ length: 8 }, async () => {
            for (let i = next++; i < sample.length; i = next++) {
              const [planId, measureId, unit] = sample[i];
              const handle = client.workflow.getHandle(measureWorkflowId(planId, measureId));
              const t = await timedMs(() =>
                handle.executeUpdate(reportProgressUpdate, { args: [{ actor: { role: 'unit', who: unit }, note: '本周已完成摸排。' }] }),
              );
              latencies.push(t.ms);
              await handle.query(getStateQuery);
            }
          }),
        ),
      );
      await untilIdle(client, 30 * 60_000);
      latencies.sort((a, b) => a - b);
      const history = await client.workflow.getHandle(measureWorkflowId(plans[0].id, plans[0].measures[0].id)).fetchHistory();
      const historyBytes = Buffer.byteLength(JSON.stringify(history));
      figures.hold = {
        workerRssMiB: { idle: mib(rssIdle), afterMorning: mib(worker.rss()), peak: mib(worker.peakRss()) },
        morning: {
          updates: sample.length,
          seconds: seconds(morning.ms),
          updateMs: {
            p50: Math.round(quantile(latencies, 0.5)),
            p99: Math.round(quantile(latencies, 0.99)),
            max: Math.round(latencies.at(-1)!),
          },
        },
        firstEventInputBytes: Buffer.byteLength(JSON.stringify(history.events?.[0]?.workflowExecutionStartedEventAttributes?.input ?? {})),
        historyJsonBytesOfOneMeasure: historyBytes,
        databaseMiB: mib(server.dbBytes()),
        databaseKBPerMeasure: kbPer(server.dbBytes(), n),
      };
    }

    if (figures.hold) console.log(`[${n}] ${JSON.stringify({ hold: figures.hold })}`);
    if (parts.includes('query')) await queryParts(figures, client, server.address, dir, plans);
    return figures;
  } finally {
    await worker.stop();
    await connection.close();
    await server.stop();
  }
}

export function provinceBench(parts: Part[]) {
  return async (argv: string[]): Promise<number> => {
    const cache = option(argv, 'cache', 1000);
    for (const n of sizes(argv, [2000, 5000, 20000])) {
      const at = argv.indexOf('--from');
      // --worker-env KEY=VALUE (repeatable): the worker's environment, e.g. NODE_OPTIONS or MALLOC_ARENA_MAX.
      const workerEnv = Object.fromEntries(
        argv.flatMap((a, i) => (a === '--worker-env' ? [argv[i + 1].split(/=(.*)/s).slice(0, 2)] : [])) as [string, string][],
      );
      const figures = await atSize(n, parts, cache, at < 0 ? undefined : argv[at + 1], workerEnv);
      const rows: [string, string | number][] = [];
      const flat = (prefix: string, o: unknown) => {
        if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) flat(prefix ? `${prefix}.${k}` : k, v);
        else rows.push([prefix, o as string | number]);
      };
      flat('', figures);
      printTable(`${parts.join(' + ')} at ${n} measures`, rows);
      const tag = argv.includes('--tag') ? `-${argv[argv.indexOf('--tag') + 1]}` : '';
      console.log(`written: ${writeResult(`${parts.length === 3 ? 'province' : parts[0]}-${n}${tag}`, figures)}`);
    }
    return 0;
  };
}
