/**
 * Chinese working-day calendar: weekends, public holidays and 调休 make-up workdays, for the
 * years it is given (calendar-data.ts supplies the published ones). A year it lacks is an
 * explicit error, unless the plan opts into a provisional Monday-to-Friday calendar.
 * No data is imported here: workflows get their years in their input, so that upgrading the
 * data package never changes what a running workflow decided (replay stays deterministic).
 */
import { type IsoDate, addDays, requireEpochDay, fromEpochDay, yearOf } from './dates';

export interface CalendarYear {
  /** Days off that would otherwise be working days (weekend days inside a holiday may be listed too). */
  holidays: IsoDate[];
  /** 调休: weekend days that are working days. */
  workdays: IsoDate[];
}

export interface CalendarOptions {
  /** Arrangements by year ('2024'): the published ones, and any the plan adds. */
  years?: Record<string, CalendarYear>;
  /** What to do for a date in a year nobody has published: fail (default) or treat Mon–Fri as working days, flagged as provisional. */
  unpublishedYears?: 'error' | 'weekdays';
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

export class CalendarYearUnavailableError extends Error {
  constructor(readonly year: number) {
    super(
      `${year}年的节假日安排未收录:` +
        `请更新 chinese-days,或在计划的 calendar.years["${year}"] 中补充国务院办公厅公布的安排,` +
        `或设置 calendar.unpublishedYears: weekdays 暂按周一至周五计算(结果标为临时)`,
    );
    this.name = 'CalendarYearUnavailableError';
  }
}

/** Per year: epoch days off on weekdays and 调休 weekend working days. Epoch days keep the hot loops free of strings. */
interface YearSets {
  holidays: Set<number>;
  workdays: Set<number>;
}

const epoch = (date: IsoDate) => requireEpochDay(date);
/** 1970-01-01 was a Thursday: ISO weekday of an epoch day. */
const weekdayOf = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;
const yearOfDay = (day: number) => new Date(day * 86_400_000).getUTCFullYear();

function yearSets(holidays: Iterable<IsoDate>, workdays: Iterable<IsoDate>): YearSets {
  return { holidays: new Set([...holidays].map(epoch)), workdays: new Set([...workdays].map(epoch)) };
}

/**
 * The calendar a running measure plans with. Plans are checked strictly, but a measure that
 * runs on past the published years (ladder repeats, report periods) must not stop: there the
 * calendar counts Monday to Friday and every notice on such a day is flagged provisional.
 */
export function runningCalendar(options: CalendarOptions = {}): WorkCalendar {
  return new WorkCalendar({ ...options, unpublishedYears: 'weekdays' });
}

export class WorkCalendar {
  private readonly years: Map<number, YearSets>;
  private readonly unpublished: 'error' | 'weekdays';

  constructor(options: CalendarOptions = {}) {
    this.years = new Map();
    for (const [year, data] of Object.entries(options.years ?? {})) {
      this.years.set(Number(year), yearSets(data.holidays, data.workdays));
    }
    this.unpublished = options.unpublishedYears ?? 'error';
  }

  /** Years with a published arrangement, ascending. */
  get publishedYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  isPublished(date: IsoDate): boolean {
    return this.years.has(yearOf(date));
  }

  /** True when the date's year is only covered by the provisional Mon–Fri rule. */
  isProvisional(date: IsoDate): boolean {
    return !this.isPublished(date) && this.unpublished === 'weekdays';
  }

  dayKind(date: IsoDate): DayKind {
    return this.kindOfDay(epoch(date));
  }

  private kindOfDay(day: number): DayKind {
    const year = yearOfDay(day);
    const sets = this.years.get(year);
    const weekend = weekdayOf(day) >= 6;
    if (!sets) {
      if (this.unpublished === 'error') throw new CalendarYearUnavailableError(year);
      return weekend ? 'weekend' : 'workday';
    }
    if (sets.workdays.has(day)) return 'makeup-workday';
    if (sets.holidays.has(day)) return 'holiday';
    return weekend ? 'weekend' : 'workday';
  }

  private isWorkdayOf(day: number): boolean {
    const kind = this.kindOfDay(day);
    return kind === 'workday' || kind === 'makeup-workday';
  }

  isWorkday(date: IsoDate): boolean {
    return this.isWorkdayOf(epoch(date));
  }

  /**
   * The date n working days after `date` (n < 0: before). n = 0 gives `date` itself.
   * Counting starts from the day after (before), so the start day's own kind does not matter.
   */
  addWorkdays(date: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n)) throw new RangeError(`工作日数必须是整数: ${n}`);
    const step = n < 0 ? -1 : 1;
    let day = epoch(date);
    for (let left = Math.abs(n); left > 0; ) {
      day += step;
      if (this.isWorkdayOf(day)) left--;
    }
    return fromEpochDay(day);
  }

  /** `date` if it is a working day, else the next working day after it. */
  onOrAfter(date: IsoDate): IsoDate {
    return this.isWorkday(date) ? date : this.addWorkdays(date, 1);
  }

  /** `date` if it is a working day, else the last working day before it. */
  onOrBefore(date: IsoDate): IsoDate {
    return this.isWorkday(date) ? date : this.addWorkdays(date, -1);
  }

  /** Working days from `from` to `to`, both included, ascending. */
  workdaysInRange(from: IsoDate, to: IsoDate): IsoDate[] {
    const out: IsoDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (this.isWorkday(d)) out.push(d);
    return out;
  }

  /** Working days strictly after `from` up to and including `to` (negative when `to` is earlier). */
  workdaysBetween(from: IsoDate, to: IsoDate): number {
    if (to >= from) return this.workdaysInRange(addDays(from, 1), to).length;
    return -this.workdaysInRange(addDays(to, 1), from).length;
  }
}
