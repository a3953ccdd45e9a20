/**
 * The live ledger (台账) as offices print and keep it: one row per measure as it stands (or stood
 * on a past date), in the columns offices use, with the deadline cell written so that
 * `plan import-ledger` reads the same measure back (a phased measure's stages in one cell). The
 * columns are defined once here for the spreadsheet, the CSV and the dashboard's download. Pure.
 */
import type { WorkCalendar } from '../calendar';
import { localDate, plainDateZh, type IsoDate } from '../dates';
import { deadlineWords, dueDateOf, latestWord } from '../measure-words';
import type { MeasureSpec, TrafficLight } from '../measure';
import { standing, type MeasureRecord } from '../record';
import { officialText } from '../typography';
import { DESK_LIGHT_LABELS, LOOKBACK_STATUS_LABELS, MEASURE_KIND_LABELS, STATUS_LABELS } from '../vocabulary';

/** What the record does not carry and the ledger shows: the measure's text, participants, stages. */
export type LedgerSpec = Pick<MeasureSpec, 'text' | 'participants' | 'milestones' | 'kind'>;

export interface ExportRow {
  id: string;
  problemNo: number;
  problem: string;
  title: string;
  text: string;
  kindLabel: string;
  leader: string;
  leadUnit: string;
  participants: string;
  /** The deadline cell: the date (and a phased measure's stages before it), or 长期坚持; dates in Chinese. */
  deadlineCell: string;
  /** The deadline the plan first set, when extensions have moved it. */
  originalDeadline: string;
  statusLabel: string;
  /** The light's key for the cell's colour; undefined when a past day's light is not on record. */
  light?: TrafficLight | 'closed';
  lightLabel: string;
  /** Working days left (negative: overdue), while open. */
  workdaysLeft: number | '';
  note: string;
  noteDate: string;
  extensions: string;
  lookback: string;
}

export const EXPORT_COLUMNS: { title: string; width: number; wrap?: boolean; value: (r: ExportRow) => string | number }[] = [
  { title: '编号', width: 7, value: (r) => r.id },
  { title: '问题', width: 24, wrap: true, value: (r) => r.problem },
  { title: '措施名称', width: 16, wrap: true, value: (r) => r.title },
  { title: '整改措施', width: 48, wrap: true, value: (r) => r.text },
  { title: '类型', width: 10, value: (r) => r.kindLabel },
  { title: '负责区领导', width: 16, wrap: true, value: (r) => r.leader },
  { title: '牵头单位', width: 14, wrap: true, value: (r) => r.leadUnit },
  { title: '参与单位', width: 16, wrap: true, value: (r) => r.participants },
  { title: '整改时限', width: 18, wrap: true, value: (r) => r.deadlineCell },
  { title: '原定时限', width: 12, value: (r) => r.originalDeadline },
  { title: '状态', width: 10, value: (r) => r.statusLabel },
  { title: '红黄绿灯', width: 8, value: (r) => r.lightLabel },
  { title: '剩余/逾期工作日', width: 9, value: (r) => r.workdaysLeft },
  { title: '最新进展', width: 40, wrap: true, value: (r) => r.note },
  { title: '进展日期', width: 12, value: (r) => r.noteDate },
  { title: '延期', width: 18, wrap: true, value: (r) => r.extensions },
  { title: '回头看', width: 10, value: (r) => r.lookback },
];

/**
 * A phased measure's stages and deadline in one cell, as the importer reads them back:
 * `2024年3月31日前完成摸排；2024年12月31日`, the deadline with the day it falls due where that
 * differs (deadlineWords).
 */
function deadlineCell(
  spec: LedgerSpec | undefined,
  deadline: IsoDate | undefined,
  dueDate: IsoDate | undefined,
  kind: MeasureRecord['kind'],
): string {
  if (kind === 'longterm' || !deadline) return MEASURE_KIND_LABELS.longterm;
  const stages = kind === 'phased' ? (spec?.milestones ?? []) : [];
  return [...stages.map((m) => `${plainDateZh(m.deadline)}前${m.title}`), deadlineWords(deadline, dueDate, kind)].join('；');
}

/**
 * A row per measure as it stood at `at` (now, or the end of a past day): status, deadline, notes,
 * extensions and look-backs from the record's history. The light is the workflow's own today;
 * for a past day only red (overdue) and 已销号 are known.
 */
export function exportRow(r: MeasureRecord, spec: LedgerSpec | undefined, at: number, today: boolean, calendar: WorkCalendar): ExportRow {
  const s = standing(r, at);
  const day = localDate(at, r.timeZone);
  const open = s.status !== 'closed' && r.kind !== 'longterm' && !!s.deadline;
  const left = open ? calendar.workdaysBetween(day, s.deadline!) : undefined;
  const light: ExportRow['light'] = s.status === 'closed' ? 'closed' : today ? r.light : s.overdue ? 'red' : undefined;
  const lastExtension = s.extensions[s.extensions.length - 1];
  const latestReview = [...s.lookbacks].reverse().find((l) => l.outcomeKnown) ?? s.lookbacks[s.lookbacks.length - 1];
  const first = r.deadlines[0]?.deadline;
  const latest = latestWord(r, s);
  return {
    id: r.id,
    problemNo: r.problem.no,
    problem: `${r.problem.no}. ${officialText(r.problem.title)}`,
    title: officialText(r.title),
    text: officialText(spec?.text ?? r.title),
    kindLabel: MEASURE_KIND_LABELS[r.kind],
    leader: r.leader,
    leadUnit: r.leadUnit,
    participants: (spec?.participants ?? r.participants).join('、'),
    deadlineCell: deadlineCell(spec, s.deadline, dueDateOf(s.dueAt, r.timeZone), r.kind),
    originalDeadline: first && first !== s.deadline ? plainDateZh(first) : '',
    statusLabel: STATUS_LABELS[s.status],
    light,
    lightLabel: light ? DESK_LIGHT_LABELS[light] : '—',
    workdaysLeft: left ?? '',
    note: latest ? [latest.text, ...latest.links].join('\n') : '',
    noteDate: latest ? plainDateZh(latest.date) : '',
    extensions: s.extensions.length
      ? `${s.extensions.length}次${lastExtension?.reason ? `；${officialText(lastExtension.reason)}` : ''}`
      : '',
    lookback: latestReview
      ? latestReview.outcomeKnown && latestReview.outcome
        ? LOOKBACK_STATUS_LABELS[latestReview.outcome]
        : LOOKBACK_STATUS_LABELS['in-review']
      : '',
  };
}

/** Rows in the ledger's order: by problem, then measure. */
export function exportRows(
  records: MeasureRecord[],
  specs: Map<string, LedgerSpec>,
  at: number,
  today: boolean,
  calendar: WorkCalendar,
): ExportRow[] {
  return records
    .filter((r) => standing(r, at).tracked)
    .map((r) => exportRow(r, specs.get(r.workflowId), at, today, calendar))
    .sort((a, b) => a.problemNo - b.problemNo || a.id.localeCompare(b.id, 'en', { numeric: true }));
}
