/**
 * Chinese working-day calendar: weekends, public holidays and 调休 make-up workdays, for the
 * years it is given (calendar-data.ts supplies the published and installed ones). A year
 * nobody has published is an explicit error unless a rule is chosen for it: `statutory` (the
 * holidays of 《全国年节及纪念日放假办法》, no make-up days; statutory.ts computes them) or
 * `weekdays` (Monday to Friday). Either way every day of such a year counts as provisional.
 * No data is imported here: workflows get their years in their input, so that upgrading the
 * data package never changes what a running workflow decided (replay stays deterministic).
 */
import { type IsoDate, addDays, isoWeekday, requireEpochDay, fromEpochDay, weekdayZh, yearOf } from './dates';

export interface CalendarYear {
  /** Days off that would otherwise be working days (weekend days inside a holiday may be listed too). */
  holidays: IsoDate[];
  /** 调休: weekend days that are working days. */
  workdays: IsoDate[];
}

/**
 * What to do for a date in a year nobody has published: fail, follow the statutory holidays
 * (provisional), or count Monday to Friday (provisional; only when a plan asks for it).
 */
export const UNPUBLISHED_RULES = ['error', 'statutory', 'weekdays'] as const;
export type UnpublishedRule = (typeof UNPUBLISHED_RULES)[number];

export interface CalendarOptions {
  /**
   * Published arrangements by year ('2024'), and any the plan adds. A year's notice may name days
   * of the neighbouring year (元旦 of 2019 began on 2018-12-30): those count too.
   */
  years?: Record<string, CalendarYear>;
  unpublishedYears?: UnpublishedRule;
  /**
   * The statutory arrangement of unpublished years, computed outside workflows (statutory.ts)
   * and carried in their input, used under the `statutory` rule. A year missing here, where no
   * rule function is at hand (in a workflow), counts Monday to Friday, still provisional.
   */
  provisionalYears?: Record<string, CalendarYear>;
  /**
   * Whether days a year's notice names in the December before it count (2018-12-30, 元旦 of
   * 2019). Set for every calendar built since the notice importer; workflows started earlier
   * read their years as they did then, each date in its own year only.
   */
  crossYear?: boolean;
}

/** Computes the statutory arrangement of a year (statutory.ts); only code outside workflows has one. */
export type StatutoryRule = (year: number) => CalendarYear;

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

export class CalendarYearUnavailableError extends Error {
  constructor(readonly year: number) {
    super(
      `${year}年的节假日安排未收录：` +
        `请更新 chinese-days，或在计划的 calendar.years["${year}"] 中补充国务院办公厅公布的安排，` +
        `或设置 calendar.unpublishedYears: statutory 暂按法定节假日计算（结果标为临时）`,
    );
    this.name = 'CalendarYearUnavailableError';
  }
}

/** Epoch days off and 调休 weekend working days. Epoch days keep the hot loops free of strings. */
interface DaySets {
  holidays: Set<number>;
  workdays: Set<number>;
}

const epoch = (date: IsoDate) => requireEpochDay(date);
/** 1970-01-01 was a Thursday: ISO weekday of an epoch day. */
const weekdayOf = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;
const yearOfDay = (day: number) => new Date(day * 86_400_000).getUTCFullYear();

function daySets(year: CalendarYear): DaySets {
  return { holidays: new Set(year.holidays.map(epoch)), workdays: new Set(year.workdays.map(epoch)) };
}

const isDecember = (day: number) => new Date(day * 86_400_000).getUTCMonth() === 11;

/**
 * The calendar a running measure plans with. Plans are checked strictly, but a measure that
 * runs on past the published years (ladder repeats, report periods) must not stop: there it
 * follows the statutory holidays its input carries (Monday to Friday beyond them, or where the
 * plan asked for weekdays), and every notice on such a day is flagged provisional.
 */
export function runningCalendar(options: CalendarOptions = {}): WorkCalendar {
  return new WorkCalendar({ ...options, unpublishedYears: options.unpublishedYears === 'weekdays' ? 'weekdays' : 'statutory' });
}

export class WorkCalendar {
  private readonly published: Set<number>;
  /** Each published year's days off and make-up days, by the year whose notice names them. */
  private readonly official: Map<number, DaySets>;
  private readonly crossYear: boolean;
  private readonly unpublished: UnpublishedRule;
  /** Statutory days off of unpublished years, by year, as carried or computed on first use. */
  private readonly statutory = new Map<number, Set<number> | undefined>();

  constructor(
    private readonly options: CalendarOptions = {},
    private readonly rule?: StatutoryRule,
  ) {
    const years = options.years ?? {};
    this.published = new Set(Object.keys(years).map(Number));
    this.official = new Map(Object.entries(years).map(([y, data]) => [Number(y), daySets(data)]));
    this.crossYear = options.crossYear ?? false;
    this.unpublished = options.unpublishedYears ?? 'error';
  }

  /** Years with a published arrangement, ascending. */
  get publishedYears(): number[] {
    return [...this.published].sort((a, b) => a - b);
  }

  get unpublishedRule(): UnpublishedRule {
    return this.unpublished;
  }

  isPublished(date: IsoDate): boolean {
    return this.published.has(yearOf(date));
  }

  /** True when the date's year has no published arrangement and a provisional rule counts it. */
  isProvisional(date: IsoDate): boolean {
    return !this.isPublished(date) && this.unpublished !== 'error';
  }

  /** True when counting from `from` to `to` (either order) passes through a provisional day. */
  isProvisionalBetween(from: IsoDate, to: IsoDate): boolean {
    const [a, b] = from <= to ? [yearOf(from), yearOf(to)] : [yearOf(to), yearOf(from)];
    if (this.unpublished === 'error') return false;
    for (let y = a; y <= b; y++) if (!this.published.has(y)) return true;
    return false;
  }

  /** The statutory days off of an unpublished year: carried in the options, or computed by the rule. */
  private statutoryDays(year: number): Set<number> | undefined {
    if (!this.statutory.has(year)) {
      const data = this.options.provisionalYears?.[String(year)] ?? this.rule?.(year);
      this.statutory.set(year, data ? new Set(data.holidays.map(epoch)) : undefined);
    }
    return this.statutory.get(year);
  }

  dayKind(date: IsoDate): DayKind {
    return this.kindOfDay(epoch(date));
  }

  private kindOfDay(day: number): DayKind {
    const year = yearOfDay(day);
    const own = this.official.get(year);
    if (own?.workdays.has(day)) return 'makeup-workday';
    if (own?.holidays.has(day)) return 'holiday';
    const next = this.crossYear && isDecember(day) ? this.official.get(year + 1) : undefined;
    if (next?.workdays.has(day)) return 'makeup-workday';
    if (next?.holidays.has(day)) return 'holiday';
    const weekend = weekdayOf(day) >= 6;
    if (!this.published.has(year)) {
      if (this.unpublished === 'error') throw new CalendarYearUnavailableError(year);
      if (this.unpublished === 'statutory' && this.statutoryDays(year)?.has(day)) return 'holiday';
    }
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
    if (!Number.isInteger(n)) throw new RangeError(`工作日数必须是整数：${n}`);
    const step = n < 0 ? -1 : 1;
    let day = epoch(date);
    for (let left = Math.abs(n); left > 0;) {
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
    // Remembered: a report or a ledger counts the same few deadlines from the same day thousands of times.
    const key = `${from}|${to}`;
    const known = this.between.get(key);
    if (known !== undefined) return known;
    const n = to >= from ? this.workdaysInRange(addDays(from, 1), to).length : -this.workdaysInRange(addDays(to, 1), from).length;
    if (this.between.size > 10_000) this.between.clear();
    this.between.set(key, n);
    return n;
  }
  private readonly between = new Map<string, number>();
}

export interface CalendarYearProblem {
  year: string;
  list: 'holidays' | 'workdays';
  index: number;
  message: string;
}

/**
 * What is wrong with arrangements given by year: a date outside its year (a notice may reach
 * back into the December before, as 元旦 of 2019 did), a 调休 working day that is not a weekend
 * day, a day both off and working. Shared by plan checks, the notice importer and the Update
 * that brings new years to running measures.
 */
export function calendarYearProblems(years: Record<string, CalendarYear>): CalendarYearProblem[] {
  const problems: CalendarYearProblem[] = [];
  for (const [year, data] of Object.entries(years)) {
    const off = new Set(data.holidays);
    const own = (d: IsoDate) => d.startsWith(`${year}-`) || d.startsWith(`${Number(year) - 1}-12-`);
    data.holidays.forEach((d, index) => {
      if (!own(d)) problems.push({ year, list: 'holidays', index, message: `${d}不属于${year}年的安排` });
    });
    data.workdays.forEach((d, index) => {
      if (!own(d)) problems.push({ year, list: 'workdays', index, message: `${d}不属于${year}年的安排` });
      else if (isoWeekday(d) < 6)
        problems.push({ year, list: 'workdays', index, message: `${d}（${weekdayZh(d)}）本是工作日，调休上班日应为周六或周日` });
      if (off.has(d)) problems.push({ year, list: 'workdays', index, message: `${d}同时列为放假和上班` });
    });
  }
  return problems;
}
