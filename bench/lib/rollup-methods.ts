/**
 * The counts across plans, read three ways in the benchmark's own process (no node start-up), each
 * the median of three (issue 26, "Counts at scale"):
 *   listing      one listing of every measure's record (20 pages of 1,000), the figures per plan
 *                from it: the reference, and what `status` and the pages did before;
 *   by plan      each plan's records by a query of its own, N plans at once (readRollup, and the
 *                unfiltered status's rows by listEveryMeasure);
 *   counts       `count` queries per plan and status, light and kind, N at once: no rows at all,
 *                but only what search attributes hold (not the red units, the escalations to the
 *                leadership group nor the latest report, which need the records).
 * The by-plan figures are checked equal to the listing's.
 */
import type { Client } from '@temporalio/client';
import { isDeepStrictEqual } from 'node:util';
import { ofType, WORKFLOW } from '../../contracts/ids';
import { chinaCalendar } from '../../domain/calendar-data';
import { localDate } from '../../domain/dates';
import { districtFigures, rollup, type Rollup } from '../../domain/rollup';
import type { Plan } from '../../domain/plan/schema';
import { listEveryMeasure, readRollup } from '../../client/rollup';
import { listMeasures, quote } from '../../client/measures';
import { mapBounded, plansOf, readRecords } from '../../client/records';
import { DEFAULT_ZONE } from '../../client/report';
import { seconds } from './results';
import { timedMs } from './reads';

/** The roll-up from one listing of everything: the reference the other ways must equal. */
async function rollupByListing(client: Client, now: number): Promise<Rollup> {
  const { records } = await readRecords(client, { notesAt: now });
  const asOf = localDate(now, DEFAULT_ZONE);
  const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
  return rollup(
    asOf,
    plansOf(records).map((p) => {
      const mine = records.filter((r) => r.planId === p.id);
      return districtFigures(mine, { planId: p.id, planTitle: p.title, asOf, timeZone: mine[0].timeZone, calendar });
    }),
  );
}

/** What `count` can say per plan: measures, closed, submitted, red (overdue), long-term open, relapsed. */
const COUNTED = {
  measures: '',
  closed: ` AND MeasureStatus = 'closed'`,
  submitted: ` AND MeasureStatus = 'submitted'`,
  red: ` AND TrafficLight = 'red'`,
  longterm: ` AND MeasureKind = 'longterm' AND MeasureStatus != 'closed'`,
  relapsed: ` AND LookbackStatus = 'relapsed'`,
};

async function countsByPlan(client: Client, planIds: string[], concurrency: number): Promise<Record<string, number>> {
  const asks = planIds.flatMap((id) =>
    Object.entries(COUNTED).map(([what, clause]) => ({
      what,
      // By the plan's own index, as the reads go (runningMeasures in client/measures.ts): closed runs within retention count too.
      query: `${ofType(WORKFLOW.measure)} AND PlanId = ${quote(id)}${clause}`,
    })),
  );
  const counted = await mapBounded(asks, concurrency, async (a) => (await client.workflow.count(a.query)).count);
  const totals: Record<string, number> = {};
  asks.forEach((a, i) => (totals[a.what] = (totals[a.what] ?? 0) + counted[i]));
  return totals;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push((await timedMs(fn)).ms);
  return seconds(times.sort((a, b) => a - b)[1]);
}

export async function rollupMethods(client: Client, plans: Plan[]): Promise<Record<string, number | boolean>> {
  const now = Date.now();
  const planIds = plans.map((p) => p.id).sort((a, b) => a.localeCompare(b));
  const out: Record<string, number | boolean> = {};
  const reference = await rollupByListing(client, now);
  out['roll-up: listing of everything'] = await median(() => rollupByListing(client, now));
  for (const c of [1, 4, 8, 16]) {
    out[`roll-up: by plan, ${c} at once`] = await median(() => readRollup(client, { now, concurrency: c }));
  }
  out['roll-up by plan equals the listing'] = isDeepStrictEqual(await readRollup(client, { now }), reference);
  for (const c of [8, 16, 32]) {
    out[`roll-up: counts (${Object.keys(COUNTED).length} per plan), ${c} at once`] = await median(() => countsByPlan(client, planIds, c));
  }
  const counted = await countsByPlan(client, planIds, 16);
  const t = reference.totals;
  out['counts equal the listing (measures, closed, submitted, overdue)'] =
    counted.measures === t.measures && counted.closed === t.closed && counted.submitted === t.submitted && counted.red === t.overdue;
  out['status rows: listing of everything'] = await median(() => listMeasures(client));
  for (const c of [4, 8, 16]) out[`status rows: by plan, ${c} at once`] = await median(() => listEveryMeasure(client, { concurrency: c }));
  out['status rows by plan equal the listing'] = isDeepStrictEqual(await listEveryMeasure(client), await listMeasures(client));
  return out;
}
