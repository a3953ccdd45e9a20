/**
 * The published holiday arrangements, from the maintained `chinese-days` data package. Only
 * code outside workflows reads it; workflows receive the years they need in their input.
 */
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { WorkCalendar, type CalendarOptions, type CalendarYear } from './calendar';
import { yearOf } from './dates';

let published: Record<string, CalendarYear> | undefined;

/** Every year the data package has, keyed by year. */
export function publishedYears(): Record<string, CalendarYear> {
  if (!published) {
    const years: Record<string, CalendarYear> = {};
    const year = (date: string) => (years[String(yearOf(date))] ??= { holidays: [], workdays: [] });
    for (const date of Object.keys(chineseDays.holidays)) year(date).holidays.push(date);
    for (const date of Object.keys(chineseDays.workdays)) year(date).workdays.push(date);
    published = years;
  }
  return published;
}

/** The published years from `fromYear` on, with the plan's own additions on top. */
export function calendarYearsFrom(fromYear: number, options: CalendarOptions = {}): Record<string, CalendarYear> {
  const years = Object.fromEntries(Object.entries(publishedYears()).filter(([y]) => Number(y) >= fromYear));
  return { ...years, ...options.years };
}

/** The Chinese working-day calendar with every published year. */
export function chinaCalendar(options: CalendarOptions = {}): WorkCalendar {
  return new WorkCalendar({ ...options, years: { ...publishedYears(), ...options.years } });
}
