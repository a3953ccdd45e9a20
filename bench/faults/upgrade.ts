import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { mapBounded } from '../../client/records';
import { measureWorkflowId } from '../../contracts/ids';
import {
  decideExtensionUpdate,
  getStateQuery,
  reportProgressUpdate,
  requestExtensionUpdate,
  submitCompletionUpdate,
  verifyCompletionUpdate,
} from '../../contracts/messages';
import { chinaCalendar } from '../../domain/calendar-data';
import type { Plan } from '../../domain/plan/schema';
import { SHARED_WORKFLOW_MODULES, workflowsPath } from '../../worker/worker';
import { textOption } from '../lib/args';
import { sleep, untilIdle } from '../lib/harness';
import { machine, seconds } from '../lib/results';
import { BURST_LIVE, burstExpected, watchMorning } from '../lib/morning';
import { burstPlan, burstPlanData, untilCount, ZONE } from '../lib/plans';
import { buildRelease, releaseBeforeNewestPatch } from '../lib/release';
import { onStage, type Scenario } from './stage';
import { judge, morningFigures } from './verdict';

/**
 * An upgrade while measures run. The release before the newest named patch (or --from <commit>)
 * starts a burst plan with its own `rectify start` and runs it on its own worker; progress,
 * extension requests and completions are made under it. 45 s before T it is stopped (SIGTERM, as
 * a deployment does) and this checkout's worker takes over with an empty cache, so that each
 * workflow's next task replays its whole history on the new code. After the morning the new
 * release decides what the old one began. Held when every notice arrives once, no workflow task
 * failed on any workflow of the run, every history of the run (the old code's events and the
 * new's) replays on this checkout's bundle, and the measures end as they were told.
 */
export const upgrade: Scenario = (argv) =>
  onStage('fault-upgrade', argv, { measures: 500, units: 20 }, async ({ dir, server, smtp, client, measures, units, worker }) => {
    const release = buildRelease(textOption(argv, 'from') ?? releaseBeforeNewestPatch(), join(dir, 'release'));
    const old = await worker('machine-a', smtp.url, release.root);
    const T = DateTime.now()
      .setZone(ZONE)
      .plus({ seconds: 120 + measures / 4 })
      .startOf('minute')
      .plus({ minutes: 1 });
    const planFile = join(dir, 'burst-plan.json');
    writeFileSync(planFile, JSON.stringify(burstPlanData(measures, units, T)));
    const start = spawnSync(process.execPath, [join(release.root, 'dist', 'client', 'cli', 'index.js'), 'start', planFile], {
      cwd: release.root,
      env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', RECTIFY_VAR_DIR: join(dir, 'release-cli') },
      encoding: 'utf8',
    });
    if (start.status !== 0) throw new Error(`rectify start of release ${release.commit} failed: ${start.stderr || start.stdout}`);
    const plan = burstPlan(measures, units, T);
    await untilCount(client, BURST_LIVE, measures, T.toMillis() - Date.now());

    // What each measure goes through, by its index: 0 reminded, progress after; 1 progress, then
    // reminded, then completion submitted; 2 extension requested, reminded, granted after;
    // 3 completion submitted (not reminded), verified after; 4 closed under the old release.
    const unit = (m: Plan['measures'][number]) => ({ role: 'unit' as const, who: m.leadUnit });
    const desk = { role: 'office' as const, who: '督查科' };
    const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
    let extendTo = T.plus({ days: 30 });
    while (!calendar.isWorkday(extendTo.toISODate()!)) extendTo = extendTo.plus({ days: 1 });
    const indexed = plan.measures.map((m, i) => ({ m, g: i % 5, handle: client.workflow.getHandle(measureWorkflowId('burst', m.id)) }));
    await mapBounded(indexed, 16, async ({ m, g, handle }) => {
      if (g === 1) await handle.executeUpdate(reportProgressUpdate, { args: [{ actor: unit(m), note: '已完成排查，正在整改' }] });
      if (g === 2)
        await handle.executeUpdate(requestExtensionUpdate, {
          args: [{ actor: unit(m), newDeadline: extendTo.toISODate()!, reason: '涉及多个部门，需协调' }],
        });
      if (g >= 3) await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: unit(m), evidence: ['整改报告'] }] });
      if (g === 4) await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: desk, accept: true }] });
    });
    if (Date.now() > T.toMillis() - 60_000) throw new Error('the old release was still being used 60 s before T: use fewer --measures');
    await sleep(T.toMillis() - 45_000 - Date.now());
    await old.stop();
    await worker('machine-a');
    const upgradedAt = Date.now() - T.toMillis();
    const reminded = new Set(indexed.filter(({ g }) => g < 3).map(({ m }) => m.id));
    const expected = new Set([...burstExpected(plan)].filter((k) => reminded.has(k.split(' ')[1])));
    const morning = await watchMorning(smtp.accepted, { T, expected }, T.toMillis() + 3 * 60_000);
    const failures = judge(morning, 0);

    // Every workflow of the run: its history, and the workflow tasks that failed in it.
    const scan = async () => {
      const histories: { workflowId: string; history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> }[] = [];
      const failed: string[] = [];
      for await (const wf of client.workflow.list()) {
        const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        histories.push({ workflowId: wf.workflowId, history });
        for (const e of history.events ?? []) {
          const f = e.workflowTaskFailedEventAttributes;
          if (f) failed.push(`${wf.workflowId}: ${String(f.cause)} ${f.failure?.message ?? ''}`);
        }
      }
      return { histories, failed };
    };

    // The new release decides what the old one began (not when workflows are stuck: an Update would wait on them).
    const acting = !morning.lost && !(await scan()).failed.length;
    const wrong: string[] = [];
    if (acting) {
      await mapBounded(indexed, 16, async ({ m, g, handle }) => {
        if (g === 0) await handle.executeUpdate(reportProgressUpdate, { args: [{ actor: unit(m), note: '按期推进' }] });
        if (g === 1) await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: unit(m), evidence: ['整改报告'] }] });
        if (g === 2) await handle.executeUpdate(decideExtensionUpdate, { args: [{ actor: desk, approve: true }] });
        if (g === 3) await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: desk, accept: true }] });
      });
      await untilIdle(client, 5 * 60_000);
      const want = { 0: 'active', 1: 'submitted', 2: 'active', 3: 'closed', 4: 'closed' } as const;
      await mapBounded(indexed, 16, async ({ m, g, handle }) => {
        const { progress } = await handle.query(getStateQuery);
        if (progress.status !== want[g as keyof typeof want] || (g === 2 && progress.deadline !== extendTo.toISODate()))
          wrong.push(`${m.id} ${progress.status} ${progress.deadline}`);
      });
      if (wrong.length) failures.push(`${wrong.length} measures not as told, e.g. ${wrong.slice(0, 3).join('; ')}`);
    } else failures.push('workflows stuck after the upgrade: the new release did not act');

    const { histories, failed: failedTasks } = await scan();
    for (const line of failedTasks.slice(0, 5)) console.log(`  failed task: ${line}`);
    if (failedTasks.length) failures.push(`${failedTasks.length} workflow tasks failed`);
    // Every history of the run on this checkout's bundle, the old code's events and the new's.
    const replayFailures: string[] = [];
    const bundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      preloadModules: SHARED_WORKFLOW_MODULES,
      logger: quietBundler,
    });
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories))
      if (r.error) replayFailures.push(`${r.workflowId}: ${r.error.message}`);
    for (const line of replayFailures.slice(0, 5)) console.log(`  does not replay: ${line}`);
    if (replayFailures.length) failures.push(`${replayFailures.length} of ${histories.length} histories do not replay on this checkout`);
    return {
      scenario: 'upgrade',
      did: `release ${release.commit} started ${measures} measures (${units} units) due at ${T.toFormat('HH:mm')} with its own rectify start and worker, and took progress, extension requests and completions; stopped ${seconds(-upgradedAt)} s before T and this checkout's worker (${String(machine().commit)}) took over; ${acting ? 'after the morning it took progress and completions, granted the extensions and verified' : 'the workflows were stuck, so it did not act'}`,
      figures: {
        measures,
        units,
        from: release.commit,
        upgradedSeconds: seconds(upgradedAt),
        ...morningFigures(morning),
        workflows: histories.length,
        events: histories.reduce((n, h) => n + (h.history.events?.length ?? 0), 0),
        failedWorkflowTasks: failedTasks.length,
        notReplaying: replayFailures.length,
        actedAfterUpgrade: acting,
        measuresNotAsTold: wrong.length,
      },
      failures,
    };
  });

const noop = () => undefined;
const quietBundler = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
