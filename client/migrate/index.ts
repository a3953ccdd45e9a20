/**
 * `rectify migrate`: every workflow of a plan moved from one Temporal to another with its state,
 * in an order that keeps their messages from crossing the move (campaigns done first; a
 * measure's open reviews parked before the measure; digests emptied after the measures that
 * fill them), each step safe to run again after an interruption. copy.ts moves one workflow;
 * companions.ts the plan workflow, the Schedule and the digests; inventory.ts says what there is.
 */
import { cancelHandOverSignal } from '../../contracts/handover';
import { leadershipDigestScheduleId, ROLLUP_DIGEST_SCHEDULE_ID, WORKFLOW } from '../../contracts/ids';
import { mapBounded } from '../records';
import {
  endSource,
  giveUp,
  handOver,
  MismatchError,
  readContinuation,
  releaseCopy,
  sameState,
  startHeldCopy,
  verifyCopy,
  type Servers,
} from './copy';
import { copyPlan, drainDigest, endPlan, existsOn, isRunningOn, moveSchedule, waitFor, type Outcome } from './companions';
import {
  describeInventory,
  measureIdOf,
  planInventory,
  plansToMove,
  rollupDigestInventory,
  type PlanInventory,
  type WorkflowExecutionInfo,
} from './inventory';

export type { Outcome };

export interface MigrateOptions {
  planId?: string;
  dryRun?: boolean;
  /** Measures moved at once (default 8). */
  concurrency?: number;
  /** How long to wait for running campaigns and for digests to empty (default 5 minutes). */
  waitMs?: number;
  say?: (line: string) => void;
  progress?: (done: number, total: number) => void;
}

export interface MigrationSummary {
  plans: string[];
  /** Per kind of workflow: how many of each outcome. */
  counts: Record<string, Record<Outcome, number>>;
  /** Workflows that did not move, each with why. */
  failures: { workflowId: string; error: string }[];
  dryRun: boolean;
}

const KINDS = ['plan', 'measure', 'review', 'calendar', 'schedule', 'digest'] as const;
type Kind = (typeof KINDS)[number];

export async function migrate(servers: Servers, options: MigrateOptions = {}): Promise<MigrationSummary> {
  const say = options.say ?? (() => undefined);
  const summary: MigrationSummary = { plans: [], counts: {}, failures: [], dryRun: Boolean(options.dryRun) };
  for (const k of KINDS) summary.counts[k] = { moved: 0, present: 0, skipped: 0, failed: 0 };
  const count = (kind: Kind, outcome: Outcome) => (summary.counts[kind][outcome] += 1);
  const plans = await plansToMove(servers.source, options.planId);
  if (!plans.length) throw new Error(options.planId ? `源端没有计划 ${options.planId}` : '源端没有正在运行的计划');
  summary.plans = plans;
  if (!options.dryRun) await requireWorkers(servers);
  for (const planId of plans) {
    const inv = await planInventory(servers.source, planId);
    for (const line of describeInventory(inv)) say(line);
    if (options.dryRun) continue;
    await movePlan(servers, inv, options, count, summary.failures);
    if (summary.failures.length) break;
  }
  // The deployment's roll-up digest follows every plan (not one plan moved alone).
  if (!options.planId && !summary.failures.length) {
    const rollup = await rollupDigestInventory(servers.source);
    if (rollup.schedule) {
      say(`各地区周报：定时任务 ${ROLLUP_DIGEST_SCHEDULE_ID}${options.dryRun ? '，将随全部计划迁移' : ''}`);
      if (!options.dryRun) count('schedule', await moveSchedule(servers, ROLLUP_DIGEST_SCHEDULE_ID, rollup.runs));
    }
  }
  return summary;
}

async function movePlan(
  servers: Servers,
  inv: PlanInventory,
  options: MigrateOptions,
  count: (kind: Kind, outcome: Outcome) => void,
  failures: MigrationSummary['failures'],
): Promise<void> {
  const waitMs = options.waitMs ?? 5 * 60_000;
  const { planId } = inv;
  // Campaigns signal measures: a measure must not be asked for a review while it moves.
  await waitFor(`回头看专项 ${inv.campaigns.map((c) => c.workflowId).join('、')} 完成`, waitMs, async () => {
    for (const c of inv.campaigns)
      if ((await servers.source.workflow.getHandle(c.workflowId).describe()).status.name === 'RUNNING') return false;
    return true;
  });
  // The plan first: the target's workers read its directory for every mail.
  if (inv.plan) count('plan', await copyPlan(servers, planId));

  const reviewsOf = new Map<string, WorkflowExecutionInfo[]>();
  for (const r of inv.reviews) {
    const id = measureIdOf(r) ?? '';
    reviewsOf.set(id, [...(reviewsOf.get(id) ?? []), r]);
  }
  let done = 0;
  options.progress?.(0, inv.measures.length);
  await mapBounded(inv.measures, options.concurrency ?? 8, async (measure) => {
    if (failures.length) return; // a mismatch stops the run; what is under way finishes
    const reviews = reviewsOf.get(measureIdOf(measure) ?? '') ?? [];
    // Its open reviews park first: an outcome they report lands on the measure before it parks.
    for (const r of reviews.filter(isRunning)) await handOver(servers, r.workflowId).catch(() => undefined);
    const outcome = await moveOne(servers, WORKFLOW.measure, measure, failures);
    count('measure', outcome);
    // A measure that stays on the source keeps its reviews there, going on where they parked.
    if (outcome === 'failed')
      for (const r of reviews.filter(isRunning))
        await servers.source.workflow
          .getHandle(r.workflowId)
          .signal(cancelHandOverSignal)
          .catch(() => undefined);
    else for (const r of reviews) count('review', await moveOne(servers, WORKFLOW.lookbackReview, r, failures));
    options.progress?.(++done, inv.measures.length);
  });
  if (failures.length) return;
  // Reviews a measure started while the list was read: moved on their own.
  const later = (await planInventory(servers.source, planId)).reviews.filter(
    (r) => isRunning(r) && !inv.reviews.some((s) => s.workflowId === r.workflowId),
  );
  for (const r of later) count('review', await moveOne(servers, WORKFLOW.lookbackReview, r, failures));
  if (failures.length) return;
  // The plan's watch and weekly Schedule follow their measures (a stopped run leaves them with the source's).
  if (inv.watch) count('calendar', await moveOne(servers, WORKFLOW.calendarWatch, inv.watch, failures));
  if (failures.length) return;
  if (inv.schedule) count('schedule', await moveSchedule(servers, leadershipDigestScheduleId(planId), inv.weeklyRuns));
  // Nothing fills the source's digests now: each sends what it holds, then ends.
  for (const d of inv.digests) count('digest', await drainDigest(servers, d.workflowId, waitMs));
  await endPlan(servers, planId);
}

/** Moves one workflow as copy.ts describes, by the state of its latest execution on the source. */
async function moveOne(
  servers: Servers,
  type: string,
  wf: WorkflowExecutionInfo,
  failures: MigrationSummary['failures'],
): Promise<Outcome> {
  const { workflowId } = wf;
  let current = wf;
  if (current.status.name === 'RUNNING') {
    let input: object;
    try {
      input = await handOver<object>(servers, workflowId);
    } catch (e) {
      // It closed meanwhile (a review decided, a measure withdrawn): moved as a closed one.
      current = await servers.source.workflow.getHandle(workflowId).describe();
      if (current.status.name === 'RUNNING') return fail(failures, workflowId, e);
      return moveOne(servers, type, current, failures);
    }
    try {
      const described = await servers.source.workflow.getHandle(workflowId).describe();
      const started = await startHeldCopy(servers, type, workflowId, input, described);
      await verifyCopy(servers, workflowId, input);
      // A message that reached the parked source since it answered would be lost with it.
      const now = await readContinuation<object>(servers.source, workflowId);
      if (!sameState(now, input)) throw new MismatchError(`${workflowId}：源端在迁移过程中又有变化，本次不迁移，请再次运行`);
      await endSource(servers, workflowId);
      await releaseCopy(servers, workflowId);
      return started === 'copied' ? 'moved' : 'present';
    } catch (e) {
      if (e instanceof MismatchError) await giveUp(servers, workflowId, true).catch(() => undefined);
      return fail(failures, workflowId, e);
    }
  }
  if (current.status.name === 'COMPLETED') {
    try {
      const input = await readContinuation<object>(servers.source, workflowId, current.runId);
      const started = await startHeldCopy(servers, type, workflowId, input, current);
      if (started === 'copied' || (await isRunningOn(servers.target, workflowId))) {
        await verifyCopy(servers, workflowId, input);
        await releaseCopy(servers, workflowId);
      }
      return started === 'copied' ? 'moved' : 'present';
    } catch (e) {
      if (e instanceof MismatchError) await giveUp(servers, workflowId, false).catch(() => undefined);
      return fail(failures, workflowId, e);
    }
  }
  // Ended on the source: by an earlier run of the migration (its copy is on the target, perhaps still held), or by hand.
  if (!(await existsOn(servers.target, workflowId))) return 'skipped';
  if (await isRunningOn(servers.target, workflowId)) await releaseCopy(servers, workflowId);
  return 'present';
}

function fail(failures: MigrationSummary['failures'], workflowId: string, e: unknown): Outcome {
  failures.push({ workflowId, error: (e as Error).message });
  return 'failed';
}

const isRunning = (w: WorkflowExecutionInfo) => w.status.name === 'RUNNING';

/** Both sides need workers: the source's answer queries (closed workflows replay), the target's run the copies. */
async function requireWorkers(servers: Servers): Promise<void> {
  for (const [client, name] of [
    [servers.source, servers.sourceName],
    [servers.target, servers.targetName],
  ] as const) {
    const answer = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: servers.taskQueue },
      taskQueueType: 1, // workflow tasks
    });
    if (!answer.pollers?.length)
      throw new Error(`${name} 上没有 worker 在任务队列 ${servers.taskQueue} 上运行：迁移前两端的 worker 都要在运行`);
  }
}

/** The summary's lines for the operator. */
export function describeSummary(s: MigrationSummary): string[] {
  const names: Record<Kind, string> = {
    plan: '计划工作流',
    measure: '措施',
    review: '回头看',
    calendar: '日历提醒',
    schedule: '周报定时任务',
    digest: '汇总邮件',
  };
  const lines = [s.dryRun ? '演练（--dry-run）：以上为将迁移的内容，未做任何改动。' : `迁移结果（计划 ${s.plans.join('、')}）：`];
  if (s.dryRun) return lines;
  for (const k of KINDS) {
    const c = s.counts[k];
    if (c.moved + c.present + c.skipped + c.failed === 0) continue;
    lines.push(
      `  ${names[k]}：迁移${c.moved}，已在目标${c.present}${c.skipped ? `，不迁移${c.skipped}` : ''}${c.failed ? `，失败${c.failed}` : ''}`,
    );
  }
  for (const f of s.failures) lines.push(`  未迁移：${f.error.startsWith(f.workflowId) ? f.error : `${f.workflowId}：${f.error}`}`);
  if (s.failures.length) lines.push('  源端仍在运行未迁移的部分；排除原因后再次运行 rectify migrate 即从中断处继续。');
  return lines;
}
