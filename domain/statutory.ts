/**
 * The statutory holidays of a year nobody has published yet: 《全国年节及纪念日放假办法》 as
 * revised in 2024 (in force from 2025). 元旦 1月1日; 春节 农历除夕至正月初三; 清明节 on the solar
 * term; 劳动节 5月1日、2日; 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 10月1日至3日. A holiday
 * day that falls on a Saturday or Sunday (or on another holiday) is made up on the following
 * working day (第六条 补假). There are no 调休 make-up working days: only the State Council's
 * yearly notice sets those, so a year computed here is always provisional.
 * Lunar dates and solar terms come from the maintained `chinese-days` package; only code outside
 * workflows imports this module (workflows get the result in their input).
 */
import { getSolarDateFromLunar, getSolarTermDate } from 'chinese-days';
import type { CalendarYear } from './calendar';
import { addDays, isoWeekday, type IsoDate } from './dates';

export interface StatutoryFestival {
  name: string;
  /** The statutory days, in order. */
  days: IsoDate[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The solar date of a lunar month and day in the lunar year that begins in `year`. */
function lunar(year: number, month: number, day: number): IsoDate {
  return getSolarDateFromLunar(`${year}-${pad(month)}-${pad(day)}`).date;
}

/** The festivals of a year and their statutory days, before any 补假. */
export function statutoryFestivals(year: number): StatutoryFestival[] {
  if (!Number.isInteger(year) || year < 1901 || year > 2099) throw new RangeError(`法定节假日只能推算1901–2099年：${year}`);
  const springFestival = lunar(year, 1, 1);
  const qingming = getSolarTermDate(year, 4, 'pure_brightness');
  return [
    { name: '元旦', days: [`${year}-01-01`] },
    { name: '春节', days: [addDays(springFestival, -1), springFestival, addDays(springFestival, 1), addDays(springFestival, 2)] },
    { name: '清明节', days: [qingming] },
    { name: '劳动节', days: [`${year}-05-01`, `${year}-05-02`] },
    { name: '端午节', days: [lunar(year, 5, 5)] },
    { name: '中秋节', days: [lunar(year, 8, 15)] },
    { name: '国庆节', days: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`] },
  ];
}

const weekend = (d: IsoDate) => isoWeekday(d) >= 6;

/**
 * The year's days off under the statutory rule: every festival day, and for each festival day
 * on a weekend or shared with another festival one more day off on the next weekday after its
 * run of days off. Only days off that fall on weekdays are listed (weekends are off anyway).
 */
export function statutoryYear(year: number): CalendarYear {
  const festivals = statutoryFestivals(year);
  const owed = new Map<IsoDate, number>();
  for (const f of festivals) for (const d of f.days) owed.set(d, (owed.get(d) ?? 0) + 1);
  const off = new Set<IsoDate>();
  // Runs of festival days in date order, joined across the weekends between them.
  const dates = [...owed.keys()].sort();
  for (let i = 0; i < dates.length;) {
    let end = dates[i];
    let due = 0;
    let given = 0;
    for (; i < dates.length && dates[i] <= nextWorkday(end, owed); i++) {
      end = dates[i];
      due += owed.get(end)!;
      if (!weekend(end)) {
        given += 1;
        off.add(end);
      }
    }
    for (let d = end; given < due;) {
      d = nextWorkday(d, owed);
      off.add(d);
      given += 1;
    }
  }
  return { holidays: [...off].sort(), workdays: [] };
}

/** The next weekday after `date` that is not itself a festival day. */
function nextWorkday(date: IsoDate, festivals: Map<IsoDate, number>): IsoDate {
  let d = addDays(date, 1);
  while (weekend(d) || festivals.has(d)) d = addDays(d, 1);
  return d;
}
