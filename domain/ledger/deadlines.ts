/**
 * What a ledger's time cells say: a measure's kind in words (立行立改, 限期, 分阶段, 长期坚持),
 * its report cadence (按季度 …), and its deadline as offices write it: dates in any of their
 * forms (2024-06-30, 2024年6月底, 2024年一季度, 12月底前 without a year …), and several dated
 * stages in one cell (the last the deadline, the others milestones with their words as titles).
 */
import { addDays, fromEpochDay, epochDay, type IsoDate } from '../dates';
import type { MeasureInput } from '../plan/schema';
import { isDay, text, type Cell } from './columns';

const KIND_WORDS: [RegExp, MeasureInput['kind']][] = [
  [/立行立改|即知即改|立即整改|immediate/i, 'immediate'],
  [/分阶段|阶段性|phased/i, 'phased'],
  [/长期坚持|常态长效|长期|常态化|持续推进|longterm/i, 'longterm'],
  [/限期|deadline/i, 'deadline'],
];
export const CADENCE_WORDS: [RegExp, 'monthly' | 'quarterly' | 'semiannual' | 'annual'][] = [
  [/月|monthly/i, 'monthly'],
  [/季|quarterly/i, 'quarterly'],
  [/半年|semiannual/i, 'semiannual'],
  [/年|annual/i, 'annual'],
];

export function kindOf(cell: string): MeasureInput['kind'] | undefined {
  return cell ? KIND_WORDS.find(([re]) => re.test(cell))?.[1] : undefined;
}

const pad = (n: string | number) => String(n).padStart(2, '0');
function lastDayOfMonth(year: number, month: number): IsoDate {
  return addDays(`${month === 12 ? year + 1 : year}-${pad(month === 12 ? 1 : month + 1)}-01`, -1);
}
function valid(iso: string): IsoDate | undefined {
  const day = epochDay(iso);
  return day === undefined ? undefined : fromEpochDay(day);
}

/**
 * Every date written in a cell, in order, with where it was found: 2024-06-30, 2024/6/30,
 * 2024年6月30日, 2024年6月底, 2024年底, 2024年上半年, 2024年一季度 … and, given the feedback
 * date, dates without a year (12月底前, 6月30日): the first such day on or after it.
 */
export function parseDates(cell: Cell, feedbackDate?: IsoDate): { date: IsoDate; index: number; end: number }[] {
  if (isDay(cell)) return [{ date: cell.toISOString().slice(0, 10), index: 0, end: 0 }];
  // Full-width digits and slashes as typed on Chinese keyboards.
  const s = text(cell)
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0F/g, '/');
  const out: { date: IsoDate; index: number; end: number }[] = [];
  const numeric = String.raw`[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})`;
  const monthDay = String.raw`(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|(底|末|中旬|上旬|下旬))?`;
  const yearPart = '年底|年末|底|末|上半年|下半年|一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度';
  const re = new RegExp(String.raw`(\d{4})\s*(?:${numeric}|年\s*(?:${monthDay}|(${yearPart})))`, 'g');
  const monthEnd = (year: number, month: number, part?: string): IsoDate | undefined =>
    month >= 1 && month <= 12
      ? part === '上旬'
        ? `${year}-${pad(month)}-10`
        : part === '中旬'
          ? `${year}-${pad(month)}-20`
          : lastDayOfMonth(year, month)
      : undefined;
  for (let m; (m = re.exec(s));) {
    const year = Number(m[1]);
    let iso: IsoDate | undefined;
    if (m[2]) iso = valid(`${year}-${pad(m[2])}-${pad(m[3])}`);
    else if (m[4] && m[5]) iso = valid(`${year}-${pad(m[4])}-${pad(m[5])}`);
    else if (m[4]) iso = monthEnd(year, Number(m[4]), m[6]);
    else if (m[7]) {
      const quarterEnd: Record<string, number> = {
        一季度: 3,
        二季度: 6,
        三季度: 9,
        四季度: 12,
        上半年: 6,
        下半年: 12,
        底: 12,
        末: 12,
        年底: 12,
        年末: 12,
      };
      iso = lastDayOfMonth(year, quarterEnd[m[7].replace(/^第/, '')]);
    }
    if (iso) out.push({ date: iso, index: m.index, end: m.index + m[0].length });
  }
  if (feedbackDate) {
    // Months without a year, where no year-qualified date stands: the next such day from the feedback date.
    const rest = s.replace(re, (x) => ' '.repeat(x.length));
    const bare = new RegExp(String.raw`(?<![\d年])${monthDay}`, 'g');
    for (let m; (m = bare.exec(rest));) {
      const month = Number(m[1]);
      const year = Number(feedbackDate.slice(0, 4));
      const on = (y: number) => (m![2] ? valid(`${y}-${pad(month)}-${pad(m![2])}`) : monthEnd(y, month, m![3]));
      const first = on(year);
      const iso = first && first >= feedbackDate ? first : on(year + 1);
      if (iso) out.push({ date: iso, index: m.index, end: m.index + m[0].length });
    }
    out.sort((a, b) => a.index - b.index);
  }
  return out;
}

/** "2024-03-31 完成摸排;2024年6月底 完成整治" → milestones; the words around each date are its title. */
export function parseMilestones(cell: string, feedbackDate?: IsoDate): { title: string; deadline: IsoDate }[] {
  return stages(cell, feedbackDate).map((st, i) => ({ title: st.words || `第${i + 1}阶段`, deadline: st.date }));
}

/** A cell's dated stages: split at ; or line breaks, each stage's date and its words (the date and 前 removed). */
function stages(cell: string, feedbackDate?: IsoDate): { date: IsoDate; words: string }[] {
  const out: { date: IsoDate; words: string }[] = [];
  for (const part of cell.split(/[;；\n]+/)) {
    // A stage without a year follows the one before it (2025年3月底前…;6月底前… is 2025-06-30).
    const dates = parseDates(part, out.at(-1)?.date ?? feedbackDate);
    dates.forEach((d, i) => {
      const words = part
        .slice(i === 0 ? 0 : d.index, i + 1 < dates.length ? dates[i + 1].index : part.length)
        .replace(part.slice(d.index, d.end), '')
        .replace(/^\s*(?:之?前|以前)?\s*[:：,，、]?\s*/, '')
        .replace(/[;；,，。、\s]+$/, '')
        .trim();
      out.push({ date: d.date, words });
    });
  }
  return out;
}

/**
 * What a deadline cell says: a date (限期); 立行立改 with no date (its deadline counted later);
 * 长期坚持 and its synonyms; several dated stages (分阶段: the last is the deadline, the others
 * milestones with their words as titles); or a problem naming the text it could not read.
 */
/** （逢休息日，2024年6月28日到期）: what deadlineWords adds to a date on a day off. */
const DUE_NOTE = /[（(]逢休息日[，,][^）)]*到期[）)]/g;

export function readDeadline(
  cell: Cell,
  feedbackDate: IsoDate,
): { kind?: MeasureInput['kind']; deadline?: IsoDate; milestones: { title: string; deadline: IsoDate }[] } | { problem: string } {
  if (isDay(cell)) return { kind: 'deadline', deadline: cell.toISOString().slice(0, 10), milestones: [] };
  // The day a deadline on a day off falls due, as the live ledger writes it beside the date (deadlineWords), is no stage.
  const s = text(cell).replace(DUE_NOTE, '');
  if (!s) return { milestones: [] };
  const found = stages(s, feedbackDate);
  const worded = kindOf(s);
  if (!found.length) {
    if (worded === 'immediate' || worded === 'longterm') return { kind: worded, milestones: [] };
    return {
      problem: `无法识别的时限：${s}（可写2024-03-31、2024年3月31日、2024年3月底前、2024年一季度、2024年上半年、2024年底前、12月底前、立行立改、长期坚持，或用分号分隔的多个阶段）`,
    };
  }
  const last = found[found.length - 1];
  if (found.length === 1) return { kind: worded ?? 'deadline', deadline: last.date, milestones: [] };
  const milestones = found.slice(0, -1).map((st, i) => ({ title: st.words || `第${i + 1}阶段`, deadline: st.date }));
  return { kind: worded === 'longterm' ? 'longterm' : 'phased', deadline: last.date, milestones };
}
