/**
 * The pure planner: (measure, policy, calendar, progress, now) → what to send now, what is
 * superseded, and when to wake next. The workflow only loops over it, so the whole schedule
 * (reminders, the escalation ladder, milestone and periodic-report chasing) is tested here.
 *
 * Every planned notice is at the policy's send time on a working day. A stage missed while the
 * workflow was not running (late start, worker outage) is not sent late in a burst: per track
 * only the current stage is sent, once, in the next send window, flagged as a catch-up.
 *
 * Longer than 300 lines on purpose: it is one oracle (the stages of every track, their selection,
 * the light) whose parts share private helpers, and the tests hold it notice by notice as a whole.
 */
import type { WorkCalendar } from './calendar';
import { addDays, localDate, localInstant, type IsoDate } from './dates';
import type { MeasureSpec, MeasureStatus, TrafficLight } from './measure';
import type { Audience, Cadence } from './plan/schema';

/** A notice counts as on time, or a catch-up may go out, within this long after the send time. */
export const SEND_WINDOW_MS = 60 * 60 * 1000;

/**
 * How long before its send instant a measure hands a scheduled notice to its recipients' digests,
 * which then send it at the instant without waiting for every measure to wake: the morning's whole
 * burst is prepared in this time (20,000 measures take about a quarter of an hour on the embedded
 * server). A change in the meantime takes the notice back.
 */
export const PREPARE_LEAD_MS = 30 * 60 * 1000;

export interface MeasureProgress {
  status: MeasureStatus;
  /** The deadline in force; extensions move it and bump deadlineVersion. */
  deadline?: IsoDate;
  deadlineVersion: number;
  /** Phased: milestones completed, in order. */
  milestonesDone: number;
  /** Long-term: period end dates whose report is in. */
  reportsDone: IsoDate[];
  /** Long-term: reporting periods count from this date (the later of feedback and start). */
  reportingFrom: IsoDate;
  /** Stage keys already sent or superseded; never planned again. */
  handled: Record<string, 'sent' | 'skipped'>;
}

export type ScheduledKind =
  | 'reminder'
  | 'final-reminder'
  | 'overdue'
  | 'milestone-reminder'
  | 'milestone-overdue'
  | 'report-reminder'
  | 'report-overdue'
  | 'lookback-reminder'
  | 'lookback-overdue';

export interface Stage {
  /**
   * Unique within the measure: track and step. The deadline track carries the deadline version
   * (v2:deadline:reminder:5), as an extension starts it anew; milestones and report periods do
   * not move, so their keys (milestone:0:overdue:1, report:2024-03-31:reminder:5) do not either.
   */
  key: string;
  /** Stages of one track supersede each other; tracks are independent. */
  track: string;
  kind: ScheduledKind;
  /** Planned instant (epoch ms): the send time on a working day. */
  at: number;
  audiences: Audience[];
  /** The date this stage chases: the deadline, a milestone's or a report period's end. */
  dueDate: IsoDate;
  /** Reminders: working days before dueDate. */
  workdaysBefore?: number;
  /** Escalations: ladder level (0-based), working days overdue, and repeat number at the top. */
  level?: number;
  workdaysOverdue?: number;
  repeat?: number;
  milestone?: number;
  period?: IsoDate;
}

export interface DueNotice extends Stage {
  catchUp: boolean;
  /** Planned on a day whose year has no published holiday arrangement (counted Mon–Fri). */
  provisional: boolean;
}

export interface NextActions {
  send: DueNotice[];
  skip: string[];
  wakeAt?: number;
}

type Spec = Pick<MeasureSpec, 'kind' | 'policy' | 'timeZone' | 'milestones' | 'cadence' | 'dueOnWorkday'>;

const CADENCE_MONTHS: Record<Cadence, number> = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 };

type Timing = Pick<MeasureSpec, 'policy' | 'timeZone'> & { dueOnWorkday?: boolean };

function sendAt(spec: Timing, day: IsoDate): number {
  return localInstant(day, spec.policy.reminders.sendAt, spec.timeZone);
}

/**
 * The instant a date falls due: the policy's due time on that day. Under the one rule
 * (`dueOnWorkday`, every measure started since it): on the last working day on or before it, as
 * the documents' “X前” mean. A deadline on a Sunday is due at 18:00 on the Friday before.
 */
export function dueAt(spec: Timing, date: IsoDate, cal: WorkCalendar): number {
  return localInstant(spec.dueOnWorkday ? cal.onOrBefore(date) : date, spec.policy.dueAt, spec.timeZone);
}

/** Reminders before `due` and the escalation ladder after it, repeats up to just past `until`. */
function chase(
  spec: Timing,
  cal: WorkCalendar,
  track: string,
  prefix: string,
  due: IsoDate,
  offsets: number[],
  kinds: { reminder: ScheduledKind; final?: ScheduledKind; overdue: ScheduledKind },
  until: number,
  extra: Partial<Stage> = {},
): Stage[] {
  const out: Stage[] = [];
  const lastWorkday = cal.onOrBefore(due);
  for (const offset of offsets) {
    const day = cal.addWorkdays(lastWorkday, -offset);
    const kind = offset === 0 && kinds.final ? kinds.final : kinds.reminder;
    out.push({
      ...extra,
      key: `${prefix}:reminder:${offset}`,
      track,
      kind,
      at: sendAt(spec, day),
      audiences: ['leadUnit'],
      dueDate: due,
      workdaysBefore: offset,
    });
  }
  const { levels, repeatEveryWorkdays } = spec.policy.escalation;
  levels.forEach((level, i) => {
    const day = cal.addWorkdays(due, 1 + level.afterWorkdays);
    out.push({
      ...extra,
      key: `${prefix}:overdue:${i}`,
      track,
      kind: kinds.overdue,
      at: sendAt(spec, day),
      audiences: level.notify,
      dueDate: due,
      level: i,
      workdaysOverdue: level.afterWorkdays,
    });
  });
  const top = levels[levels.length - 1];
  if (top) {
    // Each repeat counts on from the one before: linear in the number of repeats.
    let day = cal.addWorkdays(due, 1 + top.afterWorkdays);
    for (let r = 1; ; r++) {
      day = cal.addWorkdays(day, repeatEveryWorkdays);
      const at = sendAt(spec, day);
      out.push({
        ...extra,
        key: `${prefix}:overdue:${levels.length - 1}:repeat:${r}`,
        track,
        kind: kinds.overdue,
        at,
        audiences: top.notify,
        dueDate: due,
        level: levels.length - 1,
        repeat: r,
        workdaysOverdue: top.afterWorkdays + r * repeatEveryWorkdays,
      });
      if (at > until) break;
    }
  }
  return out;
}

/** End dates of the reporting periods after `from`, up to the first one ending after both `from` and `until`. */
export function periodEnds(cadence: Cadence, from: IsoDate, until: IsoDate): IsoDate[] {
  const months = CADENCE_MONTHS[cadence];
  const out: IsoDate[] = [];
  let year = Number(from.slice(0, 4));
  let month = Math.ceil(Number(from.slice(5, 7)) / months) * months; // period containing `from`
  for (;;) {
    const end = addDays(`${month === 12 ? year + 1 : year}-${String((month % 12) + 1).padStart(2, '0')}-01`, -1);
    if (end > from) out.push(end);
    if (end > until && out.length) return out;
    month += months;
    if (month > 12) {
      month -= 12;
      year++;
    }
  }
}

/**
 * Reporting periods up to `until` and on to the first one still open after it: when the
 * reports run ahead (a quarter reported early), planning must still reach the next open one.
 */
function reportingPeriods(spec: Spec, p: MeasureProgress, until: IsoDate): IsoDate[] {
  const cadence = spec.cadence ?? spec.policy.reporting.cadence;
  let ends = periodEnds(cadence, p.reportingFrom, until);
  while (p.reportsDone.includes(ends[ends.length - 1])) ends = periodEnds(cadence, p.reportingFrom, ends[ends.length - 1]);
  return ends;
}

/** Every stage still relevant to the measure's progress, planned up to just past `until`. */
export function stages(spec: Spec, p: MeasureProgress, cal: WorkCalendar, until: number): Stage[] {
  if (p.status !== 'active') return [];
  const v = `v${p.deadlineVersion}`;
  const out: Stage[] = [];
  const reportOffsets = [...new Set(spec.policy.reporting.reminderOffsetsWorkdays)].sort((a, b) => b - a);
  if (spec.kind === 'longterm') {
    const untilDate = localDate(until, spec.timeZone);
    const ends = reportingPeriods(spec, p, untilDate);
    const cadence = spec.cadence ?? spec.policy.reporting.cadence;
    ends.forEach((end, i) => {
      if (p.reportsDone.includes(end)) return;
      // A missing report is chased until the next one falls due; from then on the next report is the one chased.
      const nextEnd = ends[i + 1] ?? periodEnds(cadence, end, end)[0];
      const cutoff = dueAt(spec, nextEnd, cal);
      const chased = chase(
        spec,
        cal,
        `report:${end}`,
        `report:${end}`,
        end,
        reportOffsets,
        { reminder: 'report-reminder', overdue: 'report-overdue' },
        Math.min(until, cutoff),
        { period: end },
      );
      out.push(...chased.filter((st) => st.at < cutoff));
    });
    return out;
  }
  spec.milestones.forEach((m, i) => {
    if (i < p.milestonesDone) return;
    out.push(
      ...chase(
        spec,
        cal,
        `milestone:${i}`,
        `milestone:${i}`,
        m.deadline,
        reportOffsets,
        { reminder: 'milestone-reminder', overdue: 'milestone-overdue' },
        until,
        { milestone: i },
      ),
    );
  });
  if (p.deadline) {
    out.push(
      ...chase(
        spec,
        cal,
        'deadline',
        `${v}:deadline`,
        p.deadline,
        spec.policy.reminders.offsetsWorkdays,
        { reminder: 'reminder', final: 'final-reminder', overdue: 'overdue' },
        until,
      ),
    );
  }
  return out;
}

/** The send window that `now` falls in, if any: a working day, from the send time for SEND_WINDOW_MS. */
function inSendWindow(spec: Timing, cal: WorkCalendar, now: number): boolean {
  const today = localDate(now, spec.timeZone);
  if (!cal.isWorkday(today)) return false;
  const start = sendAt(spec, today);
  return now >= start && now < start + SEND_WINDOW_MS;
}

/** The start of the next send window after `now`. */
export function nextSendWindow(spec: Timing, cal: WorkCalendar, now: number): number {
  let day = localDate(now, spec.timeZone);
  if (!cal.isWorkday(day) || sendAt(spec, day) <= now) day = cal.addWorkdays(day, 1);
  return sendAt(spec, day);
}

export function nextActions(spec: Spec, p: MeasureProgress, cal: WorkCalendar, now: number): NextActions {
  return selectDue(spec, stages(spec, p, cal, now), p.handled, cal, now);
}

/**
 * From a set of planned stages: per track, the current stage goes out (on time, or as a catch-up
 * in the send window); earlier ones are superseded; and when to wake next.
 */
export function selectDue(spec: Timing, planned: Stage[], handled: Record<string, unknown>, cal: WorkCalendar, now: number): NextActions {
  const open = planned.filter((s) => !handled[s.key]);
  const send: DueNotice[] = [];
  const skip: string[] = [];
  let wakeAt: number | undefined;
  const wake = (t: number) => (wakeAt = wakeAt === undefined ? t : Math.min(wakeAt, t));

  const byTrack = new Map<string, Stage[]>();
  for (const s of open) byTrack.set(s.track, [...(byTrack.get(s.track) ?? []), s]);
  for (const list of byTrack.values()) {
    const passed = list.filter((s) => s.at <= now).sort((a, b) => a.at - b.at);
    const future = list.filter((s) => s.at > now);
    if (future.length) wake(Math.min(...future.map((s) => s.at)));
    const current = passed.pop();
    skip.push(...passed.map((s) => s.key));
    if (!current) continue;
    const provisional = cal.isProvisional(localDate(current.at, spec.timeZone)) || cal.isProvisional(current.dueDate);
    if (now < current.at + SEND_WINDOW_MS) send.push({ ...current, catchUp: false, provisional });
    else if (inSendWindow(spec, cal, now)) send.push({ ...current, catchUp: true, provisional });
    else wake(nextSendWindow(spec, cal, now));
  }
  send.sort((a, b) => a.at - b.at);
  return { send, skip, wakeAt };
}

/**
 * A look-back review is chased like a measure: the policy's reminders before it is due, to the
 * office; after, the ladder's levels, each to the office, the top one to the leadership group too.
 */
export function reviewStages(spec: Timing, due: IsoDate, cal: WorkCalendar, until: number): Stage[] {
  const top = spec.policy.escalation.levels.length - 1;
  return chase(
    spec,
    cal,
    'review',
    'review',
    due,
    spec.policy.reminders.offsetsWorkdays,
    { reminder: 'lookback-reminder', overdue: 'lookback-overdue' },
    until,
  ).map((s) => ({
    ...s,
    audiences: s.level === undefined ? ['office'] : s.level === top ? ['office', 'leadershipGroup'] : ['office'],
  }));
}

/**
 * Traffic light at `now`: red once the deadline has passed unmet; yellow inside the reminder
 * window or with a milestone or periodic report late; green otherwise. `nextChangeAt` is when
 * it next changes by itself.
 */
export function trafficLight(
  spec: Spec,
  p: MeasureProgress,
  cal: WorkCalendar,
  now: number,
  submittedAt?: number,
): { light: TrafficLight; nextChangeAt?: number } {
  if (p.status === 'closed') return { light: 'green' };
  const due = p.deadline && spec.kind !== 'longterm' ? dueAt(spec, p.deadline, cal) : undefined;
  if (p.status === 'submitted') return { light: due !== undefined && (submittedAt ?? now) > due ? 'red' : 'green' };
  if (due !== undefined && now >= due) return { light: 'red' };
  const changes: number[] = [];
  if (due !== undefined) changes.push(due);
  let yellow = false;
  if (due !== undefined) {
    const furthest = spec.policy.reminders.offsetsWorkdays[0] ?? 0;
    const windowStart = sendAt(spec, cal.addWorkdays(cal.onOrBefore(p.deadline!), -furthest));
    if (now >= windowStart) yellow = true;
    else changes.push(windowStart);
  }
  const reportDue = (date: IsoDate) => {
    const at = dueAt(spec, date, cal);
    if (now >= at) yellow = true;
    else changes.push(at);
  };
  if (spec.kind === 'longterm') {
    const ends = reportingPeriods(spec, p, localDate(now, spec.timeZone));
    ends.filter((e) => !p.reportsDone.includes(e)).forEach(reportDue);
  } else {
    spec.milestones.slice(p.milestonesDone).forEach((m) => reportDue(m.deadline));
  }
  const next = changes.length ? Math.min(...changes) : undefined;
  return { light: yellow ? 'yellow' : 'green', nextChangeAt: next };
}

/** Long-term: the period a report now satisfies: the oldest outstanding one that has begun. */
export function periodForReport(spec: Spec, p: MeasureProgress, now: number): IsoDate | undefined {
  const today = localDate(now, spec.timeZone);
  const ends = periodEnds(spec.cadence ?? spec.policy.reporting.cadence, p.reportingFrom, today);
  let start = p.reportingFrom;
  for (const end of ends) {
    if (start > today) return undefined;
    if (!p.reportsDone.includes(end)) return end;
    start = addDays(end, 1);
  }
  return undefined;
}

/** Keeps only the handled keys that planning can still meet (for continue-as-new). */
export function pruneHandled(spec: Spec, p: MeasureProgress): Record<string, 'sent' | 'skipped'> {
  const live = (key: string) => {
    if (key.startsWith('v')) return key.startsWith(`v${p.deadlineVersion}:`);
    const milestone = /^milestone:(\d+):/.exec(key);
    if (milestone) return Number(milestone[1]) >= p.milestonesDone;
    const report = /^report:(\d{4}-\d{2}-\d{2}):/.exec(key);
    if (report) return !p.reportsDone.includes(report[1]);
    return true;
  };
  return Object.fromEntries(Object.entries(p.handled).filter(([key]) => live(key)));
}

/**
 * The stage a measure is at now, for 催办: of the stages that have come, the highest rung of the
 * ladder (an overdue before a reminder), the latest first; when none has come yet, the next one.
 * Undefined when nothing is chased (not active, or nothing planned).
 */
export function currentStage(spec: Spec, p: MeasureProgress, cal: WorkCalendar, now: number): Stage | undefined {
  const planned = stages(spec, p, cal, now);
  const passed = planned.filter((s) => s.at <= now);
  const rung = (s: Stage) => (s.level === undefined ? -1 : s.level);
  if (passed.length) return passed.reduce((a, b) => (rung(b) > rung(a) || (rung(b) === rung(a) && b.at > a.at) ? b : a));
  const future = planned.filter((s) => s.at > now).sort((a, b) => a.at - b.at);
  return future[0];
}
