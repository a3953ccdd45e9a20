/**
 * The State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知), pasted as plain
 * text, read into that year's arrangement: days off (放假、补休、调休放假) and 调休 working days
 * (上班). It reads the styles the notices have used: 周X and 星期X, ranges within and across months
 * and years, 农历 notes in brackets, 与周末连休, 不调休, combined holidays (国庆节、中秋节), several
 * working days in one sentence, items with or without their 一、二、 numbers (and a numbered heading
 * without its colon), the 2008–2009 explanations (其中，…为法定节假日，…照常公休，…公休日调至…).
 * The arrangement is in the items; the preamble before them and the closing paragraph after them
 * are context (2025: 自2025年1月1日起，全体公民放假的假日增加2天), unless a sentence there arranges
 * a day (1月1日放假). What it cannot read is an error that quotes the sentence and its line; nothing
 * is guessed. Notes in brackets are checked: a wrong weekday is an error, a lunar day that is not the
 * date's (正月初七 written for 初八) a warning (holiday-notice-lunar.ts).
 * Pure: no I/O; weekdays and lunar days are computed.
 *
 * Longer than 300 lines on purpose: one reader (lines → items → sentences → clauses → dates),
 * each stage small and private to it; only parseHolidayNotice and its types are its surface.
 */
import type { CalendarYear } from './calendar';
import { addDays, epochDay, isoWeekday, weekdayZh, type IsoDate } from './dates';
import { lunarDisagreements, type LunarDisagreement } from './holiday-notice-lunar';
import { statutoryFestivals } from './statutory';
import { officialText } from './typography';

export interface NoticeItem {
  /** The heading, e.g. 国庆节、中秋节. */
  name: string;
  line: number;
  holidays: IsoDate[];
  workdays: IsoDate[];
}

export interface HolidayNotice {
  year: number;
  items: NoticeItem[];
  /** The year's arrangement in the plan's `calendar.years` shape. */
  arrangement: Record<string, CalendarYear>;
  /**
   * Things to check by eye: a festival the notice does not mention, a statutory day left working,
   * a lunar note that names another day than its date.
   */
  warnings: string[];
  /** The festivals of the statutory seven the notice does not arrange (an amendment, or a partial paste). */
  missing: string[];
}

export interface NoticeProblem {
  line: number;
  /** The sentence as pasted (trimmed). */
  sentence: string;
  message: string;
}

export class HolidayNoticeError extends Error {
  override name = 'HolidayNoticeError';
  constructor(readonly problems: NoticeProblem[]) {
    super(problems.map(formatNoticeProblem).join('\n'));
  }
}

export function formatNoticeProblem(p: NoticeProblem): string {
  return p.sentence ? `第${p.line}行“${p.sentence}”：${p.message}` : `第${p.line}行：${p.message}`;
}

const FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'];
const FESTIVAL_WORD = /元旦|春节|清明|劳动节|五一|端午|中秋|国庆|纪念日|假期/;
const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

/** Full-width digits and brackets to ASCII, spaces out: notices are pasted from web pages and PDFs. */
function normalize(line: string): string {
  return line
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[（〔]/g, '(')
    .replace(/[）〕]/g, ')')
    .replace(/：/g, ':')
    .replace(/[\s\u3000\u00a0]+/g, '');
}

function chineseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === '十') return 10;
  if (text.startsWith('十')) return 10 + (CN_DIGITS[text[1]] ?? NaN);
  if (text.endsWith('十')) return (CN_DIGITS[text[0]] ?? NaN) * 10;
  if (text.length === 3 && text[1] === '十') return (CN_DIGITS[text[0]] ?? NaN) * 10 + (CN_DIGITS[text[2]] ?? NaN);
  return CN_DIGITS[text] ?? NaN;
}

/** The notice's year: from the title, else the body (现将YYYY年…); the two must agree. */
function noticeYear(lines: string[]): number {
  const title = lines.join('').match(/关于(?:调整)?(\d{4})年[^。,，]{0,12}?(?:节假日|假期)安排的通知/);
  const body = lines.join('').match(/现将(\d{4})年/);
  if (title && body && title[1] !== body[1]) {
    throw new HolidayNoticeError([{ line: 1, sentence: '', message: `标题是${title[1]}年，正文是${body[1]}年，请核对` }]);
  }
  const found = title?.[1] ?? body?.[1] ?? lines.join('').match(/(\d{4})年(?:元旦|春节|清明|劳动节|端午|中秋|国庆|部分节假日)/)?.[1];
  if (!found) {
    throw new HolidayNoticeError([
      { line: 1, sentence: '', message: '找不到年份：应有标题“国务院办公厅关于YYYY年部分节假日安排的通知”或正文“现将YYYY年……”' },
    ]);
  }
  return Number(found);
}

const HEADING = /^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．])?([^:,，。;；()]{1,40}?):(.*)$/;
/** A numbered heading whose colon was lost in the paste (三、清明节4月4日至6日放假), festivals only. */
const FESTIVAL_NAME = '(?:元旦|春节|清明节|“五一”国际劳动节|国际劳动节|劳动节|端午节|中秋节|国庆节)';
const BARE_HEADING = new RegExp(`^(?:[一二三四五六七八九十]+[、.．])(${FESTIVAL_NAME}(?:、${FESTIVAL_NAME})*)(\\d.*)$`);
/** A news dateline (新华社北京11月5日电) is no holiday. */
const DATELINE = /\d{1,2}月\d{1,2}日电/g;
const MONTH_DAY = /\d{1,2}月\d{1,2}日/;
/** A line that begins with a date goes on with the item above it (a wrapped 上班 sentence). */
const STARTS_WITH_DATE = /^(?:\d{4}年)?\d{1,2}月\d{1,2}日/;
/** The signature's date, and the metadata lines of government sites (成文日期:2024年11月12日). */
const SIGNATURE = /^(?:国务院办公厅)?\d{4}年\d{1,2}月\d{1,2}日$|^[^,，。]{0,6}日期:\d{4}年\d{1,2}月\d{1,2}日$/;
const END = /[。;；!！]$/;
/** Sentences that encourage rather than arrange (鼓励……安排职工在除夕休息): their dates are no days off. */
const ADVISORY = /鼓励|倡议|提前下班|弹性|错峰/;
/**
 * A day arranged outside the items: a date (or range) with its note, then 放假, 上班 … at once
 * (1月1日（周三）放假). Context says 自2025年1月1日起 or 12月20日前报送 instead.
 */
const ARRANGES =
  /\d{1,2}日(?:\([^()]*\))?(?:(?:至|到|～|~|—|－|–|-)(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:\([^()]*\))?)?(?:放假|上班|补休|补班|调休|休息|休假)/;

interface Sentence {
  line: number;
  text: string;
}

interface ItemText {
  name: string;
  line: number;
  text: string;
  /** Where each appended line begins in `text`, and its line number. */
  starts: [offset: number, line: number][];
}

/** Splits the notice into its items (a heading naming a festival, then its sentences). */
function itemsOf(lines: string[]): { name: string; line: number; sentences: Sentence[] }[] {
  const items: ItemText[] = [];
  /** Lines with dates outside the items, and how many items came before each. */
  const outside: { line: number; raw: string; text: string; after: number }[] = [];
  let current: ItemText | undefined;
  lines.forEach((raw, i) => {
    const line = normalize(raw).replace(DATELINE, '电');
    if (!line) return;
    const colon = HEADING.exec(line);
    const heading = colon && FESTIVAL_WORD.test(colon[1]) ? colon : BARE_HEADING.exec(line);
    if (heading) {
      current = { name: heading[1], line: i + 1, text: heading[2], starts: [[0, i + 1]] };
      items.push(current);
      return;
    }
    // A wrapped line goes on with its item: the item's last sentence is unfinished, or the line starts with a date.
    if (current && !SIGNATURE.test(line) && (!END.test(current.text) || STARTS_WITH_DATE.test(line))) {
      current.starts.push([current.text.length, i + 1]);
      current.text += line;
      return;
    }
    current = undefined;
    if (MONTH_DAY.test(line) && !SIGNATURE.test(line)) outside.push({ line: i + 1, raw: raw.trim(), text: line, after: items.length });
  });
  // Before the first item and after the last: the preamble and the closing, context unless a sentence arranges a day.
  // Between items, or in a text without items: a date that belongs to no item.
  const problems: NoticeProblem[] = [];
  for (const o of outside) {
    const between = o.after > 0 && o.after < items.length;
    if (between || !items.length) {
      problems.push({ line: o.line, sentence: o.raw, message: '有日期，但不在任何节日条目下（条目应以“元旦：”“春节：”等开头）' });
    } else if (ARRANGES.test(o.text)) {
      problems.push({
        line: o.line,
        sentence: o.raw,
        message: `在节日条目${o.after ? '之后' : '之前'}安排了放假或上班，不知属于哪个节日（条目应以“元旦：”“春节：”等开头）`,
      });
    }
  }
  if (problems.length) throw new HolidayNoticeError(problems);
  // Sentences end at 。；; the line of a sentence is the line it starts on.
  return items.map((item) => {
    const sentences: Sentence[] = [];
    let offset = 0;
    for (const text of item.text.split(/(?<=[。;；])/)) {
      const line = [...item.starts].reverse().find(([at]) => at <= offset)![1];
      if (text.replace(/[。;；]/g, '')) sentences.push({ line, text });
      offset += text.length;
    }
    return { name: item.name, line: item.line, sentences };
  });
}

interface DateToken {
  start: IsoDate;
  end: IsoDate;
  days: number;
}

/**
 * A date, or a range (至), each with its note in brackets taken out beforehand as ⟨n⟩. The month
 * may be left out after a date of the same month (6月12日(星期六)、13日(星期日)上班).
 */
const DATE_OR_RANGE =
  /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:⟨(\d+)⟩)?(?:(?:至|到|～|~|—|－|–|-)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:⟨(\d+)⟩)?)?/g;
/** What ends right before a range's end; 调至 (公休日调至1月2日) moves a day rather than ending a range. */
const RANGE_WORD = /(?:(?<!调)至|到|～|~|—|－|–|-)$/;
/** The 2008–2009 explanations of a range's days: 为法定节假日, 为国庆节法定节假日, 照常公休, 为公休日. */
const EXPLAINED_OFF = /为[^，,]*?法定节?假日|照常公休|为公休日/;

function isoOf(y: number, m: number, d: number): IsoDate | undefined {
  const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return epochDay(text) === undefined ? undefined : text;
}

/** The weekday a note in brackets names (周三, 星期日, 农历除夕、周二), if any. */
function weekdayInNote(note: string | undefined): number | undefined {
  const m = note?.match(/(?:周|星期|礼拜)([一二三四五六日天])/);
  return m ? WEEKDAYS[m[1]] : undefined;
}

/**
 * Takes the notes in brackets out (⟨n⟩), so that a date inside one (除夕(2月9日)) is a note, not
 * a day off, and a 、 or ， inside one does not split the sentence.
 */
function takeNotes(text: string): { text: string; notes: string[] } {
  const notes: string[] = [];
  return { text: text.replace(/\(([^()]*)\)/g, (_, note: string) => `⟨${notes.push(note) - 1}⟩`), notes };
}

interface SentenceDays {
  holidays: IsoDate[];
  workdays: IsoDate[];
  /** Weekend days moved to a weekday (X公休日调至Y): worked, unless a day off themselves (a festival on a Sunday). */
  movedFrom: IsoDate[];
  /** Lunar notes that name another day than their date. */
  lunar: LunarDisagreement[];
  /** True for a sentence that encourages rather than arranges: its dates were not counted. */
  advisory?: boolean;
}

/** Reads one sentence of an item: its days off and working days, checked against its own words. */
function readSentence(s: Sentence, year: number, newYearItem: boolean, fail: (message: string) => never): SentenceDays {
  const holidays: IsoDate[] = [];
  const workdays: IsoDate[] = [];
  const movedFrom: IsoDate[] = [];
  let pending: DateToken[] = [];
  let holidayDays = 0;
  const { text, notes } = takeNotes(s.text.replace(/[。;；]$/, ''));
  if (/[()]/.test(text)) fail('括号不配对');
  const context: DateContext = { year, newYearItem, lunar: [] };
  const dated = [...text.matchAll(DATE_OR_RANGE)].length > 0;
  if (dated && ADVISORY.test(text.replace(/⟨\d+⟩/g, ''))) return { holidays, workdays, movedFrom, lunar: [], advisory: true };
  if (!dated && /放假|上班/.test(text)) fail('说了放假或上班，但没有可识别的日期（日期应写作“1月1日”）');
  const days = (t: DateToken) => {
    const out: IsoDate[] = [];
    for (let d = t.start; d <= t.end; d = addDays(d, 1)) out.push(d);
    return out;
  };
  // Clauses: a verb (放假, 上班 …) governs the dates of its clause, and those before it that had none.
  for (const clause of text.split(/[,，]/)) {
    const tokens = [...clause.matchAll(DATE_OR_RANGE)].map((m) => {
      if (RANGE_WORD.test(clause.slice(0, m.index)))
        fail(`“${clause.slice(Math.max(0, m.index! - 1), m.index! + m[0].length).replace(/⟨\d+⟩/g, '')}”前缺少起始日期`);
      return { at: m.index!, token: dateToken(m, notes, context, fail) };
    });
    const words = clause.replace(/⟨\d+⟩/g, '');
    // X公休日调至Y (2008–2009): the days before 调至 (and those pending) give their rest to the days after it.
    const moved = clause.indexOf('调至');
    if (moved >= 0) {
      for (const t of [...pending, ...tokens.filter((x) => x.at < moved).map((x) => x.token)]) movedFrom.push(...days(t));
      for (const t of tokens.filter((x) => x.at > moved)) holidays.push(...days(t.token));
      pending = [];
      continue;
    }
    const working = /上班|补班/.test(words);
    const off = /放假|补休|补假|调休|休息|休假/.test(words.replace(/不调休/g, '')) || EXPLAINED_OFF.test(words);
    if (working && off) fail('同一分句里既有放假又有上班，无法判断各日期是哪一种');
    pending.push(...tokens.map((x) => x.token));
    if (working) {
      for (const t of pending) workdays.push(...days(t));
      pending = [];
    } else if (off) {
      for (const t of pending) {
        holidays.push(...days(t));
        holidayDays += t.days;
      }
      pending = [];
    }
    const total = words.match(/(?:共|放假)(\d+|[一二两三四五六七八九十]+)天/);
    if (total) {
      const n = chineseNumber(total[1]);
      if (n !== holidayDays) fail(`写明共${n}天，但所列放假日期共${holidayDays}天`);
    }
  }
  if (pending.length) fail('有日期，但没有说是放假还是上班');
  return { holidays, workdays, movedFrom, lunar: context.lunar };
}

/** What a date without its year or month takes from the notice and from the date before it. */
interface DateContext {
  year: number;
  newYearItem: boolean;
  last?: { year: number; month: number };
  /** The lunar notes of the sentence that disagree with their dates, collected as its dates are read. */
  lunar: LunarDisagreement[];
}

function dateToken(m: RegExpMatchArray, notes: string[], c: DateContext, fail: (message: string) => never): DateToken {
  const [whole, y1, m1, d1, note1, y2, m2, d2, note2] = m;
  if (!m1 && !c.last) fail(`${d1}日缺少月份`);
  const month1 = m1 ? Number(m1) : c.last!.month;
  // In the 元旦 item a December without a year is the December before (2018年12月30日至2019年1月1日).
  const startYear = y1 ? Number(y1) : !m1 ? c.last!.year : c.newYearItem && month1 === 12 ? c.year - 1 : c.year;
  const start = isoOf(startYear, month1, Number(d1));
  if (!start) return fail(`${month1}月${d1}日不是有效日期`);
  const startNote = note1 === undefined ? undefined : notes[Number(note1)];
  checkWeekday(start, startNote, fail);
  c.last = { year: startYear, month: month1 };
  if (d2 === undefined) {
    c.lunar.push(...lunarDisagreements(startNote, { date: start }));
    return { start, end: start, days: 1 };
  }
  const month2 = m2 ? Number(m2) : month1;
  const endYear = y2 ? Number(y2) : month2 < month1 ? startYear + 1 : startYear;
  const end = isoOf(endYear, month2, Number(d2));
  if (!end) return fail(`${month2}月${d2}日不是有效日期`);
  const shown = whole.replace(/⟨\d+⟩/g, '');
  if (end < start) fail(`${shown}：结束日期早于开始日期`);
  if (dayCount(start, end) > 31) fail(`${shown}：一次放假超过31天，请核对`);
  const endNote = note2 === undefined ? undefined : notes[Number(note2)];
  checkWeekday(end, endNote, fail);
  c.lunar.push(...lunarDisagreements(startNote, { start, end, at: 'start' }), ...lunarDisagreements(endNote, { start, end, at: 'end' }));
  c.last = { year: endYear, month: month2 };
  return { start, end, days: dayCount(start, end) };
}

/** A note's weekday (周二, 星期日) must be the date's: a wrong one means a wrong year or a typo. */
function checkWeekday(date: IsoDate, note: string | undefined, fail: (message: string) => never): void {
  const named = weekdayInNote(note);
  if (named === undefined || named === isoWeekday(date)) return;
  const name = Object.keys(WEEKDAYS).find((k) => WEEKDAYS[k] === named);
  fail(
    `${Number(date.slice(5, 7))}月${Number(date.slice(8))}日（${date.slice(0, 4)}年）是${weekdayZh(date)}，通知写的是周${name}：请核对年份和日期`,
  );
}

function dayCount(from: IsoDate, to: IsoDate): number {
  return epochDay(to)! - epochDay(from)! + 1;
}

/** Reads a pasted notice; throws HolidayNoticeError listing every sentence it cannot read. */
export function parseHolidayNotice(text: string): HolidayNotice {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const year = noticeYear(lines.map(normalize));
  const problems: NoticeProblem[] = [];
  const items: NoticeItem[] = [];
  /** What a sentence asks to check: an advisory's dates not counted, a lunar note that is not its date's. */
  const sentenceWarnings: string[] = [];
  const moved: { item: NoticeItem; date: IsoDate }[] = [];
  for (const item of itemsOf(lines)) {
    const out: NoticeItem = { name: item.name, line: item.line, holidays: [], workdays: [] };
    let failed = false;
    for (const s of item.sentences) {
      const fail = (message: string): never => {
        throw Object.assign(new Error(message), { notice: true });
      };
      try {
        const read = readSentence(s, year, /元旦/.test(item.name), fail);
        out.holidays.push(...read.holidays);
        out.workdays.push(...read.workdays);
        moved.push(...read.movedFrom.map((date) => ({ item: out, date })));
        if (read.advisory) sentenceWarnings.push(`第${s.line}行“${fullWidth(s.text)}”是倡议，其中的日期未计为放假。`);
        for (const l of read.lunar) {
          sentenceWarnings.push(`第${s.line}行“${fullWidth(`${item.name}:${s.text}`)}”：${l.fact}，通知写的是“${l.written}”。`);
        }
      } catch (e) {
        if (!(e as { notice?: boolean }).notice) throw e;
        failed = true;
        problems.push({ line: s.line, sentence: officialText(`${item.name}:${s.text}`), message: (e as Error).message });
      }
    }
    if (!failed && !out.holidays.length && !out.workdays.length) {
      problems.push({
        line: item.line,
        sentence: officialText(`${item.name}:${item.sentences.map((x) => x.text).join('')}`),
        message: '条目中没有可识别的放假或上班日期（日期应写作“1月1日”）',
      });
    }
    items.push(out);
  }
  if (!items.length && !problems.length) {
    problems.push({ line: 1, sentence: '', message: '没有找到节假日条目（应有“元旦：1月1日放假……”这样的条目）' });
  }
  // Across items: a day cannot be both off and working; working days are weekend days.
  const holidays = new Map<IsoDate, NoticeItem>();
  for (const item of items) for (const d of item.holidays) holidays.set(d, item);
  // A weekend day whose rest moved to a weekday is worked, unless it is a day off itself (除夕 on a Sunday).
  for (const { item, date } of moved) if (!holidays.has(date) && !item.workdays.includes(date)) item.workdays.push(date);
  for (const item of items) {
    for (const d of item.workdays) {
      const where = `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
      if (holidays.has(d))
        problems.push({ line: item.line, sentence: item.name, message: `${where}既列为放假（${holidays.get(d)!.name}）又列为上班` });
      if (isoWeekday(d) < 6)
        problems.push({ line: item.line, sentence: item.name, message: `${where}是${weekdayZh(d)}，本是工作日；调休上班日应为周六或周日` });
    }
  }
  if (problems.length) throw new HolidayNoticeError(problems);

  const allHolidays = [...new Set(items.flatMap((i) => i.holidays))].sort();
  const allWorkdays = [...new Set(items.flatMap((i) => i.workdays))].sort();
  return {
    year,
    items,
    arrangement: { [String(year)]: { holidays: allHolidays, workdays: allWorkdays } },
    warnings: [...sentenceWarnings, ...warningsFor(year, items, allHolidays, allWorkdays)],
    missing: missingFestivals(items),
  };
}

/** A sentence as read (brackets and colons made ASCII) shown again with the full-width punctuation of Chinese. */
function fullWidth(text: string): string {
  return text.replace(/\(/g, '（').replace(/\)/g, '）').replace(/:/g, '：');
}

function missingFestivals(items: NoticeItem[]): string[] {
  const named = items.map((i) => i.name).join('、');
  return FESTIVALS.filter((f) => !named.includes(f.replace(/节$/, '')));
}

/** What a reader should check: festivals not mentioned, statutory days (in force from 2025) left working. */
function warningsFor(year: number, items: NoticeItem[], holidays: IsoDate[], workdays: IsoDate[]): string[] {
  const warnings: string[] = [];
  const missing = missingFestivals(items);
  if (missing.length) warnings.push(`通知中没有${missing.join('、')}的安排；这些节日按普通日期计算`);
  if (year >= 2025 && year <= 2099) {
    const off = new Set(holidays);
    const working = new Set(workdays);
    for (const f of statutoryFestivals(year)) {
      for (const d of f.days) {
        const works = working.has(d) || (isoWeekday(d) < 6 && !off.has(d));
        if (works) warnings.push(`${d}（${weekdayZh(d)}）是法定${f.name}假日，通知中却是工作日：请核对年份和原文`);
      }
    }
  }
  return warnings;
}

/** 1月1日(周五)至3日(周日)、5月1日(周五) style: consecutive dates joined into ranges, for summaries. */
export function formatDateRanges(dates: IsoDate[]): string {
  const sorted = [...new Set(dates)].sort();
  const parts: string[] = [];
  const md = (d: IsoDate) => `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日（${weekdayZh(d)}）`;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === addDays(sorted[j], 1)) j++;
    const [a, b] = [sorted[i], sorted[j]];
    parts.push(i === j ? md(a) : `${md(a)}至${a.slice(0, 7) === b.slice(0, 7) ? `${Number(b.slice(8))}日（${weekdayZh(b)}）` : md(b)}`);
    i = j + 1;
  }
  return parts.join('、');
}
