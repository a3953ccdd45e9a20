/**
 * The roll-up (汇总) of many plans — a city or province office follows every district it
 * inspected: one row of figures per plan (district) and the totals. Each row is built on the
 * district's own report (buildReport, as of the same day), so the roll-up's figures equal each
 * district's report by construction. Pure: records in, figures out.
 */
import type { WorkCalendar } from './calendar';
import { localDate, localInstant, plainDateZh, type IsoDate } from './dates';
import { standing, type MeasureRecord } from './record';
import { buildReport, percent, type ReportTotals } from './report/model';
import { tally, type Tally } from './tally';

/** The district report's own counts a roll-up row carries (active: on time; in progress is active and overdue together). */
export const REPORT_COUNTS = ['measures', 'closed', 'submitted', 'active', 'overdue', 'longterm', 'completionRate'] as const;

/** One district's figures, as its own report says them on the day. */
export interface DistrictFigures extends Pick<ReportTotals, (typeof REPORT_COUNTS)[number]> {
  planId: string;
  planTitle: string;
  /** Lead units with at least one overdue measure (红灯单位). */
  redUnits: number;
  /** Open measures whose overdue ladder has reached the leadership group under their current deadline (督办至领导小组). */
  escalated: number;
  /** Measures a look-back review found relapsed (反弹回潮), by the day. */
  relapses: number;
  /** The day of the latest progress report among its measures (none yet: undefined). */
  latestReport?: IsoDate;
  /** Its measures by the desk's lights as they stand now (lights are not kept by day): 红灯, 黄灯, 绿灯, 已销号. */
  lights: Tally;
}

export interface RollupTotals extends Omit<DistrictFigures, 'planId' | 'planTitle' | 'latestReport' | 'lights'> {
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
    ...(Object.fromEntries(REPORT_COUNTS.map((k) => [k, t[k]])) as Pick<ReportTotals, (typeof REPORT_COUNTS)[number]>),
    redUnits: new Set(overdue.map((m) => m.leadUnit)).size,
    escalated,
    relapses: report.lookback.relapsedMeasures.length,
    ...(latest ? { latestReport: localDate(Date.parse(latest), o.timeZone) } : {}),
    lights: tally(records.map((r) => ({ status: r.status, light: r.light }))),
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

/**
 * The roll-up's columns, in one table for the page, the Word and Excel roll-up reports and the CLI:
 * each column's heading and its value for a district (or the totals, where the column adds up).
 */
export const ROLLUP_COLUMNS = [
  { key: 'measures', label: '措施', value: (f: RollupFigures) => f.measures },
  { key: 'closed', label: '已销号', value: (f: RollupFigures) => f.closed },
  { key: 'inProgress', label: '整改中', value: (f: RollupFigures) => inProgress(f) },
  { key: 'submitted', label: '待核验', value: (f: RollupFigures) => f.submitted },
  { key: 'longterm', label: '长期坚持', value: (f: RollupFigures) => f.longterm },
  { key: 'overdue', label: '逾期', value: (f: RollupFigures) => f.overdue },
  { key: 'completionRate', label: '完成率', value: (f: RollupFigures) => f.completionRate },
  { key: 'redUnits', label: '红灯单位', value: (f: RollupFigures) => f.redUnits },
  { key: 'escalated', label: '督办至领导小组', value: (f: RollupFigures) => f.escalated },
  { key: 'relapses', label: '反弹回潮', value: (f: RollupFigures) => f.relapses },
] as const;

/** A district's figures or the totals: what every column reads. */
export type RollupFigures = Omit<RollupTotals, 'districts'>;
export type RollupSort = (typeof ROLLUP_COLUMNS)[number]['key'] | 'plan' | 'latestReport';

/** The districts sorted by a column (the page's headings), descending unless `asc`; ties by plan id. */
export function sortDistricts(rows: DistrictFigures[], key: RollupSort, asc = false): DistrictFigures[] {
  const column = ROLLUP_COLUMNS.find((c) => c.key === key);
  const value = (f: DistrictFigures): number | string =>
    key === 'plan'
      ? f.planId
      : key === 'latestReport'
        ? (f.latestReport ?? '')
        : key === 'completionRate'
          ? parseFloat(f.completionRate) || 0
          : Number(column!.value(f));
  const dir = asc ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const by = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return dir * by || a.planId.localeCompare(b.planId);
  });
}

/** The roll-up as a table, for the documents and the CLI: the headings, a row per district, the totals' row. */
export interface RollupTable {
  asOfZh: string;
  /** The figures' headings (the district's name and plan come first, the latest report last). */
  head: string[];
  rows: { name: string; planId: string; cells: (string | number)[] }[];
  totals: { name: string; cells: (string | number)[] };
}

export const LATEST_REPORT_LABEL = '最新报送';

export function rollupTable(r: Rollup): RollupTable {
  const cells = (f: RollupFigures) => ROLLUP_COLUMNS.map((c) => c.value(f));
  return {
    asOfZh: plainDateZh(r.asOf),
    head: [...ROLLUP_COLUMNS.map((c) => c.label), LATEST_REPORT_LABEL],
    rows: r.districts.map((d) => ({
      name: d.planTitle,
      planId: d.planId,
      cells: [...cells(d), d.latestReport ? plainDateZh(d.latestReport) : '—'],
    })),
    totals: { name: `合计（${r.totals.districts}个）`, cells: [...cells(r.totals), ''] },
  };
}

/** The totals in the report's phrasing, the paragraph over the roll-up's table. */
export function rollupSummary(r: Rollup): string {
  const t = r.totals;
  return (
    `截至${plainDateZh(r.asOf)}，${t.districts}个地区（计划）共有整改措施${t.measures}项：已完成（销号）${t.closed}项，` +
    `整改中${inProgress(t)}项（其中逾期${t.overdue}项），已提交待核验${t.submitted}项，长期坚持${t.longterm}项，` +
    `整改完成率${t.completionRate}（已完成措施占应完成措施的比例，长期坚持类不计入）；` +
    `有逾期措施的牵头单位${t.redUnits}个，督办至领导小组${t.escalated}项，回头看发现反弹回潮${t.relapses}项。`
  );
}
