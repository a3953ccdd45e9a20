/**
 * What people read about a measure, one function each, for the CLI, the web, the report and the
 * ledger alike: its deadline (as written, and the day it falls due where that differs) and its
 * latest word (a closed measure's is its completion, a relapsed one's its relapse; links never
 * glued into a sentence). Pure.
 */
import { localDate, plainDateZh, type IsoDate } from './dates';
import type { MeasureKind } from './plan/schema';
import type { MeasureRecord, Standing } from './record';
import { noteWords } from './notes';
import { MEASURE_KIND_LABELS } from './vocabulary';
import { officialText } from './typography';

/** The local day an instant (ISO or ms) falls on, or undefined. */
export function dueDateOf(dueAt: string | number | undefined, zone: string): IsoDate | undefined {
  if (dueAt === undefined) return undefined;
  const ms = typeof dueAt === 'number' ? dueAt : Date.parse(dueAt);
  return Number.isNaN(ms) ? undefined : localDate(ms, zone);
}

/**
 * 2024年3月29日; a deadline on a day off with the day it falls due: 2024年6月30日（逢休息日，
 * 2024年6月28日到期）; 长期坚持 for a long-term measure; — for none.
 */
export function deadlineWords(deadline: IsoDate | undefined, dueDate?: IsoDate, kind?: MeasureKind): string {
  if (kind === 'longterm') return MEASURE_KIND_LABELS.longterm;
  if (!deadline) return '—';
  const written = plainDateZh(deadline);
  return dueDate && dueDate !== deadline ? `${written}（逢休息日，${plainDateZh(dueDate)}到期）` : written;
}

export type LatestWordKind = 'progress' | 'submitted' | 'closed' | 'rejected' | 'relapsed';

export interface LatestWord {
  kind: LatestWordKind;
  /** The day it was said (the verification's for a closed measure). */
  date: IsoDate;
  /** Prose in official form, ending with a full stop; no URL in it. */
  text: string;
  /** Links the unit gave, shown apart from the sentence. */
  links: string[];
  by: string;
}

/** Sentences joined, each ending with one full stop. */
export function sentences(parts: (string | false | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p && !!p.trim())
    .map((p) => p.trim().replace(/[。；;，,：:、\s]+$/, ''))
    .map((p) => (/[！？…]$/.test(p) ? p : `${p}。`))
    .join('');
}

/** What a list of evidence items says: files by name, texts as given, links apart. */
export function evidenceWords(items: string[]): { text: string; links: string[] } {
  const parts = items.map(noteWords);
  return {
    text: parts
      .map((p) => p.text.replace(/[。；]$/, ''))
      .filter(Boolean)
      .join('、'),
    links: parts.flatMap((p) => p.links),
  };
}

/**
 * The latest word on a measure as it stood (`s`, from `standing`): a closed measure's completion
 * (the unit's note, the evidence named, verified on which date and by whom); a submitted one's
 * submission; a relapse, a sending back or a progress note, whichever came last.
 */
export function latestWord(r: MeasureRecord, s: Standing): LatestWord | undefined {
  const zone = r.timeZone;
  const day = (iso: string) => localDate(Date.parse(iso), zone);
  const { submission: sub, verification: ver, latestNote: note } = s;
  const relapse = s.relapses.at(-1);
  const submitted = (lead: string, extra: (string | false | undefined)[]) => {
    const n = sub?.note ? noteWords(sub.note) : undefined;
    const ev = evidenceWords(sub?.evidence ?? []);
    return {
      text: sentences([`${lead}${n?.text ? `：${n.text.replace(/。$/, '')}` : ''}`, !!ev.text && `佐证材料：${ev.text}`, ...extra]),
      links: [...(n?.links ?? []), ...ev.links],
    };
  };
  if (s.status === 'closed' && ver?.accept) {
    const closedOn = plainDateZh(day(ver.at));
    const words = submitted(sub ? `${plainDateZh(day(sub.at))}提交整改完成` : '整改完成', [
      `${closedOn}经${ver.by}核验通过，予以销号`,
      !!ver.reason && `核验意见：${noteWords(ver.reason).text}`,
    ]);
    return { kind: 'closed', date: day(ver.at), ...words, by: ver.by };
  }
  if (s.status === 'submitted' && sub) {
    return { kind: 'submitted', date: day(sub.at), ...submitted('提交整改完成', ['待巡察办核验']), by: sub.by };
  }
  const candidates: { at: string; word: () => LatestWord }[] = [];
  if (note) {
    candidates.push({
      at: note.at,
      word: () => {
        const n = noteWords(note.text);
        return { kind: 'progress', date: day(note.at), text: sentences([n.text]), links: n.links, by: note.by };
      },
    });
  }
  if (ver && !ver.accept) {
    candidates.push({
      at: ver.at,
      word: () => {
        const reason = ver.reason ? noteWords(ver.reason) : undefined;
        return {
          kind: 'rejected',
          date: day(ver.at),
          text: sentences([
            `经${ver.by}核验退回${reason?.text ? `，理由：${reason.text.replace(/。$/, '')}` : ''}`,
            '请继续整改后重新提交',
          ]),
          links: reason?.links ?? [],
          by: ver.by,
        };
      },
    });
  }
  if (relapse) {
    candidates.push({
      at: relapse.at,
      word: () => {
        const notes = relapse.notes ? noteWords(relapse.notes) : undefined;
        return {
          kind: 'relapsed',
          date: day(relapse.at),
          text: sentences([
            `第${relapse.round}次回头看发现反弹回潮，重新整改${relapse.newDeadline ? `，整改时限调整为${plainDateZh(relapse.newDeadline)}` : ''}`,
            !!notes?.text && `核查说明：${notes.text}`,
          ]),
          links: notes?.links ?? [],
          by: relapse.by ?? '巡察办',
        };
      },
    });
  }
  const last = candidates.sort((a, b) => a.at.localeCompare(b.at)).at(-1);
  return last?.word();
}

/** 最新进展（2026年12月6日）：…: the latest word as one line of prose (its links go apart: `linksLine`). */
export function latestWordLine(w: LatestWord | undefined, none = '尚未报送进展。'): string {
  return w ? `${LATEST_WORD_LABEL}（${plainDateZh(w.date)}）：${w.text}` : none;
}

/** 链接：https://… https://…: a word's links on a line of their own, never inside a sentence. */
export function linksLine(links: string[]): string {
  return links.length ? `链接：${links.join(' ')}` : '';
}

/** The heading every surface gives the latest word. */
export const LATEST_WORD_LABEL = '最新进展';

/** A measure as every surface names it (mail, calendar, CLI, web, plan apply): 措施2.2“全力稳定外资”. */
export function measureName(id: string, title: string): string {
  return `措施${id}“${officialText(title)}”`;
}

/** The ids of the measures `measureName` named in a text (for readers of what was sent: the benchmarks). */
export function namedMeasureIds(text: string): string[] {
  return [...text.matchAll(/措施(\d+(?:\.\d+)*)“/g)].map((m) => m[1]);
}
