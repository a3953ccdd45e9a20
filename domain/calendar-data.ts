/**
 * The holiday arrangements this process knows: the maintained `chinese-days` data package, and
 * the years the deployment installed from the State Council's notices (`rectify calendar import
 * --install`; config/calendar-store.ts reads them and hands them in with `useInstalledYears`).
 * Only code outside workflows reads this; workflows receive the years they need in their input.
 */
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { WorkCalendar, type CalendarOptions, type CalendarYear } from './calendar';
import { yearOf } from './dates';
import { statutoryYear } from './statutory';

let bundled: Record<string, CalendarYear> | undefined;
let installed: Record<string, CalendarYear> = {};
let published: Record<string, CalendarYear> | undefined;

/** The years of the data package. */
function bundledYears(): Record<string, CalendarYear> {
  if (!bundled) {
    const years: Record<string, CalendarYear> = {};
    const year = (date: string) => (years[String(yearOf(date))] ??= { holidays: [], workdays: [] });
    for (const date of Object.keys(chineseDays.holidays)) year(date).holidays.push(date);
    for (const date of Object.keys(chineseDays.workdays)) year(date).workdays.push(date);
    bundled = years;
  }
  return bundled;
}

/** Years the deployment installed; an installed year replaces the data package's. */
export function useInstalledYears(years: Record<string, CalendarYear>): void {
  installed = { ...years };
  published = undefined;
}

/** Every published year this process knows, keyed by year. */
export function publishedYears(): Record<string, CalendarYear> {
  published ??= { ...bundledYears(), ...installed };
  return published;
}

/** The last year with a published arrangement. */
export function lastPublishedYear(): number {
  return Math.max(...Object.keys(publishedYears()).map(Number));
}

/** The published years from `fromYear` on, with the plan's own additions on top. */
export function calendarYearsFrom(fromYear: number, options: CalendarOptions = {}): Record<string, CalendarYear> {
  const years = Object.fromEntries(Object.entries(publishedYears()).filter(([y]) => Number(y) >= fromYear));
  return { ...years, ...options.years };
}

/**
 * The statutory arrangements of the years from `fromYear` to `toYear` that neither the data nor
 * `years` publishes: what a running measure carries for the years it may plan into.
 */
export function provisionalYearsBetween(
  fromYear: number,
  toYear: number,
  years: Record<string, CalendarYear> = publishedYears(),
): Record<string, CalendarYear> {
  const out: Record<string, CalendarYear> = {};
  for (let y = fromYear; y <= toYear; y++) if (!years[String(y)]) out[String(y)] = statutoryYear(y);
  return out;
}

/** How many years past this one a refresh hands running measures the statutory arrangement of. */
export const REFRESH_YEARS_AHEAD = 2;

/**
 * What `rectify calendar refresh` tells running measures in `thisYear`: the published years from
 * last year on, and the statutory arrangement of the unpublished ones up to REFRESH_YEARS_AHEAD.
 */
export function calendarRefresh(thisYear: number): { years: Record<string, CalendarYear>; provisionalYears: Record<string, CalendarYear> } {
  const years = calendarYearsFrom(thisYear - 1);
  return { years, provisionalYears: provisionalYearsBetween(thisYear - 1, thisYear + REFRESH_YEARS_AHEAD, years) };
}

/** The Chinese working-day calendar with every published year, and the statutory rule for others when the options ask for it. */
export function chinaCalendar(options: CalendarOptions = {}): WorkCalendar {
  return new WorkCalendar({ ...options, years: { ...publishedYears(), ...options.years }, crossYear: true }, statutoryYear);
}
