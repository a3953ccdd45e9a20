/**
 * Benchmark: `rectify migrate` of N measures (district plans of 159) from the embedded default (a
 * dev server with its database in a file, one `rectify worker`) to a fresh server (the cluster
 * with --cluster, else another dev server), each with its worker. A fifth of the measures have
 * reported progress first. Figures: the time to move, measures a second, and what is where after
 * (every source measure ended, every copy running, failures): nothing lost, nothing twice.
 *   npm run bench -- migrate [--measures 2000] [--concurrency 8] [--cluster]
 */
import { Client, Connection } from '@temporalio/client';
import { startPlan } from '../client/measures';
import { describeSummary, migrate } from '../client/migrate';
import { measureWorkflowId, ofType, TASK_QUEUE, WORKFLOW } from '../contracts/ids';
import { reportProgressUpdate } from '../contracts/messages';
import { mapBounded } from '../client/records';
import { option } from './lib/args';
import { devBenchServer, onCluster, scratchDir, spawnWorker, untilIdle, withServer } from './lib/harness';
import { provincePlans } from './lib/plans';
import { printTable, seconds, writeResult } from './lib/results';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export async function migrateBench(argv: string[]): Promise<number> {
  const measures = option(argv, 'measures', 2000);
  const concurrency = option(argv, 'concurrency', 8);
  const sourceDir = scratchDir('migrate-source');
  const source = await devBenchServer(sourceDir);
  try {
    return await withServer('migrate', async ({ dir, server: target }) => {
      const workers = [
        await spawnWorker(source.address, join(sourceDir, 'worker')),
        await spawnWorker(target.address, join(dir, 'worker')),
      ];
      const connect = async (address: string) => new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
      const [from, to] = [await connect(source.address), await connect(target.address)];
      try {
        const plans = provincePlans(measures);
        for (const plan of plans) await startPlan(from, plan);
        const all = plans.flatMap((p) => p.measures.map((m) => ({ id: measureWorkflowId(p.id, m.id), unit: m.leadUnit })));
        const ids = all.map((m) => m.id);
        await mapBounded(
          all.filter((_, i) => i % 5 === 0),
          16,
          (m) =>
            from.workflow
              .getHandle(m.id)
              .executeUpdate(reportProgressUpdate, { args: [{ actor: { role: 'unit', who: m.unit }, note: '已按计划推进，完成过半' }] }),
        );
        await untilIdle(from, 10 * 60_000);
        console.log(
          `${ids.length} measures in ${plans.length} plans started on the dev server, a fifth with progress; moving to ${onCluster() ? 'the cluster' : 'a second dev server'}`,
        );

        const began = Date.now();
        let shown = 0;
        const summary = await migrate(
          {
            source: from,
            target: to,
            sourceName: `${source.address}/default`,
            targetName: `${target.address}/default`,
            taskQueue: TASK_QUEUE,
          },
          {
            concurrency,
            progress: (done, total) => {
              if (done !== total && done - shown < 500) return;
              shown = done;
              console.log(`  ${done}/${total}`);
            },
          },
        );
        const ms = Date.now() - began;
        for (const line of describeSummary(summary)) console.log(line);
        const count = async (client: Client, status: string) =>
          (await client.workflow.count(`${ofType(WORKFLOW.measure)} AND ExecutionStatus = '${status}'`)).count;
        const after = {
          sourceRunning: await count(from, 'Running'),
          sourceEnded: await count(from, 'Terminated'),
          targetRunning: await count(to, 'Running'),
        };
        const moved = summary.counts.measure.moved + summary.counts.measure.present;
        const figures = {
          measures: ids.length,
          plans: plans.length,
          concurrency,
          target: onCluster() ? 'cluster' : 'dev',
          seconds: seconds(ms),
          measuresPerSecond: Math.round((moved / ms) * 1000 * 10) / 10,
          moved,
          failed: summary.failures.length,
          ...after,
        };
        printTable(`migrate ${ids.length} measures, dev server → ${figures.target}`, [
          ['time', `${figures.seconds} s`],
          ['measures a second', figures.measuresPerSecond],
          ['moved / failed', `${moved} / ${figures.failed}`],
          ['source: running / ended', `${after.sourceRunning} / ${after.sourceEnded}`],
          ['target: running', after.targetRunning],
        ]);
        console.log(`written: ${writeResult(`migrate-${ids.length}${concurrency === 8 ? '' : `-c${concurrency}`}`, figures)}`);
        return moved === ids.length && after.targetRunning === ids.length && after.sourceRunning === 0 ? 0 : 1;
      } finally {
        for (const w of workers) await w.stop();
        await Promise.all([from.connection.close(), to.connection.close()]);
      }
    });
  } finally {
    await source.stop();
    if (!process.env.BENCH_KEEP) rmSync(sourceDir, { recursive: true, force: true });
  }
}
