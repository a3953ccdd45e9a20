/**
 * The roll-up (汇总) of many plans — a city or province office follows every district it
 * inspected: one row of figures per plan (district) and the totals. Each row is built on the
 * district's own report (buildReport, as of the same day), so the roll-up's figures equal each
 * district's report by construction. Pure: records in, figures out.
 */
import type { WorkCalendar } from './calendar';
import { localDate, localInstant, type IsoDate } from './dates';
import { standing, type MeasureRecord } from './record';
import { buildReport, percent, type ReportTotals } from './report/model';

/** One district's figures, as its own report says them on the day. */
export interface DistrictFigures {
  planId: string;
  planTitle: string;
  measures: number;
  closed: number;
  submitted: number;
  /** 整改中, on time (active), and overdue: in progress is the two together. */
  active: number;
  overdue: number;
  longterm: number;
  /** Closed ÷ measures that close (all but long-term), the report's own definition (71.4%). */
  completionRate: string;
  /** Lead units with at least one overdue measure (红灯单位). */
  redUnits: number;
  /** Open measures whose overdue ladder has reached the leadership group under their current deadline (督办至领导小组). */
  escalated: number;
  /** Measures a look-back review found relapsed (反弹回潮), by the day. */
  relapses: number;
  /** The day of the latest progress report among its measures (none yet: undefined). */
  latestReport?: IsoDate;
}

export interface RollupTotals extends Omit<DistrictFigures, 'planId' | 'planTitle' | 'latestReport'> {
  districts: number;
}

export interface Rollup {
  asOf: IsoDate;
  districts: DistrictFigures[];
  totals: RollupTotals;
}

/** In progress (整改中): on time and overdue together, as the report's opening paragraph counts them. */
export const inProgress = (f: Pick<DistrictFigures, 'active' | 'overdue'>): number => f.active + f.overdue;

/** A district's figures on `asOf` (the end of that day in its zone), from its measures' records. */
export function districtFigures(
  records: MeasureRecord[],
  o: { planId: string; planTitle: string; asOf: IsoDate; timeZone: string; calendar: WorkCalendar },
): DistrictFigures {
  const report = buildReport(records, o);
  const end = localInstant(o.asOf, '23:59', o.timeZone) + 59_999;
  const t: ReportTotals = report.totals;
  const overdue = report.problems.flatMap((p) => p.measures).filter((m) => m.status === 'overdue');
  let escalated = 0;
  let latest: string | undefined;
  for (const r of records) {
    const s = standing(r, end);
    if (!s.tracked) continue;
    if (s.status !== 'closed') {
      // Under its current deadline: a rung reached before an extension or a relapse is history.
      const since = [...r.deadlines].reverse().find((d) => Date.parse(d.since) <= end)?.since ?? r.startedAt;
      if (r.escalations.some((e) => e.leadership && e.at >= since && Date.parse(e.at) <= end)) escalated++;
    }
    if (s.latestNote && (!latest || s.latestNote.at > latest)) latest = s.latestNote.at;
  }
  return {
    planId: o.planId,
    planTitle: o.planTitle,
    measures: t.measures,
    closed: t.closed,
    submitted: t.submitted,
    active: t.active,
    overdue: t.overdue,
    longterm: t.longterm,
    completionRate: t.completionRate,
    redUnits: new Set(overdue.map((m) => m.leadUnit)).size,
    escalated,
    relapses: report.lookback.relapsedMeasures.length,
    ...(latest ? { latestReport: localDate(Date.parse(latest), o.timeZone) } : {}),
  };
}

/** The roll-up's totals: sums, and the completion rate over all districts by the same definition. */
export function rollupTotals(rows: DistrictFigures[]): RollupTotals {
  const sum = (k: 'measures' | 'closed' | 'submitted' | 'active' | 'overdue' | 'longterm' | 'redUnits' | 'escalated' | 'relapses') =>
    rows.reduce((n, r) => n + r[k], 0);
  const measures = sum('measures');
  const longterm = sum('longterm');
  const closed = sum('closed');
  return {
    districts: rows.length,
    measures,
    closed,
    submitted: sum('submitted'),
    active: sum('active'),
    overdue: sum('overdue'),
    longterm,
    completionRate: percent(closed, measures - longterm),
    redUnits: sum('redUnits'),
    escalated: sum('escalated'),
    relapses: sum('relapses'),
  };
}

/** Districts in the order the office reads them: the most overdue first, then by plan id. */
export function rollup(asOf: IsoDate, districts: DistrictFigures[]): Rollup {
  const sorted = [...districts].sort((a, b) => b.overdue - a.overdue || a.planId.localeCompare(b.planId));
  return { asOf, districts: sorted, totals: rollupTotals(sorted) };
}
