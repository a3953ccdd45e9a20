/**
 * The inspection office's ledger (台账): one row per measure, Chinese column headers in any
 * order. Pure: cells in (already read from .xlsx or .csv), a plan out, every problem located
 * by file, row and column.
 */
import { addDays, fromEpochDay, epochDay, type IsoDate } from './dates';
import type { Directory, MeasureInput, PlanInput } from './plan/schema';
import type { PlanIssue } from './plan/load';

export type Cell = string | number | Date | null | undefined;

type Field =
  | 'id'
  | 'problem'
  | 'title'
  | 'text'
  | 'kind'
  | 'leader'
  | 'leaderEmail'
  | 'leadUnit'
  | 'participants'
  | 'deadline'
  | 'milestones'
  | 'cadence'
  | 'email';

/** Accepted headers per field (after removing blanks and marks like * or (必填)). */
const HEADERS: Record<Field, string[]> = {
  id: ['编号', '措施编号', '序号'],
  problem: ['问题', '反馈问题', '存在问题', '问题序号', '问题编号', '问题名称'],
  title: ['措施名称', '措施标题', '标题'],
  text: ['整改措施', '具体措施', '整改举措', '措施内容'],
  kind: ['类型', '整改类型', '措施类型'],
  leader: ['负责区领导', '责任区领导', '负责领导'],
  leaderEmail: ['负责区领导邮箱', '区领导邮箱', '领导邮箱'],
  leadUnit: ['牵头单位', '责任单位'],
  participants: ['参与单位', '配合单位', '协同单位'],
  deadline: ['整改时限', '完成时限', '时限'],
  milestones: ['阶段节点', '阶段目标', '里程碑', '节点安排'],
  cadence: ['报送周期', '报告周期'],
  email: ['联系邮箱', '牵头单位邮箱', '邮箱'],
};
const REQUIRED: Field[] = ['problem', 'text', 'leader', 'leadUnit', 'deadline'];

const KIND_WORDS: [RegExp, MeasureInput['kind']][] = [
  [/立行立改|即知即改|立即整改|immediate/i, 'immediate'],
  [/分阶段|阶段性|phased/i, 'phased'],
  [/长期坚持|长期|常态化|持续推进|longterm/i, 'longterm'],
  [/限期|deadline/i, 'deadline'],
];
const CADENCE_WORDS: [RegExp, 'monthly' | 'quarterly' | 'semiannual' | 'annual'][] = [
  [/月|monthly/i, 'monthly'],
  [/季|quarterly/i, 'quarterly'],
  [/半年|semiannual/i, 'semiannual'],
  [/年|annual/i, 'annual'],
];

export interface LedgerOptions {
  file: string;
  id: string;
  title: string;
  feedbackDate: string;
  timeZone?: string;
  office: { name: string; emails: string[] };
  leadershipGroup: { name: string; emails: string[] };
}

export interface LedgerResult {
  plan?: PlanInput;
  issues: PlanIssue[];
  /** Spreadsheet row of each measure, to locate later validation findings. */
  rowOfMeasure: number[];
  /** The header text of each plan field found, to name columns in messages. */
  columnOf: Partial<Record<string, string>>;
}

const clean = (header: Cell) => String(header ?? '').replace(/[\s*＊]|[（(][^)）]*[)）]/g, '');
const text = (cell: Cell) => (cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell ?? '')).trim();
const splitList = (cell: Cell) =>
  text(cell)
    .split(/[、,，;；\s/]+/)
    .filter(Boolean);

/** `rows[0]` is the header row; `firstRow` is its number in the sheet (1 for a CSV). */
export function ledgerToPlan(rows: Cell[][], options: LedgerOptions, firstRow = 1): LedgerResult {
  const issues: PlanIssue[] = [];
  const file = options.file;
  const issue = (row: number | undefined, field: string, message: string) => issues.push({ file, row, field, message, severity: 'error' });

  const header = rows[0] ?? [];
  const column = new Map<Field, number>();
  const columnOf: Record<string, string> = {};
  header.forEach((h, i) => {
    const name = clean(h);
    for (const [field, names] of Object.entries(HEADERS) as [Field, string[]][]) {
      if (names.includes(name) && !column.has(field)) {
        column.set(field, i);
        columnOf[field === 'email' ? 'leadUnit' : field] = text(h);
      }
    }
  });
  for (const field of REQUIRED) {
    if (!column.has(field)) issue(firstRow, '表头', `缺少“${HEADERS[field][0]}”列(可用表头: ${HEADERS[field].join('、')})`);
  }
  if (issues.length) return { issues, rowOfMeasure: [], columnOf };

  const get = (row: Cell[], field: Field): Cell => (column.has(field) ? row[column.get(field)!] : undefined);
  const problems = new Map<number, string>();
  const problemNoByTitle = new Map<string, number>();
  const unitEmails = new Map<string, Set<string>>();
  const leaderEmails = new Map<string, string>();
  const measures: MeasureInput[] = [];
  const rowOfMeasure: number[] = [];
  const countInProblem = new Map<number, number>();

  rows.slice(1).forEach((row, k) => {
    const rowNo = firstRow + 1 + k;
    if (row.every((c) => text(c) === '')) return;
    const col = (field: Field) => columnOf[field] ?? HEADERS[field][0];

    const problemCell = text(get(row, 'problem'));
    const problem = parseProblem(problemCell);
    let problemNo = problem?.no ?? (problem ? problemNoByTitle.get(problem.title) : undefined);
    if (!problem) return issue(rowNo, col('problem'), '问题为空');
    if (problemNo === undefined) problemNo = problems.size ? Math.max(...problems.keys()) + 1 : 1;
    if (problem.title) {
      if (!problems.get(problemNo)) problems.set(problemNo, problem.title);
      problemNoByTitle.set(problem.title, problemNo);
    } else if (!problems.has(problemNo)) problems.set(problemNo, '');

    const measureText = text(get(row, 'text'));
    const idCell = text(get(row, 'id'));
    const position = (countInProblem.get(problemNo) ?? 0) + 1;
    countInProblem.set(problemNo, position);
    const id = /^\d+\.\d+$/.test(idCell) ? idCell : `${problemNo}.${position}`;

    const deadlineCell = get(row, 'deadline');
    const kindCell = text(get(row, 'kind'));
    // An empty 类型 is inferred from 整改时限 (立行立改, 长期坚持, or a date); a filled one must be understood.
    const kind = kindCell ? kindOf(kindCell) : (kindOf(text(deadlineCell)) ?? (parseDates(deadlineCell).length ? 'deadline' : undefined));
    if (!kind)
      issue(rowNo, col('kind'), kindCell ? `无法识别的整改类型: ${kindCell}` : '缺少整改类型(立行立改/限期整改/分阶段整改/长期坚持)');

    const dates = parseDates(deadlineCell);
    if (text(deadlineCell) && !dates.length && kind !== 'longterm' && kind !== undefined) {
      issue(rowNo, col('deadline'), `无法识别的日期: ${text(deadlineCell)}(可写 2024-03-31、2024年3月31日、2024年3月底、2024年底)`);
    }
    const milestoneCell = get(row, 'milestones');
    let milestones = parseMilestones(text(milestoneCell));
    if (text(milestoneCell) && !milestones.length)
      issue(rowNo, col('milestones'), `无法识别的阶段节点: ${text(milestoneCell)}(每个节点写成“日期 内容”,用分号分隔)`);
    // A phased measure may put its stages in the deadline cell: every date but the last is a milestone.
    if (kind === 'phased' && !milestones.length && dates.length > 1) {
      milestones = dates.slice(0, -1).map((d, i) => ({ title: `第${i + 1}阶段`, deadline: d.date }));
    }
    const cadenceCell = text(get(row, 'cadence'));
    const cadence = cadenceCell ? CADENCE_WORDS.find(([re]) => re.test(cadenceCell))?.[1] : undefined;
    if (cadenceCell && !cadence) issue(rowNo, col('cadence'), `无法识别的报送周期: ${cadenceCell}`);

    const leadUnit = text(get(row, 'leadUnit'));
    const participants = splitList(get(row, 'participants')).filter((p) => p !== leadUnit);
    const leader = text(get(row, 'leader'));
    for (const unit of [leadUnit, ...participants]) if (unit && !unitEmails.has(unit)) unitEmails.set(unit, new Set());
    for (const e of splitList(get(row, 'email'))) unitEmails.get(leadUnit)?.add(e);
    const leaderEmail = text(get(row, 'leaderEmail'));
    if (leader && leaderEmail) {
      const known = leaderEmails.get(leader);
      if (known && known !== leaderEmail) issue(rowNo, col('leaderEmail'), `${leader} 的邮箱与前面的行不一致: ${leaderEmail} ≠ ${known}`);
      leaderEmails.set(leader, leaderEmail);
    }

    const measure: MeasureInput = {
      id,
      problem: problemNo,
      title: text(get(row, 'title')) || leadPhraseOf(measureText),
      text: measureText,
      kind: kind ?? ('' as MeasureInput['kind']),
      leader,
      leadUnit,
      participants,
      ...(dates.length ? { deadline: dates[dates.length - 1].date } : {}),
      ...(milestones.length ? { milestones } : {}),
      ...(cadence ? { cadence } : {}),
    };
    measures.push(measure);
    rowOfMeasure.push(rowNo);
  });

  const leaders = [...new Set(measures.map((m) => m.leader).filter(Boolean))];
  for (const role of leaders) {
    if (!leaderEmails.has(role)) {
      issue(
        rowOfMeasure[measures.findIndex((m) => m.leader === role)],
        columnOf.leaderEmail ?? '负责区领导邮箱',
        `缺少负责区领导的邮箱: ${role}`,
      );
    }
  }
  const directory: Directory = {
    units: [...unitEmails].map(([name, emails]) => ({ name, emails: [...emails] })),
    leaders: [...leaderEmails].map(([role, email]) => ({ role, email })),
    office: options.office,
    leadershipGroup: options.leadershipGroup,
  };
  const plan: PlanInput = {
    id: options.id,
    title: options.title,
    feedbackDate: options.feedbackDate,
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    directory,
    problems: [...problems].sort((a, b) => a[0] - b[0]).map(([no, title]) => ({ no, title: title || `问题${no}` })),
    measures,
  };
  return { plan, issues, rowOfMeasure, columnOf };
}

function kindOf(cell: string): MeasureInput['kind'] | undefined {
  return cell ? KIND_WORDS.find(([re]) => re.test(cell))?.[1] : undefined;
}

/** "2", "问题2", "2. 争先进位…", "关于“…”问题", or a bare title. */
function parseProblem(cell: string): { no?: number; title: string } | undefined {
  if (!cell) return undefined;
  const m = /^(?:问题)?\s*(\d+)\s*[.、．:：]?\s*(.*)$/.exec(cell);
  const rest = (m ? m[2] : cell).trim();
  const title = rest
    .replace(/^关于\s*[“"「『‘']?/, '')
    .replace(/[”"」』’']?\s*(?:问题)?(?:的整改)?\s*[。.]?$/, '')
    .trim();
  return { no: m ? Number(m[1]) : undefined, title };
}

function leadPhraseOf(text: string): string {
  const stop = text.search(/[。;；]/);
  const sentence = (stop >= 0 ? text.slice(0, stop) : text).replace(/^[一二三四五六七八九十]+是/, '').trim();
  return sentence.length <= 30 ? sentence : sentence.slice(0, sentence.search(/[,，]/) > 0 ? sentence.search(/[,，]/) : 30);
}

const pad = (n: string | number) => String(n).padStart(2, '0');
function lastDayOfMonth(year: number, month: number): IsoDate {
  return addDays(`${month === 12 ? year + 1 : year}-${pad(month === 12 ? 1 : month + 1)}-01`, -1);
}
function valid(iso: string): IsoDate | undefined {
  const day = epochDay(iso);
  return day === undefined ? undefined : fromEpochDay(day);
}

/** Every date written in a cell, in order, with where it was found. */
export function parseDates(cell: Cell): { date: IsoDate; index: number; end: number }[] {
  if (cell instanceof Date) return [{ date: cell.toISOString().slice(0, 10), index: 0, end: 0 }];
  const s = text(cell);
  const out: { date: IsoDate; index: number; end: number }[] = [];
  // 2024-06-30, 2024/6/30, 2024年6月30日, 2024年6月底, 2024年底, 2024年上半年, 2024年第三季度 …
  const numeric = String.raw`[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})`;
  const monthDay = String.raw`(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底|末|中旬|上旬|下旬))?`;
  const yearPart = '底|末|上半年|下半年|一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度';
  const re = new RegExp(String.raw`(\d{4})\s*(?:${numeric}|年\s*(?:${monthDay}|(${yearPart})))`, 'g');
  for (let m; (m = re.exec(s));) {
    const year = Number(m[1]);
    let iso: IsoDate | undefined;
    if (m[2]) iso = valid(`${year}-${pad(m[2])}-${pad(m[3])}`);
    else if (m[4] && m[5]) iso = valid(`${year}-${pad(m[4])}-${pad(m[5])}`);
    else if (m[4]) {
      const month = Number(m[4]);
      if (month >= 1 && month <= 12) {
        iso = m[6] === '上旬' ? `${year}-${pad(month)}-10` : m[6] === '中旬' ? `${year}-${pad(month)}-20` : lastDayOfMonth(year, month);
      }
    } else if (m[7]) {
      const quarterEnd: Record<string, number> = { 一季度: 3, 二季度: 6, 三季度: 9, 四季度: 12, 上半年: 6, 下半年: 12, 底: 12, 末: 12 };
      iso = lastDayOfMonth(year, quarterEnd[m[7].replace(/^第/, '')]);
    }
    if (iso) out.push({ date: iso, index: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** "2024-03-31 完成摸排;2024年6月底 完成整治" → milestones; text after each date up to the next is its title. */
function parseMilestones(cell: string): { title: string; deadline: IsoDate }[] {
  const dates = parseDates(cell);
  return dates.map((d, i) => {
    const title = cell
      .slice(d.end, i + 1 < dates.length ? dates[i + 1].index : cell.length)
      .replace(/^\s*前?\s*[:：,，]?\s*/, '')
      .replace(/[;；,，。\s]+$/, '')
      .trim();
    return { title: title || `第${i + 1}阶段`, deadline: d.date };
  });
}
