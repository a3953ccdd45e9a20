/**
 * Measure records for reports, the ledger, the dashboard and the digest, read from the workflows:
 * visibility lists the running measures with the compact record each keeps in its memo; a measure
 * that has not published one yet (started before records, not woken since), or a report that needs
 * every progress note (`full`, for --as-of), is asked by query, a bounded number at a time. No
 * second copy is kept anywhere: every figure is counted from what the workflows say now.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { measureWorkflowId, ofType, WORKFLOW } from '../contracts/ids';
import { getRecordQuery, getTimelineQuery, getDetailsQuery } from '../contracts/messages';
import * as SA from '../contracts/search-attributes';
import type { MeasureDetails } from '../contracts/measure';
import { RECORD_MEMO_KEY, type MeasureRecord } from '../domain/record';
import type { TimelineEntry } from '../domain/timeline';
import { runningMeasures } from './measures';

export interface ReadOptions {
  planId?: string;
  /** Every progress note (a query per measure). */
  full?: boolean;
  /**
   * The notes as they stood at this instant (epoch ms), in full: only the measures whose compact
   * record cannot tell (a note written since, or one cut short) are asked by query.
   */
  notesAt?: number;
  /** Queries in flight at once. */
  concurrency?: number;
}

export interface ReadResult {
  records: MeasureRecord[];
  /** How many were read by query (the rest came from visibility). */
  queried: number;
}

export class RecordsUnavailableError extends Error {
  override name = 'RecordsUnavailableError';
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
export async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export async function readRecords(client: Client, options: ReadOptions = {}): Promise<ReadResult> {
  // One plan's by its own index (runningMeasures says why), the running runs picked here.
  const { clauses, running } = runningMeasures(options.planId);
  const listed: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: 1000 })) if (running(wf)) listed.push(wf);
  const enough = (r: MeasureRecord) =>
    // A record published before submissions were kept cannot give a completion's words: asked afresh.
    (r.submissions !== undefined || r.statusChanges.length === 1) &&
    (options.notesAt === undefined ||
      (!r.noteClipped &&
        [...r.notes, ...(r.submissions ?? []), ...(r.verifications ?? [])].every((n) => Date.parse(n.at) <= options.notesAt!)));
  const fromMemo = (wf: WorkflowExecutionInfo) => {
    const r = options.full ? undefined : (wf.memo?.[RECORD_MEMO_KEY] as MeasureRecord | undefined);
    return r && enough(r) ? r : undefined;
  };
  const toQuery = listed.filter((wf) => !fromMemo(wf));
  const failures: string[] = [];
  const queried = await mapBounded(toQuery, options.concurrency ?? 16, async (wf) => {
    try {
      return await client.workflow.getHandle(wf.workflowId).query(getRecordQuery);
    } catch (e) {
      failures.push(`${wf.typedSearchAttributes.get(SA.MeasureId) ?? wf.workflowId}: ${(e as Error).message}`);
      return undefined;
    }
  });
  if (failures.length) {
    throw new RecordsUnavailableError(
      `${failures.length}项措施未能读取（数字不完整，未生成）：${failures.slice(0, 5).join('；')}${failures.length > 5 ? ' …' : ''}`,
    );
  }
  const byId = new Map(toQuery.map((wf, i) => [wf.workflowId, queried[i]!]));
  const records = listed.map((wf) => fromMemo(wf) ?? byId.get(wf.workflowId)!);
  return { records, queried: toQuery.length };
}

/** The plans whose plan workflow runs (`plan:<id>`), by id: one visibility page. */
export async function listPlanIds(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `${ofType(WORKFLOW.plan)} AND ExecutionStatus = 'Running'`, pageSize: 1000 })) {
    const id = wf.typedSearchAttributes.get(SA.PlanId);
    if (id) ids.push(id);
  }
  return ids.sort((a, b) => a.localeCompare(b));
}

/** The plans with running measures: id and title. */
export function plansOf(records: MeasureRecord[]): { id: string; title: string; measures: number }[] {
  const plans = new Map<string, { id: string; title: string; measures: number }>();
  for (const r of records) {
    const p = plans.get(r.planId) ?? { id: r.planId, title: r.planTitle, measures: 0 };
    p.measures += 1;
    plans.set(r.planId, p);
  }
  return [...plans.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** One measure for its page: the whole state, its record and its timeline (three queries of one workflow). */
export async function readMeasure(
  client: Client,
  planId: string,
  measureId: string,
): Promise<{ details: MeasureDetails; record: MeasureRecord; timeline: TimelineEntry[] }> {
  const handle = client.workflow.getHandle(measureWorkflowId(planId, measureId));
  const [details, record, timeline] = await Promise.all([
    handle.query(getDetailsQuery),
    handle.query(getRecordQuery),
    handle.query(getTimelineQuery),
  ]);
  return { details, record, timeline };
}
