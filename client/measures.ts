/** Starting a plan's measure workflows and reading their status, as the office's tools need. */
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowExecutionInfo } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { localDate } from '../domain/dates';
import { measureSpecs, type MeasureSpec } from '../domain/measure';
import { dueAt } from '../domain/planner';
import { runningCalendar } from '../domain/calendar';
import type { Plan } from '../domain/plan/schema';
import { calendarWatchWorkflow, measureWorkflow } from '../workflows';
import type { CalendarWatchInput } from '../contracts/inputs';
import { effectivePolicy } from '../domain/policy';
import { calendarWatchWorkflowId, measureWorkflowId, ofType, TASK_QUEUE, WORKFLOW } from '../contracts/ids';
import * as SA from '../contracts/search-attributes';

export interface StartResult {
  started: string[];
  alreadyRunning: string[];
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
  options: { taskQueue?: string; concurrency?: number } = {},
): Promise<StartResult> {
  const result: StartResult = { started: [], alreadyRunning: [] };
  const specs = measureSpecs(plan, localDate(Date.now(), plan.timeZone));
  // The plan's own send time (not a measure's override), and the years its measures carry.
  const sendAt = effectivePolicy(plan.policy, 'deadline').reminders.sendAt;
  const published = Object.keys(specs[0].calendar.years ?? {}).map(Number);
  await startCalendarWatch(client, { ...calendarWatchOf(specs[0], published), sendAt }, options.taskQueue);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < specs.length; i = next++) {
      const spec = specs[i];
      const workflowId = measureWorkflowId(spec.planId, spec.id);
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
  return result;
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
  deadline?: string;
  lookbackStatus?: string;
  running: boolean;
}

/** A string literal for a visibility query. */
export const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Measures from the visibility store: cheap at any scale (no query per workflow). */
export async function listMeasures(
  client: Client,
  filter: { planId?: string; unit?: string; overdue?: boolean; lookback?: string } = {},
): Promise<MeasureRow[]> {
  // Running executions only: a measure never completes, and earlier runs (continue-as-new) are history.
  const clauses = [ofType(WORKFLOW.measure), `ExecutionStatus = 'Running'`];
  if (filter.planId) clauses.push(`PlanId = ${quote(filter.planId)}`);
  if (filter.unit) clauses.push(`LeadUnit = ${quote(filter.unit)}`);
  if (filter.overdue) clauses.push(`TrafficLight = 'red'`);
  if (filter.lookback) clauses.push(`LookbackStatus = ${quote(filter.lookback)}`);
  const rows: MeasureRow[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) rows.push(toRow(wf));
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
    lookbackStatus: sa.get(SA.LookbackStatus),
    running: wf.status.name === 'RUNNING',
  };
}

function compareRows(a: MeasureRow, b: MeasureRow): number {
  const key = (r: MeasureRow) => (r.measureId ?? '').split('.').map(Number);
  const [ka, kb] = [key(a), key(b)];
  return (a.planId ?? '').localeCompare(b.planId ?? '') || ka[0] - kb[0] || ka[1] - kb[1];
}
