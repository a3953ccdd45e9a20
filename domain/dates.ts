/**
 * Calendar dates as ISO strings ('YYYY-MM-DD') and instants as epoch milliseconds.
 * Date-only arithmetic uses epoch days (no time zone involved); instants go through luxon.
 */
import { DateTime } from 'luxon';

export type IsoDate = string;

/** The desk's zone: dates and times people read are China Standard Time, as the plans' are by default. */
export const DESK_ZONE = 'Asia/Shanghai';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Epoch day of a valid ISO date, or undefined when the text is not one (e.g. 2023-02-30). */
export function epochDay(date: string): number | undefined {
  const m = ISO_DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

export function isIsoDate(text: string): boolean {
  return epochDay(text) !== undefined;
}

export function requireEpochDay(date: IsoDate): number {
  const day = epochDay(date);
  if (day === undefined) throw new RangeError(`不是有效日期（应为 YYYY-MM-DD）：${JSON.stringify(date)}`);
  return day;
}

export function fromEpochDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(requireEpochDay(date) + days);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return requireEpochDay(to) - requireEpochDay(from);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const dow = new Date(requireEpochDay(date) * DAY_MS).getUTCDay();
  return dow === 0 ? 7 : dow;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

const WEEKDAYS_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
export function weekdayZh(date: IsoDate): string {
  return WEEKDAYS_ZH[isoWeekday(date)];
}

/** 2024年10月15日（周二）: a date as people read it. */
export function dateZh(date: IsoDate): string {
  return `${plainDateZh(date)}（${weekdayZh(date)}）`;
}

/** 2024年10月15日: a date as documents write it. */
export function plainDateZh(date: IsoDate): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

const instants = new Map<string, number>();
/** The instant of a local wall-clock time ('HH:mm') on a date in a time zone (memoised: planners ask often). */
export function localInstant(date: IsoDate, time: string, zone: string): number {
  const key = `${date}T${time}|${zone}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) throw new RangeError(`无效的时间${date} ${time}（${zone}）：${dt.invalidExplanation ?? dt.invalidReason}`);
  if (instants.size > 50_000) instants.clear();
  instants.set(key, dt.toMillis());
  return dt.toMillis();
}

/** The local calendar date of an instant in a time zone. */
export function localDate(instantMs: number, zone: string): IsoDate {
  return DateTime.fromMillis(instantMs, { zone }).toISODate() as IsoDate;
}

/** An instant shown to people: 2024年3月29日（周五）18:00 in the zone. */
export function formatInstant(instantMs: number, zone: string): string {
  return `${dateZh(localDate(instantMs, zone))}${localClock(instantMs, zone)}`;
}

/** The wall-clock time of an instant in a time zone: 18:00. */
export function localClock(instantMs: number, zone: string): string {
  return DateTime.fromMillis(instantMs, { zone }).toFormat('HH:mm');
}

/** Which time a document's times are in: 北京时间 in the desk's zone, else the zone by name. */
export function zoneWords(zone: string): string {
  return zone === DESK_ZONE ? '北京时间' : `${zone}时间`;
}

/**
 * An instant with its zone said, for a reader who may be elsewhere (a page, a screen):
 * 2024年3月29日（周五）18:00（北京时间）. A list of times says the zone once (zoneWords) instead.
 */
export function formatInstantZoned(instantMs: number, zone: string): string {
  return `${formatInstant(instantMs, zone)}（${zoneWords(zone)}）`;
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
