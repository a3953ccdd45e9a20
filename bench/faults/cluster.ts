/**
 * Faults of the production topology (`npm run faults -- --cluster …`): temporal-server killed
 * with SIGKILL mid-burst and started again; PostgreSQL restarted (`pg_ctl restart -m fast`)
 * mid-burst; and, on either server, a worker started before its server is up. The worker stays
 * alive throughout, so its sent-ledger covers any send it retries: no mail may go twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCluster, sleep, type WorkerProcess } from '../lib/harness';
import { seconds } from '../lib/results';
import { setUpBurst, watchMorning } from '../lib/morning';
import { midBurst, onStage, type Scenario } from './stage';
import { judge, morningFigures } from './verdict';

function clusterOnly(name: string): void {
  if (!onCluster()) throw new Error(`${name} 只在集群上运行：npm run faults -- --cluster ${name}`);
}

/** SIGKILL to temporal-server once the burst is under way; started again `--down-s` (10) seconds later. */
export const serverKill: Scenario = (argv) => {
  clusterOnly('server-kill');
  return onStage('fault-server-kill', argv, { measures: 2000, units: 50, delayMs: 300 }, async (stage) => {
    const downMs = downSeconds(argv) * 1000;
    await stage.worker('machine-a');
    const burst = await setUpBurst(stage.client, stage);
    const kill = await midBurst(stage, burst, argv, 'temporal-server killed (SIGKILL)', () => stage.server.kill!());
    const restartBegan = Date.now();
    await stage.server.restart(downMs);
    const startTook = Date.now() - restartBegan - downMs;
    const upAt = Date.now() - burst.T.toMillis();
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    return {
      scenario: 'server-kill',
      did: `${kill.said}; started again ${seconds(downMs)} s later, serving ${seconds(upAt)} s after T (its start took ${seconds(startTook)} s)`,
      figures: { ...kill.figures, serverDownSeconds: seconds(downMs), serverUpSeconds: seconds(upAt), ...morningFigures(morning) },
      failures: judge(morning, 0),
    };
  });
};

/** `pg_ctl restart -m fast` once the burst is under way: every session of temporal-server ended. */
export const databaseRestart: Scenario = (argv) => {
  clusterOnly('database-restart');
  return onStage('fault-database', argv, { measures: 2000, units: 50, delayMs: 300 }, async (stage) => {
    await stage.worker('machine-a');
    const burst = await setUpBurst(stage.client, stage);
    let restartMs = 0;
    const restart = await midBurst(stage, burst, argv, 'PostgreSQL restarted (pg_ctl restart -m fast)', async () => {
      restartMs = await stage.server.restartDatabase!();
    });
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    return {
      scenario: 'database-restart',
      did: `${restart.said} (the restart took ${seconds(restartMs)} s)`,
      figures: { ...restart.figures, databaseRestartSeconds: seconds(restartMs), ...morningFigures(morning) },
      failures: judge(morning, 0),
    };
  });
};

/**
 * The server stopped; `rectify worker` started while it is down (a machine booting, systemd
 * starting units together), waiting and saying so; the server started `--down-s` (20) seconds
 * later. The worker must connect by itself and the morning's burst go out as on any day.
 */
export const workerFirst: Scenario = (argv) =>
  onStage('fault-worker-first', argv, { measures: 500, units: 20 }, async (stage) => {
    const downMs = downSeconds(argv, 20) * 1000;
    let started: Promise<WorkerProcess> | undefined;
    const began = Date.now();
    await stage.server.restart(downMs, async () => {
      started = stage.worker('machine-a');
      await sleep(1000);
    });
    await started;
    const connectedSeconds = seconds(Date.now() - began);
    const log = readFileSync(join(stage.dir, 'machine-a', 'worker.log'), 'utf8');
    const waits = log.split('\n').filter((l) => l.includes('尚不可用')).length;
    const burst = await setUpBurst(stage.client, stage);
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    const failures = judge(morning, 0);
    if (!waits) failures.push('the worker never waited for the server: the scenario did not test what it says');
    return {
      scenario: 'worker-first',
      did: `the ${onCluster() ? 'temporal-server' : 'dev server'} stopped; rectify worker started while it was down and said ${waits} time(s) that it waits; the server started ${seconds(downMs)} s later and the worker was polling ${connectedSeconds} s after it began; then ${stage.measures} notices for ${stage.units} units due at ${burst.T.toFormat('HH:mm')}`,
      figures: {
        measures: stage.measures,
        units: stage.units,
        workerWaits: waits,
        workerReadySeconds: connectedSeconds,
        ...morningFigures(morning),
      },
      failures,
    };
  });

const downSeconds = (argv: string[], fallback = 10) => {
  const i = argv.indexOf('--down-s');
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--down-s ${argv[i + 1] ?? ''}：应为非负的秒数`);
  return n;
};
