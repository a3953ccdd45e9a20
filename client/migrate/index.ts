/**
 * `rectify migrate`: every workflow of a plan moved from one Temporal to another with its state,
 * in an order that keeps their messages from crossing the move (campaigns done first; a
 * measure's open reviews parked before the measure; digests emptied after the measures that
 * fill them), each step safe to run again after an interruption. copy.ts moves one workflow;
 * inventory.ts says what there is.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ScheduleAlreadyRunning, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { movedNote } from '../../contracts/handover';
import { leadershipDigestScheduleId, planWorkflowId, WORKFLOW } from '../../contracts/ids';
import { getDigestQuery, getPlanQuery } from '../../contracts/messages';
import { isDeepStrictEqual } from 'node:util';
import { mapBounded } from '../records';
import { endSource, giveUp, handOver, MismatchError, readContinuation, releaseCopy, startHeldCopy, verifyCopy, type Servers } from './copy';
import { describeInventory, measureIdOf, planInventory, plansToMove, type PlanInventory, type WorkflowExecutionInfo } from './inventory';

export type Outcome = 'moved' | 'present' | 'skipped' | 'failed';

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
  if (inv.schedule) count('schedule', await moveSchedule(servers, planId, inv.weeklyRuns));
  if (inv.watch) count('calendar', await moveOne(servers, WORKFLOW.calendarWatch, inv.watch, failures));

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
    count('measure', await moveOne(servers, WORKFLOW.measure, measure, failures));
    for (const r of reviews) count('review', await moveOne(servers, WORKFLOW.lookbackReview, r, failures));
    options.progress?.(++done, inv.measures.length);
  });
  if (failures.length) return;
  // Reviews a measure started while the list was read: moved on their own.
  const later = (await planInventory(servers.source, planId)).reviews.filter(
    (r) => isRunning(r) && !inv.reviews.some((s) => s.workflowId === r.workflowId),
  );
  for (const r of later) count('review', await moveOne(servers, WORKFLOW.lookbackReview, r, failures));
  if (failures.length) return;
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
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(now)), JSON.parse(JSON.stringify(input))))
        throw new MismatchError(`${workflowId}：源端在迁移过程中又有变化，本次不迁移，请再次运行`);
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

async function existsOn(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

async function isRunningOn(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

/** The plan workflow: started on the target with the source's view (it sends nothing; the source ends last). */
async function copyPlan(servers: Servers, planId: string): Promise<Outcome> {
  const id = planWorkflowId(planId);
  const source = servers.source.workflow.getHandle(id);
  const described = await source.describe();
  if (described.status.name !== 'RUNNING') return (await existsOn(servers.target, id)) ? 'present' : 'skipped';
  const view = await source.query(getPlanQuery);
  try {
    await servers.target.workflow.start(WORKFLOW.plan, {
      workflowId: id,
      taskQueue: servers.taskQueue,
      args: [{ plan: view.plan, version: view.version, changes: view.changes }],
      typedSearchAttributes: described.typedSearchAttributes,
      memo: described.memo,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'moved';
  } catch (e) {
    if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError') return 'present';
    throw e;
  }
}

/** Last: the source's plan must equal the copy (a `plan apply` during the move would differ), then it ends. */
async function endPlan(servers: Servers, planId: string): Promise<void> {
  const id = planWorkflowId(planId);
  const source = servers.source.workflow.getHandle(id);
  if ((await source.describe()).status.name !== 'RUNNING') return;
  const [a, b] = await Promise.all([source.query(getPlanQuery), servers.target.workflow.getHandle(id).query(getPlanQuery)]);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b))))
    throw new MismatchError(
      `${id}：计划在迁移过程中有改动（第${a.version}版，目标为第${b.version}版）：请在目标服务器上重新 plan apply 后再次运行`,
    );
  await endSource(servers, id);
}

/**
 * The weekly digest's Schedule: created on the target as it is on the source, the source's paused
 * with the note. A weekly run waiting on the source over a holiday ends; the target's runs now.
 */
async function moveSchedule(servers: Servers, planId: string, runs: WorkflowExecutionInfo[]): Promise<Outcome> {
  const scheduleId = leadershipDigestScheduleId(planId);
  const source = servers.source.schedule.getHandle(scheduleId);
  const d = await source.describe();
  let outcome: Outcome = 'moved';
  try {
    if (d.action.type !== 'startWorkflow') throw new Error(`${scheduleId}：不是启动工作流的定时任务`);
    await servers.target.schedule.create({
      scheduleId,
      spec: d.spec,
      action: {
        type: 'startWorkflow',
        workflowType: d.action.workflowType,
        workflowId: d.action.workflowId,
        taskQueue: servers.taskQueue,
        args: d.action.args,
        typedSearchAttributes: d.action.typedSearchAttributes,
      },
      policies: { overlap: d.policies.overlap, catchupWindow: d.policies.catchupWindow },
      memo: d.memo,
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    outcome = 'present';
  }
  if (!d.state.paused) await source.pause(movedNote(servers.targetName));
  for (const run of runs) {
    await endSource(servers, run.workflowId);
    await servers.target.schedule.getHandle(scheduleId).trigger();
  }
  return outcome;
}

/** A source digest sends what it holds (nothing new arrives: its measures have moved), then ends. */
async function drainDigest(servers: Servers, workflowId: string, waitMs: number): Promise<Outcome> {
  const handle = servers.source.workflow.getHandle(workflowId);
  if ((await handle.describe()).status.name !== 'RUNNING') return 'skipped';
  await waitFor(`汇总邮件 ${workflowId} 发出`, waitMs, async () => {
    const v = await handle.query(getDigestQuery);
    return v.pending === 0 && !v.sending;
  });
  await endSource(servers, workflowId);
  return 'moved';
}

async function waitFor(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`等待${what}超时（${Math.round(ms / 1000)}秒）：请稍后再次运行`);
    await delay(1000);
  }
}

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
