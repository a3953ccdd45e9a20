/**
 * Reading many plans at once at province scale (125 plans, 20,000 measures), the way that is
 * faster on the server at hand (planByPlan): on the embedded dev server each plan's measures by a
 * visibility query of its own, several plans at a time; on the production cluster's PostgreSQL one
 * listing of everything, grouped by plan. The roll-up (汇总) is every district's figures from its
 * own records (domain/rollup.ts, on the district's own report), and the unfiltered `rectify
 * status` lists every measure the same way. Nothing is kept beside the workflows: the figures are
 * counted from their records on every read, so they cannot drift. Measures of a plan that has no
 * plan workflow (started before plans were kept in Temporal) are not missed: a count of every
 * running measure (one call) says when the plans' reads fall short, and then one listing of
 * everything is read instead.
 */
import type { Client } from '@temporalio/client';
import { InputError } from '../config/plan-files';
import { ofType, WORKFLOW } from '../contracts/ids';
import { chinaCalendar } from '../domain/calendar-data';
import { isIsoDate, localDate, localInstant, plainDateZh, type IsoDate } from '../domain/dates';
import type { MeasureRecord } from '../domain/record';
import { districtFigures, rollup, type DistrictFigures, type Rollup } from '../domain/rollup';
import { unknownPlan } from './actions';
import { listMeasures, type MeasureRow } from './measures';
import { listPlanIds, mapBounded, readRecords } from './records';
import { DEFAULT_ZONE } from './report';

/** Plans read at once: the dev server's SQLite answers one query at a time, but the server's and the client's work on the rows overlap (bench/RESULTS.md, query). */
export const PLAN_READS_AT_ONCE = 8;

export interface RollupRequest {
  /** The plans to roll up, by id; every running plan when absent. */
  planIds?: string[];
  /** The day the figures stand on (the end of it); today when absent. */
  asOf?: IsoDate;
  now?: number;
  /** Plans read at once. */
  concurrency?: number;
}

/** Every running measure, counted (one call): what the per-plan reads must add up to. */
async function runningMeasures(client: Client): Promise<number> {
  const { count } = await client.workflow.count(`${ofType(WORKFLOW.measure)} AND ExecutionStatus = 'Running'`);
  return count;
}

const readsByPlan = new WeakMap<Client, Promise<boolean>>();

/**
 * Whether reading every plan goes plan by plan on this server: yes where visibility is SQLite (the
 * embedded dev server: 8.6 s against 11.8 s for one listing at 20,000), no on PostgreSQL (the
 * production cluster: 15.6 s against 5.7 s; bench/RESULTS.md, query, "On the production cluster").
 * Asked once per client (GetClusterInfo's visibilityStore); a server that does not say is listed.
 */
export function planByPlan(client: Client): Promise<boolean> {
  let answer = readsByPlan.get(client);
  if (!answer) {
    answer = client.workflowService.getClusterInfo({}).then(
      (info) => info.visibilityStore === 'sqlite',
      () => false,
    );
    readsByPlan.set(client, answer);
  }
  return answer;
}

/**
 * `read(planId)` for each plan, `concurrency` at a time, in the plans' order. With `complete`
 * (every plan wanted): on a server where one listing is faster (planByPlan), or when the plans'
 * reads together hold fewer measures than are running (plans without a plan workflow), `readAll()`
 * answers instead, grouped by `planOf`.
 */
async function byPlan<T>(
  client: Client,
  planIds: string[],
  read: (planId: string) => Promise<T[]>,
  o: { concurrency?: number; complete?: { readAll: () => Promise<T[]>; planOf: (item: T) => string } },
): Promise<Map<string, T[]>> {
  const grouped = async (all: { readAll: () => Promise<T[]>; planOf: (item: T) => string }) => {
    const byId = new Map<string, T[]>();
    for (const item of await all.readAll()) {
      const id = all.planOf(item);
      const list = byId.get(id);
      if (list) list.push(item);
      else byId.set(id, [item]);
    }
    return byId;
  };
  if (o.complete && !(await planByPlan(client))) return grouped(o.complete);
  const [lists, running] = await Promise.all([
    mapBounded(planIds, o.concurrency ?? PLAN_READS_AT_ONCE, read),
    o.complete ? runningMeasures(client) : undefined,
  ]);
  const found = lists.reduce((n, l) => n + l.length, 0);
  if (o.complete && running !== undefined && found < running) return grouped(o.complete);
  return new Map(planIds.map((id, i) => [id, lists[i]]));
}

/**
 * Every running measure as `rectify status` lists them (listMeasures' rows, in its order), read
 * plan by plan in parallel.
 */
export async function listEveryMeasure(client: Client, o: { concurrency?: number } = {}): Promise<MeasureRow[]> {
  const planIds = await listPlanIds(client);
  const byId = await byPlan(client, planIds, (planId) => listMeasures(client, { planId }), {
    ...o,
    complete: { readAll: () => listMeasures(client), planOf: (r) => r.planId ?? '' },
  });
  // listMeasures' order: by plan id, then measure number.
  return [...byId].sort((a, b) => a[0].localeCompare(b[0])).flatMap(([, rows]) => rows);
}

/**
 * The roll-up on a day: every running plan's figures (or the plans asked for), each from its own
 * measures' records on its own report (districtFigures), and the totals. A plan asked for that is
 * not running is an error naming the running ones; a day after today one saying so.
 */
export async function readRollup(client: Client, request: RollupRequest = {}): Promise<Rollup> {
  const now = request.now ?? Date.now();
  const today = localDate(now, DEFAULT_ZONE);
  if (request.asOf !== undefined && !isIsoDate(request.asOf))
    throw new InputError(`汇总的截至日期应为 YYYY-MM-DD（如 2026-03-31）：${request.asOf}`);
  if (request.asOf && request.asOf > today)
    throw new InputError(`汇总的截至日期${plainDateZh(request.asOf)}还没有到（今天是${plainDateZh(today)}）`);
  const asOf = request.asOf ?? today;
  // The notes as they stood at the end of the day, as a district's own report reads them.
  const notesAt = request.asOf ? localInstant(request.asOf, '23:59', DEFAULT_ZONE) + 59_999 : now;
  const plans = await readPlans(client, { planIds: request.planIds, notesAt, concurrency: request.concurrency });
  const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
  return rollup(
    asOf,
    plans.map(({ planId, records }) => figuresOf(planId, records, asOf, calendar)),
  );
}

/**
 * Every running plan's measure records (or the plans asked for), plan by plan, in plan id order;
 * a plan kept in Temporal whose measures were all withdrawn is left out. A plan asked for that
 * has no running measure is an error naming the running ones, or (`skipMissing`: the weekly
 * digest, whose plans were named weeks before) left out too. What the roll-up and its digest read.
 */
export async function readPlans(
  client: Client,
  o: { planIds?: string[]; notesAt?: number; concurrency?: number; skipMissing?: boolean } = {},
): Promise<{ planId: string; records: MeasureRecord[] }[]> {
  const asked = o.planIds !== undefined;
  const planIds = asked ? [...new Set(o.planIds)] : await listPlanIds(client);
  const notesAt = o.notesAt;
  const byId = await byPlan<MeasureRecord>(client, planIds, async (planId) => (await readRecords(client, { planId, notesAt })).records, {
    concurrency: o.concurrency,
    // Plans asked for by name need no count: a plan with no running measure is an error below.
    ...(asked ? {} : { complete: { readAll: async () => (await readRecords(client, { notesAt })).records, planOf: (r) => r.planId } }),
  });
  if (asked && !o.skipMissing) {
    const missing = planIds.find((id) => !byId.get(id)?.length);
    if (missing !== undefined) throw await unknownPlan(client, missing);
  }
  return [...byId]
    .filter(([, records]) => records.length)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([planId, records]) => ({ planId, records }));
}

function figuresOf(planId: string, records: MeasureRecord[], asOf: IsoDate, calendar: ReturnType<typeof chinaCalendar>): DistrictFigures {
  return districtFigures(records, {
    planId,
    planTitle: records[0].planTitle,
    asOf,
    timeZone: records[0].timeZone,
    calendar,
  });
}
