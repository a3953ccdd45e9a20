/**
 * The weekly leadership digest (领导小组周报): when it goes (the plan's day and time, moved to the
 * next working day when that day is off) and what it says about the week: newly overdue, escalated
 * to the leadership group, closed, relapsed, extensions granted, red measures per unit, and the
 * totals. Counted from measure records. Pure.
 */
import type { WorkCalendar } from './calendar';
import { localDate, localInstant, plainDateZh, type IsoDate } from './dates';
import type { PlanPolicy } from './plan/schema';
import { standing, type MeasureRecord } from './record';
import { buildReport, type ReportTotals } from './report/model';

export interface DigestTiming {
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  at: string;
}

export const DEFAULT_DIGEST: DigestTiming = { weekday: 1, at: '09:00' };
export const WEEKDAY_NAMES = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** The plan's digest timing, or undefined when the plan turned it off. */
export function digestTiming(policy: PlanPolicy | undefined): DigestTiming | undefined {
  const d = policy?.leadershipDigest;
  if (d === false) return undefined;
  return { ...DEFAULT_DIGEST, ...d };
}

/** When a digest fired at `firedAt` goes: then, on a working day; else at its time on the next working day. */
export function digestSendAt(firedAt: number, timing: Pick<DigestTiming, 'at'>, zone: string, cal: WorkCalendar): number {
  const day = localDate(firedAt, zone);
  if (cal.isWorkday(day)) return firedAt;
  return localInstant(cal.addWorkdays(day, 1), timing.at, zone);
}

export interface WeekItem {
  id: string;
  workflowId: string;
  planId: string;
  title: string;
  leadUnit: string;
  leader: string;
  /** What happened to it this week, in words (新时限, 逾期起始, …). */
  detail: string;
}

export interface WeeklyDigest {
  planId: string;
  planTitle: string;
  /** The week: from the last digest's time to this one's (dates as people read them). */
  from: IsoDate;
  to: IsoDate;
  fromZh: string;
  toZh: string;
  totals: ReportTotals;
  summary: string;
  newlyOverdue: WeekItem[];
  escalated: WeekItem[];
  closed: WeekItem[];
  relapsed: WeekItem[];
  extended: WeekItem[];
  /** Open red measures per lead unit, most first. */
  redByUnit: { unit: string; red: number; open: number }[];
  /** Measures still open: without any, no digest goes. */
  open: number;
}

const item = (r: MeasureRecord, detail: string): WeekItem => ({
  id: r.id,
  workflowId: r.workflowId,
  planId: r.planId,
  title: r.title,
  leadUnit: r.leadUnit,
  leader: r.leader,
  detail,
});

/** The week [from, to) of a plan's measures (epoch ms). */
export function weeklyDigest(records: MeasureRecord[], from: number, to: number, cal: WorkCalendar): WeeklyDigest {
  const zone = records[0]?.timeZone ?? 'Asia/Shanghai';
  const within = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= from && Date.parse(iso) < to;
  const day = (iso: string) => plainDateZh(localDate(Date.parse(iso), zone));
  const toDate = localDate(to, zone);
  const sorted = [...records].sort((a, b) => a.problem.no - b.problem.no || a.id.localeCompare(b.id, 'en', { numeric: true }));
  const newlyOverdue: WeekItem[] = [];
  const escalated: WeekItem[] = [];
  const closed: WeekItem[] = [];
  const relapsed: WeekItem[] = [];
  const extended: WeekItem[] = [];
  const units = new Map<string, { unit: string; red: number; open: number }>();
  for (const r of sorted) {
    const now = standing(r, to);
    if (now.overdue && within(now.dueAt)) newlyOverdue.push(item(r, `${day(now.dueAt!)}到期未完成`));
    const up = r.escalations.filter((e) => e.leadership && within(e.at));
    if (up.length) escalated.push(item(r, `${day(up[0].at)}督办至领导小组`));
    const close = r.statusChanges.filter((c) => c.status === 'closed' && within(c.at));
    if (close.length && now.status === 'closed') closed.push(item(r, `${day(close[close.length - 1].at)}销号`));
    for (const x of r.relapses.filter((x) => within(x.at)))
      relapsed.push(item(r, `第${x.round}次回头看发现反弹回潮${x.newDeadline ? `，重新整改至${plainDateZh(x.newDeadline)}` : ''}`));
    for (const e of r.extensions.filter((e) => within(e.at)))
      extended.push(item(r, `整改时限${e.from ? `由${plainDateZh(e.from)}` : ''}延至${plainDateZh(e.to)}`));
    if (now.status !== 'closed') {
      const u = units.get(r.leadUnit) ?? { unit: r.leadUnit, red: 0, open: 0 };
      u.open += 1;
      if (r.light === 'red' || now.overdue) u.red += 1;
      units.set(r.leadUnit, u);
    }
  }
  const report = buildReport(records, {
    planId: records[0]?.planId ?? '',
    planTitle: records[0]?.planTitle ?? '',
    asOf: toDate,
    timeZone: zone,
    calendar: cal,
  });
  const fromDate = localDate(from, zone);
  return {
    planId: report.planId,
    planTitle: report.planTitle,
    from: fromDate,
    to: toDate,
    fromZh: plainDateZh(fromDate),
    toZh: plainDateZh(toDate),
    totals: report.totals,
    summary: report.summary,
    newlyOverdue,
    escalated,
    closed,
    relapsed,
    extended,
    redByUnit: [...units.values()].filter((u) => u.red).sort((a, b) => b.red - a.red || a.unit.localeCompare(b.unit, 'zh-CN')),
    open: [...units.values()].reduce((n, u) => n + u.open, 0),
  };
}
