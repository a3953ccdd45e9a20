/**
 * Runs a plan's measures through simulated time on the time-skipping test server and compares
 * every notice the workflows sent with `rectify simulate`'s schedule for the same period.
 * Used by bench/sample-year.ts (the whole sample plan, with timings) and by a test (a subset).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { planSchedule } from '../client/schedule';
import { startPlan } from '../client/measures';
import { localDate } from '../domain/dates';
import type { Plan } from '../domain/plan/schema';
import { rebasePlan } from '../domain/rebase';
import { resolveBinary, TEST_SERVER } from '../runtime/binaries';
import { indexedValueTypes } from '../contracts/search-attributes';
import { measureWorkflowId, TASK_QUEUE } from '../contracts/ids';
import { SHARED_WORKFLOW_MODULES } from '../worker/worker';

export interface PlanYearResult {
  measures: number;
  days: number;
  /** Notices the workflows delivered, and the schedule's. */
  delivered: number;
  scheduled: number;
  /** In one and not the other (by workflow, stage and send instant). */
  missing: string[];
  unexpected: string[];
  duplicates: number;
  /** Largest gap between when the schedule says a notice goes out and when the workflow sent it. */
  maxLagMs: number;
  wallMs: { start: number; run: number };
  /** Days simulated: all of them, or as many as the wall-clock budget allowed (then compared up to there). */
  simulatedDays: number;
  /** Simulated day reached after each 30 s of wall time. */
  progress: { wallSeconds: number; day: number }[];
}

export async function runPlanYear(
  source: Plan,
  options: { days: number; measureIds?: string[]; budgetMs?: number },
): Promise<PlanYearResult> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveBinary(TEST_SERVER).executable } });
  try {
    await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: indexedValueTypes() });
    const t0 = await env.currentTimeMs();
    // Rebased to the server's today, so that the plan's deadlines lie ahead.
    const rebased = rebasePlan(source, localDate(t0, source.timeZone));
    const plan = options.measureIds
      ? { ...rebased, measures: rebased.measures.filter((m) => options.measureIds!.includes(m.id)) }
      : rebased;
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-year-')));
    const noop = () => undefined;
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      preloadModules: SHARED_WORKFLOW_MODULES,
      logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error },
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle,
      activities: createActivities({ delivery: outbox }),
    });
    let end = t0 + options.days * 86_400_000;
    const wallMs = { start: 0, run: 0 };
    const progress: { wallSeconds: number; day: number }[] = [];
    await worker.runUntil(async () => {
      let clock = Date.now();
      // The time-skipping server has no Schedules: the weekly digest is not part of this replay of a year.
      await startPlan(env.client, plan, { schedules: false });
      wallMs.start = Date.now() - clock;
      clock = Date.now();
      // Progress: where the simulated clock is, every 30 s of wall time.
      const ticker = setInterval(() => {
        void env.currentTimeMs().then(
          (now) => {
            const day = Math.floor((now - t0) / 86_400_000);
            progress.push({ wallSeconds: Math.round((Date.now() - clock) / 1000), day });
            console.log(`  ${Math.round((Date.now() - clock) / 1000)} s: simulated day ${day} of ${options.days}`);
          },
          () => undefined,
        );
      }, 30_000);
      const sleeping = env.sleep(end - (await env.currentTimeMs()));
      // Over budget: stop where the clock is, and compare what was due up to the start of that day.
      const budget = options.budgetMs;
      const stopped =
        budget === undefined
          ? false
          : await Promise.race([sleeping.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), budget))]);
      sleeping.catch(() => undefined); // torn down with the environment when stopped early
      clearInterval(ticker);
      if (stopped) {
        const now = await env.currentTimeMs();
        end = t0 + Math.max(0, Math.floor((now - t0) / 86_400_000) - 1) * 86_400_000;
      } else {
        await sleeping;
        // Let the last morning's notices finish: a query waits for each workflow to catch up.
        for (const m of plan.measures) await env.client.workflow.getHandle(measureWorkflowId(plan.id, m.id)).query('getState');
      }
      wallMs.run = Date.now() - clock;
      if (!stopped)
        for (const m of plan.measures) await env.client.workflow.getHandle(measureWorkflowId(plan.id, m.id)).terminate('year done');
    });
    const delivered = (await outbox.list()).filter((n) => Date.parse(n.decidedAt) <= end);
    const schedule = planSchedule(plan, t0, end);
    // Same notice: workflow, stage, planned instant and catch-up flag; then when it actually went out.
    const key = (workflowId: string, stage: string, plannedAt: string, catchUp: boolean) =>
      `${workflowId} ${stage} ${plannedAt}${catchUp ? ' catch-up' : ''}`;
    const sentAt = new Map(delivered.map((n) => [key(n.workflowId, n.stage, n.plannedAt, n.catchUp), Date.parse(n.decidedAt)]));
    const got = delivered.map((n) => key(n.workflowId, n.stage, n.plannedAt, n.catchUp));
    const want = schedule.map((n) => key(n.workflowId, n.stage, n.plannedAt, n.catchUp));
    const gotSet = new Set(got);
    const wantSet = new Set(want);
    let maxLagMs = 0;
    schedule.forEach((n, i) => {
      const actual = sentAt.get(want[i]);
      if (actual !== undefined) maxLagMs = Math.max(maxLagMs, Math.abs(actual - Date.parse(n.at)));
    });
    return {
      measures: plan.measures.length,
      days: options.days,
      delivered: delivered.length,
      scheduled: schedule.length,
      missing: want.filter((k) => !gotSet.has(k)),
      unexpected: got.filter((k) => !wantSet.has(k)),
      duplicates: got.length - gotSet.size,
      maxLagMs,
      wallMs,
      simulatedDays: Math.round((end - t0) / 86_400_000),
      progress,
    };
  } finally {
    await env.teardown();
  }
}
