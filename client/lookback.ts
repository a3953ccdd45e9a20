/** Look-back campaigns from the office's side: choosing the closed measures, launching, counting. */
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { campaignWorkflowId, ofType, TASK_QUEUE, WORKFLOW } from '../contracts/ids';
import { isIsoDate } from '../domain/dates';
import { closedBefore } from '../domain/lookback';
import { lookbackCampaignWorkflow } from '../workflows';
import { getStateQuery } from '../contracts/messages';
import * as SA from '../contracts/search-attributes';
import { quote } from './measures';
import { InputError } from '../config/plan-files';

export interface CampaignFilter {
  planId?: string;
  problem?: number;
  unit?: string;
  kind?: string;
  leader?: string;
  closedBefore?: string;
  ids?: string[];
}

export interface LaunchResult {
  planId: string;
  workflowId: string;
  measures: number;
  launched: boolean;
}

/** Running measure workflows that are closed and match the filter, by plan. */
export async function closedMeasures(client: Client, f: CampaignFilter): Promise<Map<string, string[]>> {
  const clauses = [ofType(WORKFLOW.measure), `ExecutionStatus = 'Running'`, `MeasureStatus = 'closed'`];
  if (f.planId) clauses.push(`PlanId = ${quote(f.planId)}`);
  if (f.problem !== undefined) clauses.push(`ProblemNo = ${f.problem}`);
  if (f.unit) clauses.push(`LeadUnit = ${quote(f.unit)}`);
  if (f.kind) clauses.push(`MeasureKind = ${quote(f.kind)}`);
  if (f.leader) clauses.push(`Leader = ${quote(f.leader)}`);
  const byPlan = new Map<string, string[]>();
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const planId = wf.typedSearchAttributes.get(SA.PlanId);
    const measureId = wf.typedSearchAttributes.get(SA.MeasureId);
    if (!planId || !measureId || (f.ids && !f.ids.includes(measureId))) continue;
    if (f.closedBefore) {
      // Closing time is in the measure's state, not in visibility: ask the few that matched so far.
      const state = await client.workflow.getHandle(wf.workflowId).query(getStateQuery);
      if (!state.closedAt || !closedBefore(state.closedAt, f.closedBefore, state.spec.timeZone)) continue;
    }
    byPlan.set(planId, [...(byPlan.get(planId) ?? []), wf.workflowId]);
  }
  return byPlan;
}

/** One campaign workflow per plan; launching the same campaign again starts nothing. */
export async function launchCampaign(
  client: Client,
  name: string,
  dueDate: string,
  filter: CampaignFilter,
  today: string,
): Promise<LaunchResult[]> {
  if (!name.trim() || !/^[^:\s][^:]*$/.test(name)) throw new InputError(`--name 不能为空,也不能含冒号: ${name}`);
  if (!isIsoDate(dueDate)) throw new InputError(`--due 应为 YYYY-MM-DD: ${dueDate}`);
  if (dueDate <= today) throw new InputError(`--due ${dueDate} 应晚于今天 ${today}`);
  const byPlan = await closedMeasures(client, filter);
  const results: LaunchResult[] = [];
  for (const [planId, ids] of byPlan) {
    const workflowId = campaignWorkflowId(planId, name);
    try {
      await client.workflow.start(lookbackCampaignWorkflow, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ planId, name, dueDate, measureWorkflowIds: ids.sort() }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.PlanId, value: planId },
          { key: SA.LookbackCampaign, value: name },
        ],
      });
      results.push({ planId, workflowId, measures: ids.length, launched: true });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      results.push({ planId, workflowId, measures: ids.length, launched: false });
    }
  }
  return results;
}

export interface CampaignStatus {
  reviews: number;
  done: number;
  pending: number;
  overdue: number;
  sustained: number;
  relapsed: number;
}

/** Counts a campaign's reviews from visibility: outcome and due date are search attributes. */
export async function campaignStatus(client: Client, name: string, planId: string | undefined, now: number): Promise<CampaignStatus> {
  const clauses = [ofType(WORKFLOW.lookbackReview), `LookbackCampaign = ${quote(name)}`];
  if (planId) clauses.push(`PlanId = ${quote(planId)}`);
  const s: CampaignStatus = { reviews: 0, done: 0, pending: 0, overdue: 0, sustained: 0, relapsed: 0 };
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    s.reviews++;
    const status = wf.typedSearchAttributes.get(SA.LookbackStatus);
    if (status === 'sustained' || status === 'relapsed') {
      s.done++;
      s[status]++;
    } else {
      s.pending++;
      const due = wf.typedSearchAttributes.get(SA.Deadline);
      if (due && due.getTime() < now) s.overdue++;
    }
  }
  return s;
}
