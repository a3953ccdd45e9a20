/**
 * Starting a plan's measure workflows and reading their status, as the office's tools need. One
 * module over 300 lines because `rectify start` is one sequence here (the plan stored, the
 * digest's Schedule, the calendar watch, the measures) beside the listing the same ids are read by.
 */
import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type DayOfWeek,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { localDate } from '../domain/dates';
import { measureSpecs, type MeasureSpec } from '../domain/measure';
import { dueAt } from '../domain/planner';
import { runningCalendar } from '../domain/calendar';
import type { Plan } from '../domain/plan/schema';
import { UNFILTERABLE } from '../domain/plan/ids';
import { calendarWatchWorkflow, leadershipDigestWorkflow, measureWorkflow, planWorkflow } from '../workflows';
import { digestTiming, WEEKDAY_NAMES } from '../domain/weekly';
import type { CalendarWatchInput, LeadershipDigestInput } from '../contracts/inputs';
import { effectivePolicy } from '../domain/policy';
import {
  calendarWatchWorkflowId,
  leadershipDigestScheduleId,
  measureWorkflowId,
  ofType,
  planWorkflowId,
  TASK_QUEUE,
  WORKFLOW,
} from '../contracts/ids';
import { getPlanQuery, updatePlanUpdate } from '../contracts/messages';
import { planChanges, storedPlanOf } from '../domain/plan/stored';
import type { Actor } from '../domain/notice';
import { InputError } from '../config/plan-files';
import { CONTROL_CHARACTERS } from '../domain/permissions';
import * as SA from '../contracts/search-attributes';
import { RECORD_MEMO_KEY, type MeasureRecord } from '../domain/record';

export interface StartResult {
  started: string[];
  alreadyRunning: string[];
  /** The plan kept in Temporal (`plan:<id>`): stored now, updated from the file, unchanged, or not reachable to compare. */
  stored: Awaited<ReturnType<typeof storePlan>>;
  /** The weekly digest's Schedule: created, updated to the plan's policy, deleted (turned off) or off. */
  digest?: Awaited<ReturnType<typeof ensureDigestSchedule>>;
  /** With `untilListed`: whether visibility listed every running measure before the wait ran out. */
  listed?: boolean;
}

function searchAttributes(spec: MeasureSpec): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: SA.PlanId, value: spec.planId },
    { key: SA.MeasureId, value: spec.id },
    { key: SA.LeadUnit, value: spec.leadUnit },
    { key: SA.Leader, value: spec.leader },
    { key: SA.MeasureKind, value: spec.kind },
    { key: SA.ProblemNo, value: spec.problem.no },
    ...(spec.deadline ? [{ key: SA.Deadline, value: new Date(dueAt(spec, spec.deadline, runningCalendar(spec.calendar))) }] : []),
  ]);
}

/**
 * Starts one workflow per measure; idempotent by workflow id, so a second run starts none.
 * Starts run a few at a time: enough to be quick, few enough not to flood the server.
 */
export async function startPlan(
  client: Client,
  plan: Plan,
  options: {
    taskQueue?: string;
    concurrency?: number;
    /** The weekly digest's Schedule (false where the server has no schedules: the time-skipping test server). */
    schedules?: boolean;
    /** Who brings the stored plan in line with the file, and why (`plan apply`); by default `rectify start`. */
    by?: { actor: Actor; reason: string };
    /** Told as measures are started or found running: how many of how many. */
    onProgress?: (done: number, total: number) => void;
    /** Returns once the ledger and lookups by measure id see every measure started (see `untilListed`). */
    untilListed?: boolean;
  } = {},
): Promise<StartResult> {
  // The plan first: every worker resolves the measures' recipients from it.
  const result: StartResult = { started: [], alreadyRunning: [], stored: await storePlan(client, plan, options.taskQueue, options.by) };
  const specs = measureSpecs(plan, localDate(Date.now(), plan.timeZone));
  // The plan's own send time (not a measure's override), and the years its measures carry.
  const sendAt = effectivePolicy(plan.policy, 'deadline').reminders.sendAt;
  const published = Object.keys(specs[0].calendar.years ?? {}).map(Number);
  await startCalendarWatch(client, { ...calendarWatchOf(specs[0], published), sendAt }, options.taskQueue);
  if (options.schedules !== false) result.digest = await ensureDigestSchedule(client, plan, options.taskQueue);
  // Resuming an interrupted start: the measures visibility already lists as running are not asked again.
  const running = new Set(
    await listMeasures(client, { planId: plan.id })
      .then((rows) => rows.map((r) => r.workflowId))
      // A server without visibility lists (the time-skipping test server): every start is asked, idempotently.
      .catch(() => []),
  );
  let done = 0;
  const progressed = () => options.onProgress?.(++done, specs.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < specs.length; i = next++, progressed()) {
      const spec = specs[i];
      const workflowId = measureWorkflowId(spec.planId, spec.id);
      if (running.has(workflowId)) {
        result.alreadyRunning.push(workflowId);
        continue;
      }
      try {
        await client.workflow.start(measureWorkflow, {
          workflowId,
          taskQueue: options.taskQueue ?? TASK_QUEUE,
          args: [{ spec }],
          typedSearchAttributes: searchAttributes(spec),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        result.started.push(workflowId);
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) result.alreadyRunning.push(workflowId);
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, specs.length) }, lane));
  if (options.untilListed && result.started.length)
    // A server without visibility counts (the time-skipping test server) leaves it unknown.
    result.listed = await untilListed(client, plan.id, running.size + result.started.length).catch(() => undefined);
  return result;
}

/**
 * Waits until visibility lists `expected` running measures of the plan (or `timeoutMs` passes):
 * a start is accepted at once, but the ledger, `status` and a lookup by measure id read visibility,
 * which catches up a moment later (seconds on a loaded cluster). True when they all show.
 */
export async function untilListed(client: Client, planId: string, expected: number, timeoutMs = 30_000): Promise<boolean> {
  const query = [ofType(WORKFLOW.measure), `ExecutionStatus = 'Running'`, `PlanId = ${quote(planId)}`].join(' AND ');
  const until = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    const { count } = await client.workflow.count(query);
    if (count >= expected) return true;
    if (Date.now() + wait > until) return false;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Who brings a running plan's stored part in line with its file when `start` runs again. */
const STARTER: Actor = { role: 'office', who: 'rectify start' };

/**
 * Keeps the plan's directory, policy and calendar options in Temporal (`plan:<id>`), where every
 * worker finds them: started with the plan, or brought in line with the file when `start` runs
 * again (an Update the plan workflow validates). 'unreachable' when a running plan could not be
 * compared (no worker answered within 10 s): measures still start, and the next `start` tries again.
 */
export async function storePlan(
  client: Client,
  plan: Plan,
  taskQueue = TASK_QUEUE,
  by: { actor: Actor; reason: string } = { actor: STARTER, reason: '重新启动计划时按计划文件更新' },
): Promise<'stored' | 'updated' | 'unchanged' | 'unreachable'> {
  const stored = storedPlanOf(plan);
  const workflowId = planWorkflowId(plan.id);
  try {
    await client.workflow.start(planWorkflow, {
      workflowId,
      taskQueue,
      args: [{ plan: stored }],
      typedSearchAttributes: new TypedSearchAttributes([{ key: SA.PlanId, value: plan.id }]),
    });
    return 'stored';
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.connection.withDeadline(Date.now() + 10_000, async () => {
      const view = await handle.query(getPlanQuery);
      if (!planChanges(view.plan, stored).length) return 'unchanged' as const;
      await handle.executeUpdate(updatePlanUpdate, { args: [{ actor: by.actor, plan: stored, reason: by.reason }] });
      return 'updated' as const;
    });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) throw new InputError(`计划 ${plan.id} 的名录未能更新：${e.cause?.message ?? e.message}`);
    return 'unreachable';
  }
}

/** What a start did to the plan's measures, in lines for the office. */
export function describeStarted(plan: Plan, result: StartResult): string[] {
  return [
    `计划 ${plan.id}：新启动${result.started.length}项，已在运行${result.alreadyRunning.length}项（共${plan.measures.length}项）`,
    ...(result.listed === false ? ['台账和按编号查找将稍后列出全部新启动的措施（Temporal 的查询索引尚未更新完毕）'] : []),
  ];
}

/** What happened to the stored plan, in a line for the office. */
export function describeStored(plan: Plan, outcome: StartResult['stored']): string {
  const id = planWorkflowId(plan.id);
  return {
    stored: `计划名录和规则已保存在 Temporal（${id}），各 worker 据此发送通知`,
    updated: `计划名录和规则已按计划文件更新（${id}），下一次发送起生效`,
    unchanged: `计划名录和规则与 Temporal 中保存的一致（${id}）`,
    unreachable: `计划名录未能与 Temporal 中保存的比较（没有 worker 应答）；措施已启动，worker 运行后再执行一次 start 即可更新`,
  }[outcome];
}

/** Temporal's names of the days, Monday first (the digests' weekday 1 … 7). */
export const DAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/**
 * The plan's weekly leadership digest as a Temporal Schedule (leadership-digest:<plan>): created,
 * or brought in line with the plan's policy (day, time, zone); deleted when the plan turned it off.
 * What it did: 'created', 'updated', 'deleted' or 'off'.
 */
export async function ensureDigestSchedule(
  client: Client,
  plan: Plan,
  taskQueue = TASK_QUEUE,
): Promise<'created' | 'updated' | 'deleted' | 'off'> {
  const scheduleId = leadershipDigestScheduleId(plan.id);
  const timing = digestTiming(plan.policy);
  const handle = client.schedule.getHandle(scheduleId);
  if (!timing) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (e) {
      if (e instanceof ScheduleNotFoundError) return 'off';
      throw e;
    }
  }
  const [hour, minute] = timing.at.split(':').map(Number);
  const input: LeadershipDigestInput = { planId: plan.id, timeZone: plan.timeZone, at: timing.at };
  const spec = { calendars: [{ dayOfWeek: DAYS[timing.weekday - 1], hour, minute }], timezone: plan.timeZone };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: leadershipDigestWorkflow,
    workflowId: scheduleId,
    taskQueue,
    args: [input] as [LeadershipDigestInput],
    typedSearchAttributes: new TypedSearchAttributes([{ key: SA.PlanId, value: plan.id }]),
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      // One digest at a time; a server down on Monday morning still sends it within the day.
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
      memo: { planTitle: plan.title },
    });
    return 'created';
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  await handle.update((previous) => ({ ...previous, spec, action }));
  return 'updated';
}

/** What happened to the digest's Schedule, in a line for the office. */
export function describeDigest(plan: Plan, outcome: StartResult['digest']): string {
  const timing = digestTiming(plan.policy);
  if (!timing) return `领导小组周报：计划中已关闭${outcome === 'deleted' ? '（已删除定时任务）' : ''}`;
  const what = outcome === 'created' ? '已创建' : '已按计划更新';
  return `领导小组周报：每${WEEKDAY_NAMES[timing.weekday]}${timing.at}（${plan.timeZone}，逢节假日顺延至下一个工作日），${what}定时任务 ${leadershipDigestScheduleId(plan.id)}`;
}

/** The plan's calendar watch (once per plan; starting it again does nothing). True when it was started now. */
export async function startCalendarWatch(client: Client, watch: CalendarWatchInput, taskQueue = TASK_QUEUE): Promise<boolean> {
  try {
    await client.workflow.start(calendarWatchWorkflow, {
      workflowId: calendarWatchWorkflowId(watch.planId),
      taskQueue,
      args: [watch],
      typedSearchAttributes: new TypedSearchAttributes([{ key: SA.PlanId, value: watch.planId }]),
      // One running watch per plan; one that was terminated (or failed) may be started again.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/** The watch a plan's measures call for: their zone, send time and published years. */
export function calendarWatchOf(spec: Pick<MeasureSpec, 'planId' | 'timeZone' | 'policy'>, published: number[]): CalendarWatchInput {
  return { planId: spec.planId, timeZone: spec.timeZone, sendAt: spec.policy.reminders.sendAt, published };
}

/** The running calendar watches (one per started plan), for `rectify calendar refresh`. */
export async function listCalendarWatches(client: Client, planId?: string): Promise<string[]> {
  const clauses = [ofType(WORKFLOW.calendarWatch), `ExecutionStatus = 'Running'`, ...(planId ? [`PlanId = ${quote(planId)}`] : [])];
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) ids.push(wf.workflowId);
  return ids.sort();
}

export interface MeasureRow {
  workflowId: string;
  planId?: string;
  measureId?: string;
  problemNo?: number;
  kind?: string;
  leadUnit?: string;
  leader?: string;
  status?: string;
  trafficLight?: string;
  /** When it falls due (the Deadline search attribute, an ISO instant). */
  deadline?: string;
  /** The deadline as the plan or the office wrote it (from the measure's record in its memo), when published. */
  writtenDeadline?: string;
  lookbackStatus?: string;
  running: boolean;
}

/**
 * A string literal for a visibility query. Refused, on every server alike: a value with control
 * characters (no plan, unit or leader has them, and a NUL ends the embedded server's SQL
 * mid-literal: its SQLite answers UNAVAILABLE, which the client retries for seconds); and one with
 * an ASCII question mark, which the production cluster's PostgreSQL visibility fails on
 * (domain/plan/ids.ts, UNFILTERABLE; no plan, unit or leader may hold one).
 */
export function quote(s: string): string {
  const shown = () => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  if (CONTROL_CHARACTERS.test(s)) throw new InputError(`筛选条件含不可见的控制字符，请删去后重试：${shown()}`);
  if (s.includes(UNFILTERABLE)) throw new InputError(`筛选条件含英文问号“?”，没有计划、单位或领导的名称含有它，请删去后重试：${shown()}`);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The visibility query for running measures, and the test a listed one must pass. Running
 * executions only: a withdrawn measure has completed, and earlier runs (continue-as-new) are
 * history. With a plan, the query names the plan but not the status, and the running ones are
 * picked from what it lists: given both, the embedded server's SQLite takes its status index and
 * reads every running execution of every plan, each one's plan out of its search attributes
 * (20,000 rows for a plan's 159 at province scale, bench/RESULTS.md, query); by the plan's own
 * index it reads the plan's rows, and its closed runs within the namespace's retention.
 */
export function runningMeasures(planId: string | undefined): { clauses: string[]; running: (wf: WorkflowExecutionInfo) => boolean } {
  return {
    clauses: [ofType(WORKFLOW.measure), ...(planId ? [`PlanId = ${quote(planId)}`] : [`ExecutionStatus = 'Running'`])],
    running: (wf) => wf.status.name === 'RUNNING',
  };
}

/** Measures from the visibility store: cheap at any scale (no query per workflow). */
export async function listMeasures(
  client: Client,
  filter: { planId?: string; unit?: string; overdue?: boolean; lookback?: string } = {},
): Promise<MeasureRow[]> {
  const { clauses, running } = runningMeasures(filter.planId);
  if (filter.unit) clauses.push(`LeadUnit = ${quote(filter.unit)}`);
  if (filter.overdue) clauses.push(`TrafficLight = 'red'`);
  if (filter.lookback) clauses.push(`LookbackStatus = ${quote(filter.lookback)}`);
  const rows: MeasureRow[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) if (running(wf)) rows.push(toRow(wf));
  return rows.sort(compareRows);
}

function toRow(wf: WorkflowExecutionInfo): MeasureRow {
  const sa = wf.typedSearchAttributes;
  return {
    workflowId: wf.workflowId,
    planId: sa.get(SA.PlanId),
    measureId: sa.get(SA.MeasureId),
    problemNo: sa.get(SA.ProblemNo),
    kind: sa.get(SA.MeasureKind),
    leadUnit: sa.get(SA.LeadUnit),
    leader: sa.get(SA.Leader),
    status: sa.get(SA.MeasureStatus),
    trafficLight: sa.get(SA.TrafficLight),
    deadline: sa.get(SA.Deadline)?.toISOString(),
    writtenDeadline: (wf.memo?.[RECORD_MEMO_KEY] as Partial<MeasureRecord> | undefined)?.deadline,
    lookbackStatus: sa.get(SA.LookbackStatus),
    running: wf.status.name === 'RUNNING',
  };
}

function compareRows(a: MeasureRow, b: MeasureRow): number {
  const key = (r: MeasureRow) => (r.measureId ?? '').split('.').map(Number);
  const [ka, kb] = [key(a), key(b)];
  return (a.planId ?? '').localeCompare(b.planId ?? '') || ka[0] - kb[0] || ka[1] - kb[1];
}
