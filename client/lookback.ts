/** Look-back campaigns from the office's side: choosing the closed measures, launching, counting. */
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { InputError } from '../config/plan-files';
import { campaignWorkflowId, lookbackWorkflowId, measureWorkflowId, ofType, TASK_QUEUE, WORKFLOW } from '../contracts/ids';
import { getDetailsQuery, getLookbackQuery, getStateQuery, type LookbackView } from '../contracts/messages';
import * as SA from '../contracts/search-attributes';
import { chinaCalendar } from '../domain/calendar-data';
import { DESK_ZONE, isIsoDate, localInstant } from '../domain/dates';
import { RequestRejected } from '../domain/permissions';
import { requireDueAhead } from '../domain/requests';
import { closedBefore } from '../domain/lookback';
import { campaignTallies, type CampaignCounts } from '../domain/campaigns';
import { STATUS_LABELS } from '../domain/vocabulary';
import { lookbackCampaignWorkflow } from '../workflows';
import { listMeasures, quote } from './measures';
import { mapBounded, readRecords } from './records';
import type { CampaignSource } from '../activities/ports';

export interface CampaignFilter {
  planId?: string;
  /** Without planId: only these plans (a web account's scope); none listed, none matched. */
  planIds?: readonly string[];
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

/** What a launch did: a campaign per plan, and the measures named with --ids it left out, and why. */
export interface LaunchOutcome {
  results: LaunchResult[];
  skipped: { measureId: string; reason: string }[];
}

/** The visibility query of a campaign's closed measures (one plan's, when given). */
export function campaignQuery(f: CampaignFilter): string {
  const clauses = [ofType(WORKFLOW.measure), `ExecutionStatus = 'Running'`, `MeasureStatus = 'closed'`];
  if (f.planId) clauses.push(`PlanId = ${quote(f.planId)}`);
  else if (f.planIds?.length) clauses.push(`PlanId IN (${f.planIds.map(quote).join(', ')})`);
  if (f.problem !== undefined) clauses.push(`ProblemNo = ${f.problem}`);
  if (f.unit) clauses.push(`LeadUnit = ${quote(f.unit)}`);
  if (f.kind) clauses.push(`MeasureKind = ${quote(f.kind)}`);
  if (f.leader) clauses.push(`Leader = ${quote(f.leader)}`);
  return clauses.join(' AND ');
}

/** Closed before the day, by the measure's own close-out (in its state, not in visibility). */
async function closedInTime(client: Client, workflowId: string, closedBeforeDay: string | undefined): Promise<boolean> {
  if (!closedBeforeDay) return true;
  const state = await client.workflow.getHandle(workflowId).query(getStateQuery);
  return !!state.closedAt && closedBefore(state.closedAt, closedBeforeDay, state.spec.timeZone);
}

/**
 * A campaign's selection as the worker pages through it: one page of the visibility listing,
 * the close-out date checked per measure. The page token travels as base64 in the campaign's input.
 */
export function campaignSource(client: Client): CampaignSource {
  return {
    page: async (select, pageToken, pageSize) => {
      const response = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query: select.query,
        pageSize,
        nextPageToken: pageToken ? Buffer.from(pageToken, 'base64') : undefined,
      });
      const ids = (response.executions ?? []).map((e) => e.execution?.workflowId).filter((id): id is string => !!id);
      const kept = await mapBounded(ids, 16, async (id) => ((await closedInTime(client, id, select.closedBefore)) ? id : undefined));
      const next = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64') : undefined;
      return { workflowIds: kept.filter((id): id is string => !!id), ...(next ? { nextPageToken: next } : {}) };
    },
  };
}

/** Running measure workflows that are closed and match the filter, by plan. */
export async function closedMeasures(client: Client, f: CampaignFilter): Promise<Map<string, string[]>> {
  const byPlan = new Map<string, string[]>();
  if (!f.planId && f.planIds && !f.planIds.length) return byPlan;
  for await (const wf of client.workflow.list({ query: campaignQuery(f) })) {
    const planId = wf.typedSearchAttributes.get(SA.PlanId);
    const measureId = wf.typedSearchAttributes.get(SA.MeasureId);
    if (!planId || !measureId || (f.ids && !f.ids.includes(measureId))) continue;
    // Closing time is in the measure's state, not in visibility: ask the few that matched so far.
    if (!(await closedInTime(client, wf.workflowId, f.closedBefore))) continue;
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
): Promise<LaunchOutcome> {
  if (!name.trim() || !/^[^:\s][^:]*$/.test(name)) throw new InputError(`--name 不能为空，也不能含冒号：${name}`);
  if (!isIsoDate(dueDate)) throw new InputError(`--due 应为 YYYY-MM-DD: ${dueDate}`);
  // The one due rule, as for extensions and relapses: a day off falls due on the working day before it.
  try {
    requireDueAhead(
      dueDate,
      chinaCalendar({ unpublishedYears: 'statutory' }),
      DESK_ZONE,
      localInstant(today, '12:00', DESK_ZONE),
      undefined,
      '回头看时限',
    );
  } catch (e) {
    if (e instanceof RequestRejected) throw new InputError(`--due：${e.message}`);
    throw e;
  }
  const byPlan = await closedMeasures(client, filter);
  const results: LaunchResult[] = [];
  for (const [planId, ids] of byPlan) {
    const workflowId = campaignWorkflowId(planId, name);
    try {
      await client.workflow.start(lookbackCampaignWorkflow, {
        workflowId,
        taskQueue: TASK_QUEUE,
        // Named measures travel as a list; a selection as its query, paged through by the campaign (any size).
        args: [
          filter.ids
            ? { planId, name, dueDate, measureWorkflowIds: ids.sort() }
            : {
                planId,
                name,
                dueDate,
                select: { query: campaignQuery({ ...filter, planId }), closedBefore: filter.closedBefore },
                expected: ids.length,
              },
        ],
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
  return { results, skipped: await skippedIds(client, filter, byPlan) };
}

/** The measures named with --ids that the campaign does not cover, each with the reason. */
async function skippedIds(client: Client, f: CampaignFilter, byPlan: Map<string, string[]>): Promise<LaunchOutcome['skipped']> {
  if (!f.ids?.length) return [];
  const covered = new Set([...byPlan.values()].flat().map((id) => id.split(':').at(-1)));
  const missing = f.ids.filter((id) => !covered.has(id));
  if (!missing.length) return [];
  const rows = (await listMeasures(client, { planId: f.planId })).filter(
    (r) => f.planId || !f.planIds || f.planIds.includes(r.planId ?? ''),
  );
  return missing.map((measureId) => {
    const row = rows.find((r) => r.measureId === measureId);
    if (!row) return { measureId, reason: '没有这项运行中的措施' };
    if (row.status !== 'closed')
      return { measureId, reason: `尚未销号（${STATUS_LABELS[row.status as keyof typeof STATUS_LABELS] ?? row.status}）` };
    return { measureId, reason: '不符合其他筛选条件' };
  });
}

/** A review still to be recorded, for `lookback status --list`. */
export interface PendingReview {
  planId?: string;
  measureId?: string;
  leadUnit?: string;
  dueAt?: string;
  overdue: boolean;
}

export interface CampaignStatus extends CampaignCounts {
  /** Pending reviews, oldest due first. */
  waiting: PendingReview[];
}

/**
 * Counts a campaign's reviews from the measures' records: each measure keeps its reviews and their
 * outcomes for its whole life, so a campaign reads the same after its review workflows have closed
 * and passed the namespace's retention.
 */
export async function campaignStatus(client: Client, name: string, planId: string | undefined, now: number): Promise<CampaignStatus> {
  const { records } = await readRecords(client, { planId });
  const s: CampaignStatus = { reviews: 0, done: 0, pending: 0, overdue: 0, sustained: 0, relapsed: 0, waiting: [] };
  for (const t of campaignTallies(records, now).filter((x) => x.name === name)) {
    for (const k of ['reviews', 'done', 'pending', 'overdue', 'sustained', 'relapsed'] as const) s[k] += t[k];
    for (const m of t.measures.filter((x) => !x.outcome))
      s.waiting.push({ planId: m.planId, measureId: m.measureId, leadUnit: m.leadUnit, dueAt: m.dueAt, overdue: m.overdue });
  }
  s.waiting.sort(
    (a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? '') || (a.measureId ?? '').localeCompare(b.measureId ?? '', 'en', { numeric: true }),
  );
  return s;
}

/** The campaigns the measures have been reviewed in, for a hint when a name matches none. */
export async function campaignNames(client: Client, planId?: string): Promise<string[]> {
  const { records } = await readRecords(client, { planId });
  return [...new Set(records.flatMap((r) => r.lookbacks.map((l) => l.campaign).filter((c): c is string => !!c)))].sort();
}

/** The look-back review of a measure's round: where it stands, so that a second outcome is told so. */
export async function reviewState(client: Client, planId: string, measureId: string, round: number): Promise<'open' | LookbackView> {
  const handle = client.workflow.getHandle(lookbackWorkflowId(planId, measureId, round));
  const status = await handle
    .describe()
    .then((d) => d.status.name)
    .catch((e: Error) => {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    });
  if (!status) {
    // Gone from the server (past the namespace's retention), or never there: the measure remembers its reviews.
    const { lookbacks } = await client.workflow.getHandle(measureWorkflowId(planId, measureId)).query(getDetailsQuery);
    const known = lookbacks?.find((l) => l.round === round);
    if (known?.outcome)
      return {
        workflowId: lookbackWorkflowId(planId, measureId, round),
        round,
        measureId,
        closedOn: '',
        dueDate: known.dueDate ?? '',
        outcome: known.outcome,
        notes: known.notes,
        recordedBy: known.by?.who,
        recordedAt: known.recordedAt,
      };
    const rounds = lookbacks?.length ?? 0;
    throw new InputError(`措施${measureId}没有第${round}次回头看（${rounds ? `已开展${rounds}次` : '尚未开展回头看'}）`);
  }
  if (status === 'RUNNING') return 'open';
  return handle.query(getLookbackQuery);
}
