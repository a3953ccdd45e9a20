/**
 * The weekly digest at city or province level (各地区整改周报): one mail to the office that follows
 * every district, naming the districts that moved in the week — newly overdue, escalated to the
 * leadership group, relapsed — with their measures, and the roll-up's totals. Each district's week
 * is its own leadership digest's week (weeklyDigest, the same words and counts), and its figures
 * the roll-up's row (districtFigures, on its own report), so the mail agrees with both. Pure.
 */
import type { WorkCalendar } from './calendar';
import { localDate, plainDateZh, type IsoDate } from './dates';
import type { MeasureRecord } from './record';
import { districtFigures, rollup, type DistrictFigures, type Rollup } from './rollup';
import { weeklyDigest, type WeekItem } from './weekly';

/** The movements a district is named for, in the order the mail lists them. */
export const ROLLUP_MOVES = [
  { key: 'newlyOverdue', label: '新增逾期' },
  { key: 'escalated', label: '督办至领导小组' },
  { key: 'relapsed', label: '反弹回潮' },
] as const;

export type RollupMove = (typeof ROLLUP_MOVES)[number]['key'];

/** One district that moved in the week: its movements' measures and its figures as the roll-up has them. */
export interface DistrictWeek extends Record<RollupMove, WeekItem[]> {
  planId: string;
  planTitle: string;
  figures: DistrictFigures;
}

export interface RollupWeek {
  /** Whose roll-up it is (RECTIFY_ROLLUP_TITLE, e.g. 某市委巡察办), or empty. */
  title: string;
  from: IsoDate;
  to: IsoDate;
  /** The zone the week's days are read in (the first district's). */
  timeZone: string;
  fromZh: string;
  toZh: string;
  /** The districts that moved, the most movements first (then by plan id). */
  moved: DistrictWeek[];
  /** Districts without a movement this week. */
  quiet: number;
  /** Every district's figures at the end of the week, and the totals (the roll-up page's). */
  rollup: Rollup;
  /** Measures still open in all districts: without any, no digest goes. */
  open: number;
}

/** The plans' records, one entry per plan (a plan without records is left out). */
export interface PlanWeekSource {
  planId: string;
  records: MeasureRecord[];
}

const moves = (d: Record<RollupMove, WeekItem[]>): number => ROLLUP_MOVES.reduce((n, m) => n + d[m.key].length, 0);

/** The week [from, to) of every plan given (epoch ms), as the city or province office reads it. */
export function rollupWeek(plans: PlanWeekSource[], from: number, to: number, cal: WorkCalendar, title = ''): RollupWeek {
  const zone = plans.find((p) => p.records.length)?.records[0].timeZone ?? 'Asia/Shanghai';
  const toDate = localDate(to, zone);
  const fromDate = localDate(from, zone);
  const districts: DistrictFigures[] = [];
  const moved: DistrictWeek[] = [];
  let open = 0;
  for (const { planId, records } of plans) {
    if (!records.length) continue;
    const week = weeklyDigest(records, from, to, cal);
    const figures = districtFigures(records, {
      planId,
      planTitle: records[0].planTitle,
      asOf: toDate,
      timeZone: records[0].timeZone,
      calendar: cal,
    });
    districts.push(figures);
    open += week.open;
    const district: DistrictWeek = {
      planId,
      planTitle: figures.planTitle,
      figures,
      newlyOverdue: week.newlyOverdue,
      escalated: week.escalated,
      relapsed: week.relapsed,
    };
    if (moves(district)) moved.push(district);
  }
  moved.sort((a, b) => moves(b) - moves(a) || a.planId.localeCompare(b.planId));
  return {
    title,
    from: fromDate,
    to: toDate,
    timeZone: zone,
    fromZh: plainDateZh(fromDate),
    toZh: plainDateZh(toDate),
    moved,
    quiet: districts.length - moved.length,
    rollup: rollup(toDate, districts),
    open,
  };
}

/** A district's movements in words: 新增逾期2项、反弹回潮1项 (only those it had). */
export function districtMoves(d: Record<RollupMove, WeekItem[]>): string {
  return ROLLUP_MOVES.filter((m) => d[m.key].length)
    .map((m) => `${m.label}${d[m.key].length}项`)
    .join('、');
}

/** The week's movements over all districts: 新增逾期3项、督办至领导小组0项、反弹回潮1项. */
export function weekMoves(w: Pick<RollupWeek, 'moved'>): string {
  return ROLLUP_MOVES.map((m) => `${m.label}${w.moved.reduce((n, d) => n + d[m.key].length, 0)}项`).join('、');
}
