/**
 * When to tell the office that a year's holiday arrangement is missing: once per year, as soon
 * as the year is within ALERT_LEAD_DAYS of being needed and nobody has published it. Pure: the
 * plan's calendar watch workflow asks it what to send now and when to look again.
 */
import type { WorkCalendar } from './calendar';
import { addDays, daysBetween, localDate, localInstant, yearOf, type IsoDate } from './dates';
import { SEND_WINDOW_MS } from './planner';

/** The office is told this many days before the first day of a year nobody has published. */
export const ALERT_LEAD_DAYS = 60;

/** Told to the office: from `from` on, the plan counts working days on the provisional calendar. */
export interface CalendarAlert {
  planId: string;
  year: number;
  /** The first day that counts provisionally: 1 January, or today if that has passed. */
  from: IsoDate;
  /** The day the office was told (the workflow's today). */
  asOf: IsoDate;
  /** One alert per plan and year (contracts/ids.ts calendarAlertKey). */
  idempotencyKey: string;
}

export interface CalendarAlertPlan {
  /** Years to tell the office about now. */
  due: number[];
  /** The next day on which another year comes within reach (its alert day). */
  nextCheck: IsoDate;
}

export function calendarAlertsDue(published: Iterable<number>, alerted: Iterable<number>, today: IsoDate): CalendarAlertPlan {
  const done = new Set([...published, ...alerted]);
  const reach = yearOf(addDays(today, ALERT_LEAD_DAYS));
  const due: number[] = [];
  for (let y = yearOf(today); y <= reach; y++) if (!done.has(y)) due.push(y);
  let next = reach + 1;
  while (done.has(next)) next++;
  return { due, nextCheck: addDays(`${next}-01-01`, -ALERT_LEAD_DAYS) };
}

export function calendarAlert(planId: string, year: number, today: IsoDate, idempotencyKey: string): CalendarAlert {
  const first = `${year}-01-01`;
  return { planId, year, from: today > first ? today : first, asOf: today, idempotencyKey };
}

/**
 * When mail to the office decided at `now` goes: at once within a working day's send window
 * (`sendAt` and the hour after it, as catch-ups go), else at `sendAt` on the next working day
 * (today's when it is still ahead). A watch that wakes on a Sunday at 12:16 writes on Monday at 09:00.
 */
export function officeSendAt(now: number, sendAt: string, zone: string, cal: Pick<WorkCalendar, 'isWorkday' | 'addWorkdays'>): number {
  const today = localDate(now, zone);
  if (cal.isWorkday(today)) {
    const start = localInstant(today, sendAt, zone);
    if (now < start) return start;
    if (now < start + SEND_WINDOW_MS) return now;
  }
  return localInstant(cal.addWorkdays(today, 1), sendAt, zone);
}

/** A calendar year the next `horizonDays` reach: whether its arrangement is published, and how soon it is counted in. */
export interface YearCoverage {
  year: number;
  published: boolean;
  /** Days from today to its 1 January (0 or less: this year). */
  startsInDays: number;
}

/** The years from today to today + `horizonDays` (twelve months by default), as `rectify doctor` reports them. */
export function holidayCoverage(published: Iterable<number>, today: IsoDate, horizonDays = 364): YearCoverage[] {
  const have = new Set(published);
  const last = yearOf(addDays(today, horizonDays));
  const years: YearCoverage[] = [];
  for (let y = yearOf(today); y <= last; y++)
    years.push({ year: y, published: have.has(y), startsInDays: Math.max(0, daysBetween(today, `${y}-01-01`)) });
  return years;
}
