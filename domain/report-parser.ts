/**
 * Parses a published rectification progress report (巡视整改进展情况, the seed's format) into
 * problems and measures. Tolerant of the irregularities real reports have: 问题整改: instead of
 * 整改情况:, several kinds of quotes, full- or half-width punctuation and digits, wrapped lines.
 * Pure: text in, structure out.
 */
import { fromEpochDay, epochDay, type IsoDate } from './dates';

export interface ReportProblem {
  no: number;
  title: string;
}

export interface ReportMeasure {
  id: string;
  problem: number;
  /** Lead phrase, e.g. 全力稳定外资. */
  title: string;
  /** The whole measure as published, without its ordinal (一是). */
  text: string;
}

export interface ParsedReport {
  problems: ReportProblem[];
  measures: ReportMeasure[];
  /** 巡视反馈日期, when the report states it. */
  feedbackDate?: IsoDate;
}

export class ReportParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `第${line}行：${message}` : message);
    this.name = 'ReportParseError';
  }
}

/** Full-width ASCII forms and the ideographic space become ASCII, one character for one, so indices still match the original. */
function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

const OPEN_QUOTES = '“"「『‘\'〝';
const CLOSE_QUOTES = '”"」』’\'〞';
const NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 20 → 二十. */
export function chineseOrdinal(n: number): string {
  if (n <= 10) return NUMERALS[n];
  if (n < 20) return `十${NUMERALS[n - 10]}`;
  return `${NUMERALS[Math.floor(n / 10)]}十${NUMERALS[n % 10]}`;
}

/**
 * Heading of problem `no`. The title sits in quotes and may itself hold quotes
 * (关于“‘四风’问题未得到根本遏制”问题的整改), so the strict form takes the longest quoted text
 * before 问题的整改; the loose form (without 的整改) takes the shortest.
 */
function headingPatterns(no: number): RegExp[] {
  const lead = `(?:^|[\\n。;])[ \\t]*${no}[ \\t]*[.、．][ \\t]*关于[ \\t]*[${OPEN_QUOTES}]`;
  return [
    new RegExp(`${lead}([^\\n]{1,80})[${CLOSE_QUOTES}][ \\t]*问题的整改[ \\t]*[。.]?`, 'dg'),
    new RegExp(`${lead}([^\\n]+?)[${CLOSE_QUOTES}][ \\t]*(?:问题|的整改)[ \\t]*[。.]?`, 'dg'),
  ];
}

function findHeading(text: string, no: number, from: number): RegExpExecArray | undefined {
  const [strict, loose] = headingPatterns(no).map((re) => {
    re.lastIndex = from;
    return re.exec(text) ?? undefined;
  });
  // The strict form wins unless the loose one finds an earlier heading.
  if (strict && (!loose || strict.index <= loose.index)) return strict;
  return loose;
}

const SECTION_LABEL = /^\s*(?:整改情况|问题整改|整改进展情况|整改进展|整改措施|整改成效)\s*:\s*/;

export function parseReport(original: string): ParsedReport {
  const source = original.replace(/\r\n?/g, '\n');
  const { text, origin } = joinWrappedLines(foldWidth(source));
  const published = (from: number, to: number) => {
    let out = '';
    for (let i = from; i < to; i++) if (text[i] !== '\n') out += source[origin[i]];
    return out;
  };
  const lineAt = (index: number) => source.slice(0, origin[Math.min(index, origin.length - 1)]).split('\n').length;

  const headings: { no: number; title: string; start: number; end: number }[] = [];
  for (let no = 1, from = 0; ; no++) {
    const m = findHeading(text, no, from);
    if (!m) break;
    const [titleStart, titleEnd] = m.indices![1];
    headings.push({ no, title: published(titleStart, titleEnd).trim(), start: m.index + m[0].search(/\d/), end: m.index + m[0].length });
    from = m.index + m[0].length;
  }
  if (!headings.length) throw new ReportParseError('未找到编号的问题标题（形如“1. 关于“……”问题的整改。”）');

  // The problems end where the next top-level section (三、下一步工作打算) begins.
  const tail = /\n\s*[一二三四五六七八九十]+、/g;
  tail.lastIndex = headings[headings.length - 1].end;
  const sectionEnd = tail.exec(text)?.index ?? text.length;

  const problems: ReportProblem[] = [];
  const measures: ReportMeasure[] = [];
  headings.forEach((p, i) => {
    problems.push({ no: p.no, title: p.title });
    const bodyEnd = i + 1 < headings.length ? headings[i + 1].start : sectionEnd;
    const label = SECTION_LABEL.exec(text.slice(p.end, bodyEnd));
    const contentStart = p.end + (label ? label[0].length : 0);
    const items = splitOrdinals(text.slice(contentStart, bodyEnd));
    if (!items.length) {
      throw new ReportParseError(`问题${p.no}“${p.title}”下未找到“一是、二是……”形式的整改措施`, lineAt(contentStart));
    }
    items.forEach((item, k) => {
      const measureText = published(contentStart + item.start, contentStart + item.end).trim();
      measures.push({ id: `${p.no}.${k + 1}`, problem: p.no, title: leadPhrase(measureText), text: measureText });
    });
  });
  return { problems, measures, feedbackDate: findFeedbackDate(text) };
}

/** Splits 一是…二是…三是… (in order, each at a sentence boundary) into item ranges after the ordinal. */
function splitOrdinals(content: string): { start: number; end: number }[] {
  const marks: { at: number; after: number }[] = [];
  for (let n = 1; ; n++) {
    const re = new RegExp(`(?:^|[。;!?\\s])\\s*(${chineseOrdinal(n)}是)[,:]?`, 'g');
    re.lastIndex = marks.length ? marks[marks.length - 1].after : 0;
    const m = re.exec(content);
    if (!m) break;
    marks.push({ at: m.index + m[0].indexOf(m[1]), after: m.index + m[0].length });
  }
  return marks.map((mark, i) => ({ start: mark.after, end: i + 1 < marks.length ? marks[i + 1].at : content.length }));
}

/**
 * The lead phrase: up to the first full stop, e.g. 全面系统学习. Some measures run on with
 * commas instead (以重大项目全生命周期管理服务专班为抓手,加快推进…): then up to the first comma.
 */
const MAX_TITLE = 30;
function leadPhrase(text: string): string {
  const cut = (stops: RegExp) => {
    const at = text.search(stops);
    return (at >= 0 ? text.slice(0, at) : text).trim();
  };
  const sentence = cut(/[。;;.．]/);
  return sentence.length <= MAX_TITLE ? sentence : cut(/[。;;.．,,]/);
}

function findFeedbackDate(text: string): IsoDate | undefined {
  const m = /于(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日[^。]{0,6}?反馈/.exec(text);
  if (!m) return undefined;
  const year = m[1] ?? /(\d{4})年/.exec(text.slice(0, m.index))?.[1];
  if (!year) return undefined;
  const day = epochDay(`${year}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`);
  return day === undefined ? undefined : fromEpochDay(day);
}

/**
 * Joins wrapped lines. A line break is kept only before a numbered heading or a section
 * heading; elsewhere it (and the blanks around it) goes. `origin[i]` is the index in the
 * input of text[i], so that measure texts can be cut from the original as published.
 */
function joinWrappedLines(folded: string): { text: string; origin: number[] } {
  const keepBreakBefore = /^\s*(?:\d+\s*[.、．]\s*关于|[一二三四五六七八九十]+、|(?:整改情况|问题整改|整改进展)\s*:)/;
  let text = '';
  const origin: number[] = [];
  let offset = 0;
  folded.split('\n').forEach((line, i) => {
    const keepBreak = i > 0 && keepBreakBefore.test(line);
    let k = 0;
    if (keepBreak) {
      text += '\n';
      origin.push(offset - 1);
    } else if (i > 0) {
      while (/[ \t]$/.test(text)) {
        text = text.slice(0, -1);
        origin.pop();
      }
      while (k < line.length && /[ \t]/.test(line[k])) k++;
    }
    for (; k < line.length; k++) {
      text += line[k];
      origin.push(offset + k);
    }
    offset += line.length + 1;
  });
  return { text, origin };
}
