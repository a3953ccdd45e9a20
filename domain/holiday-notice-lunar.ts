/**
 * The lunar notes of the State Council's notice (1月28日（农历除夕、周二）, 2月6日—12日（农历除夕至正月初六）,
 * 6月8日（农历五月初五，端午节）, 4月4日（星期六、农历清明当日）) checked against the lunar calendar of the
 * maintained `chinese-days` package: a note that names another day than its date is a typo or a wrong year.
 * Pure: the lunar calendar is computed, nothing is read.
 */
import { getLunarDate, getSolarTermDate } from 'chinese-days';
import { addDays, plainDateZh, type IsoDate } from './dates';

/** A lunar day as a note names it; `month` undefined when the note gives only the day (初七). */
type LunarSpec =
  | { kind: 'day'; written: string; month?: number; leap: boolean; day: number }
  | { kind: 'eve'; written: string }
  | { kind: 'qingming'; written: string };

const MONTHS: Record<string, number> = { 正: 1, 冬: 11, 十一: 11, 腊: 12, 十二: 12 };
const monthOf = (text: string) => MONTHS[text] ?? '一二三四五六七八九十'.indexOf(text) + 1;
const DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const DAY = '初[一二三四五六七八九十]|十[一二三四五六七八九]?|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十';
const MONTH_DAY = new RegExp(`^(闰)?(十一|十二|[正一二三四五六七八九十冬腊])月(${DAY})$`);
const DAY_ONLY = new RegExp(`^(${DAY})$`);
/** The lunar festivals a note may name instead of their date (清明 is a solar term, checked apart). */
const FESTIVAL_DAYS: Record<string, [month: number, day: number]> = {
  春节: [1, 1],
  大年初一: [1, 1],
  端午: [5, 5],
  端午节: [5, 5],
  中秋: [8, 15],
  中秋节: [8, 15],
};

function lunarDay(text: string): number {
  if (text.startsWith('初')) return text === '初十' ? 10 : DIGITS[text[1]];
  if (text === '十' || text === '二十' || text === '三十') return { 十: 10, 二十: 20, 三十: 30 }[text]!;
  if (text.startsWith('十')) return 10 + DIGITS[text[1]];
  return 20 + DIGITS[text[text.length - 1]]; // 廿X, 二十X
}

/** One lunar day of a note, or undefined for what is not one (周二, 新年, “五一”国际劳动节). */
function specOf(raw: string, monthBefore?: number): LunarSpec | undefined {
  const written = raw.replace(/^即/, '');
  const text = written.replace(/^农历/, '').replace(/当日$/, '');
  if (text === '除夕') return { kind: 'eve', written };
  if (text === '清明' || text === '清明节') return { kind: 'qingming', written };
  const festival = FESTIVAL_DAYS[text];
  if (festival) return { kind: 'day', written, month: festival[0], leap: false, day: festival[1] };
  const md = MONTH_DAY.exec(text);
  if (md) return { kind: 'day', written, month: monthOf(md[2]), leap: md[1] === '闰', day: lunarDay(md[3]) };
  if (DAY_ONLY.test(text)) return { kind: 'day', written, month: monthBefore, leap: false, day: lunarDay(text) };
  return undefined;
}

/**
 * The lunar days a note names: one for a date, or two (除夕至正月初六) for a range, the note then
 * following the range's end. Parts of a note are split at 、，; what is not a lunar day is left out.
 */
function specsOf(note: string): { single: LunarSpec[]; ranges: [LunarSpec, LunarSpec][] } {
  const single: LunarSpec[] = [];
  const ranges: [LunarSpec, LunarSpec][] = [];
  for (const part of note.split(/[、，,；;]/).map((p) => p.trim())) {
    const [from, to] = part.split('至');
    if (to === undefined) {
      const spec = specOf(from);
      if (spec) single.push(spec);
      continue;
    }
    const start = specOf(from);
    const month = start?.kind === 'eve' ? 1 : start?.kind === 'day' ? start.month : undefined;
    const end = specOf(to, month);
    if (start && end) ranges.push([start, end]);
  }
  return { single, ranges };
}

function isEve(date: IsoDate): boolean {
  const next = getLunarDate(addDays(date, 1));
  return next.lunarMon === 1 && next.lunarDay === 1 && !next.isLeap;
}

const qingming = (date: IsoDate) => getSolarTermDate(Number(date.slice(0, 4)), 4, 'pure_brightness');

function agrees(date: IsoDate, spec: LunarSpec): boolean {
  if (spec.kind === 'eve') return isEve(date);
  if (spec.kind === 'qingming') return qingming(date) === date;
  const l = getLunarDate(date);
  return l.lunarDay === spec.day && (spec.month === undefined || (l.lunarMon === spec.month && l.isLeap === spec.leap));
}

/** 2025年2月4日是农历正月初七, …是农历腊月廿九（除夕）, 2025年4月5日不是清明（清明是2025年4月4日）. */
function whatTheDateIs(date: IsoDate, spec: LunarSpec): string {
  if (spec.kind === 'qingming') return `${plainDateZh(date)}不是清明（清明是${plainDateZh(qingming(date))}）`;
  const l = getLunarDate(date);
  return `${plainDateZh(date)}是农历${l.isLeap ? '闰' : ''}${l.lunarMonCN}${l.lunarDayCN}${isEve(date) ? '（除夕）' : ''}`;
}

export interface LunarDisagreement {
  date: IsoDate;
  /** The lunar day as the note writes it (农历正月初八, 除夕, 端午节). */
  written: string;
  /** What the date is: 2025年2月4日是农历正月初七. */
  fact: string;
}

/**
 * The lunar days a date's note names that are not the date's. `role` says where the note stands:
 * after a single date, after a range's start, or after a range's end (where 除夕至正月初六 names both ends).
 */
export function lunarDisagreements(
  note: string | undefined,
  role: { date: IsoDate } | { start: IsoDate; end: IsoDate; at: 'start' | 'end' },
): LunarDisagreement[] {
  if (!note) return [];
  const { single, ranges } = specsOf(note);
  const checks: [IsoDate, LunarSpec][] = [];
  if ('date' in role) checks.push(...single.map((s): [IsoDate, LunarSpec] => [role.date, s]));
  else {
    checks.push(...single.map((s): [IsoDate, LunarSpec] => [role.at === 'start' ? role.start : role.end, s]));
    if (role.at === 'end') for (const [from, to] of ranges) checks.push([role.start, from], [role.end, to]);
  }
  return checks
    .filter(([date, spec]) => !agrees(date, spec))
    .map(([date, spec]) => ({ date, written: spec.written, fact: whatTheDateIs(date, spec) }));
}
