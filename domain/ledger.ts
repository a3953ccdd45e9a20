/**
 * The inspection office's ledger (台账) as offices keep it: one row per measure, Chinese column
 * headers in any order and in the words offices use (责任领导, 责任部门, 完成时限 …), a problem's
 * cell merged or left blank over its measures, problems numbered 一、/(一)/1./问题1:, deadlines
 * in words (立行立改, 长期坚持, 2024年一季度, 12月底前, several dated stages in one cell). Emails
 * come from the plan's own directory file (or, in older ledgers, from email columns). Pure: cells
 * in (already read from .xlsx or .csv), a plan out, every problem located by file, row and column.
 */
import { CalendarYearUnavailableError, type WorkCalendar } from './calendar';
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
  | 'email'
  | 'progress';

/** Accepted headers per field (after removing blanks and marks like * or (必填)). */
const HEADERS: Record<Field, string[]> = {
  id: ['编号', '措施编号', '序号'],
  problem: ['问题', '反馈问题', '存在问题', '问题序号', '问题编号', '问题名称', '问题清单'],
  title: ['措施名称', '措施标题', '标题'],
  text: ['整改措施', '具体措施', '整改举措', '措施内容'],
  kind: ['类型', '整改类型', '措施类型'],
  leader: ['负责区领导', '责任区领导', '负责领导', '责任领导', '牵头领导', '分管领导', '牵头区领导', '分管区领导'],
  leaderEmail: ['负责区领导邮箱', '区领导邮箱', '领导邮箱'],
  leadUnit: ['牵头单位', '责任单位', '责任部门', '牵头部门'],
  participants: ['参与单位', '配合单位', '协同单位', '配合部门', '协办单位', '参与部门'],
  deadline: ['整改时限', '完成时限', '时限', '时间节点', '完成时间', '整改时间'],
  milestones: ['阶段节点', '阶段目标', '里程碑', '节点安排'],
  cadence: ['报送周期', '报告周期'],
  email: ['联系邮箱', '牵头单位邮箱', '邮箱'],
  progress: ['整改进展', '进展情况', '整改进展情况', '整改落实情况'],
};
/** Words that make a row a header: any accepted header of these fields. */
export const HEADER_WORDS = [...HEADERS.problem, ...HEADERS.text, ...HEADERS.leader, ...HEADERS.leadUnit, ...HEADERS.deadline];
const REQUIRED: Field[] = ['problem', 'text', 'leader', 'leadUnit', 'deadline'];

const KIND_WORDS: [RegExp, MeasureInput['kind']][] = [
  [/立行立改|即知即改|立即整改|immediate/i, 'immediate'],
  [/分阶段|阶段性|phased/i, 'phased'],
  [/长期坚持|常态长效|长期|常态化|持续推进|longterm/i, 'longterm'],
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
  /** The plan's directory from its own file: every unit and leader the ledger names must be in it. */
  directory?: Directory;
  /** Without a directory: the office and the leadership group (emails of units and leaders from their columns). */
  office?: { name: string; emails: string[] };
  leadershipGroup?: { name: string; emails: string[] };
  /** 立行立改 without a date: due this many working days after the feedback date (default 10). */
  immediateWorkdays?: number;
  /** Counts those working days (a year nobody has published is an error unless it counts provisionally). */
  calendar?: WorkCalendar;
}

export const DEFAULT_IMMEDIATE_WORKDAYS = 10;

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

/** Which column holds which field (the first header naming it), and the header's own words per field. */
function mapHeader(header: Cell[]): { column: Map<Field, number>; columnOf: Record<string, string> } {
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
  return { column, columnOf };
}

/** Every unit (lead or participating) and leader a ledger names, in order of appearance: for a directory template. */
export function ledgerNames(rows: Cell[][], file: string, firstRow = 1): { units: string[]; leaders: string[]; issues: PlanIssue[] } {
  const { column } = mapHeader(rows[0] ?? []);
  const issues: PlanIssue[] = [];
  for (const field of ['leadUnit', 'leader'] as const)
    if (!column.has(field))
      issues.push({
        file,
        row: firstRow,
        field: '表头',
        message: `缺少“${HEADERS[field][0]}”列(可用表头: ${HEADERS[field].join('、')})`,
        severity: 'error',
      });
  const units = new Set<string>();
  const leaders = new Set<string>();
  for (const row of rows.slice(1)) {
    const at = (f: Field) => (column.has(f) ? row[column.get(f)!] : undefined);
    const lead = text(at('leadUnit'));
    if (lead) units.add(lead);
    for (const p of splitList(at('participants'))) units.add(p);
    if (text(at('leader'))) leaders.add(text(at('leader')));
  }
  return { units: [...units], leaders: [...leaders], issues };
}

/** A directory skeleton for the office to fill: every unit and leader, emails blank (YAML, or JSON by the file's extension). */
export function directoryTemplate(names: { units: string[]; leaders: string[] }, file: string): string {
  if (/\.json$/i.test(file))
    return `${JSON.stringify(
      {
        directory: {
          units: names.units.map((name) => ({ name, emails: [] })),
          leaders: names.leaders.map((role) => ({ role, email: '' })),
          office: { name: '巡察办', emails: [] },
          leadershipGroup: { name: '巡视整改工作领导小组', emails: [] },
        },
      },
      null,
      2,
    )}\n`;
  const q = (v: string) => JSON.stringify(v);
  return [
    '# 名录: 台账中的全部单位和区领导。请填写邮箱: 每个牵头单位至少一个(参与单位可不填),每位区领导一个,',
    '# 巡察办和领导小组各至少一个;巡察办可加 phone 和 address(每封邮件中的联系方式)。',
    '# 然后: rectify plan import-ledger <台账> --directory <本文件> --out plan.yaml --id <计划编号> --feedback-date <反馈日期>',
    'directory:',
    '  units:',
    ...names.units.flatMap((n) => [`    - name: ${q(n)}`, '      emails: []']),
    '  leaders:',
    ...names.leaders.flatMap((r) => [`    - role: ${q(r)}`, "      email: ''"]),
    '  office:',
    '    name: 巡察办',
    '    emails: []',
    '  leadershipGroup:',
    '    name: 巡视整改工作领导小组',
    '    emails: []',
    '',
  ].join('\n');
}

/** `rows[0]` is the header row; `firstRow` is its number in the sheet (1 for a CSV). */
export function ledgerToPlan(rows: Cell[][], options: LedgerOptions, firstRow = 1): LedgerResult {
  const issues: PlanIssue[] = [];
  const file = options.file;
  const issue = (row: number | undefined, field: string, message: string) => issues.push({ file, row, field, message, severity: 'error' });

  const header = rows[0] ?? [];
  const { column, columnOf } = mapHeader(header);
  for (const field of REQUIRED) {
    if (!column.has(field)) issue(firstRow, '表头', `缺少“${HEADERS[field][0]}”列(可用表头: ${HEADERS[field].join('、')})`);
  }
  if (issues.length) return { issues, rowOfMeasure: [], columnOf };
  const used = new Set(column.values());
  const unused = [...new Set(header.map((h, i) => (used.has(i) ? '' : text(h))).filter(Boolean))];
  if (unused.length)
    issues.push({ file, row: firstRow, field: '表头', message: `未使用的列: ${unused.join('、')}(导入时忽略)`, severity: 'warning' });
  if (!options.directory && (!options.office || !options.leadershipGroup))
    issue(undefined, '名录', '缺少名录: 用 --directory 指定名录文件,或给出巡察办和领导小组的邮箱');
  if (issues.some((i) => i.severity === 'error')) return { issues, rowOfMeasure: [], columnOf };
  const immediateDeadline = (): IsoDate | string => {
    try {
      return options.calendar
        ? options.calendar.addWorkdays(options.feedbackDate, options.immediateWorkdays ?? DEFAULT_IMMEDIATE_WORKDAYS)
        : addDays(options.feedbackDate, 14);
    } catch (e) {
      if (e instanceof CalendarYearUnavailableError) return `${e.year} 年的节假日安排未收录,无法计算立行立改的时限(可加 --provisional)`;
      throw e;
    }
  };
  /** Where each unit and leader first appears (a directory that lacks one names that row). */
  const firstSeen = new Map<string, { row: number; column: string; kind: 'unit' | 'leader' }>();
  let lastProblemCell = '';

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
    // A heading merged across the row (一、党的政治建设方面): one text in every cell, no measure.
    const filled = row.map(text).filter(Boolean);
    if (filled.length > 1 && new Set(filled).size === 1) {
      issues.push({ file, row: rowNo, field: '整行', message: `当作分类标题,不是措施: ${filled[0]}`, severity: 'warning' });
      return;
    }

    // A problem's cell merged (or left blank) over its measures: the problem above.
    const problemCell = text(get(row, 'problem')) || lastProblemCell;
    lastProblemCell = problemCell;
    const problem = parseProblem(problemCell);
    let problemNo = problem?.no ?? (problem ? problemNoByTitle.get(problem.title) : undefined);
    if (!problem) return issue(rowNo, col('problem'), '问题为空');
    if (problemNo === undefined) problemNo = problems.size ? Math.max(...problems.keys()) + 1 : 1;
    if (problem.title) {
      const known = problems.get(problemNo);
      if (!known) problems.set(problemNo, problem.title);
      else if (known !== problem.title && !problemNoByTitle.has(problem.title))
        issue(
          rowNo,
          col('problem'),
          `问题序号 ${problemNo} 已用于「${known}」,这里又是「${problem.title}」(分类下重新编号?请改为全表连续编号)`,
        );
      problemNoByTitle.set(problem.title, problemNo);
    } else if (!problems.has(problemNo)) problems.set(problemNo, '');

    const measureText = text(get(row, 'text'));
    // An id written as text (2.3, 3.10) is kept; a number (Excel's 3.1 for 3.10) is not trusted: ids follow the order.
    const idValue = get(row, 'id');
    const idCell = typeof idValue === 'string' ? idValue.trim() : '';
    const position = (countInProblem.get(problemNo) ?? 0) + 1;
    countInProblem.set(problemNo, position);
    const id = /^\d+\.\d+$/.test(idCell) ? idCell : `${problemNo}.${position}`;

    const deadlineCell = get(row, 'deadline');
    const kindCell = text(get(row, 'kind'));
    const read = readDeadline(deadlineCell, options.feedbackDate);
    if ('problem' in read) issue(rowNo, col('deadline'), read.problem);
    const deadlineRead = 'problem' in read ? { milestones: [] } : read;
    // An empty 类型 is inferred from 整改时限 (立行立改, 长期坚持, stages, or a date); a filled one must be understood.
    const kind = kindCell ? kindOf(kindCell) : deadlineRead.kind;
    if (!kind && !('problem' in read))
      issue(rowNo, col('kind'), kindCell ? `无法识别的整改类型: ${kindCell}` : '缺少整改类型(立行立改/限期整改/分阶段整改/长期坚持)');
    let deadline = kind === 'longterm' ? undefined : deadlineRead.deadline;
    if (kind === 'immediate' && !deadline) {
      const due = immediateDeadline();
      if (/^\d{4}-\d{2}-\d{2}$/.test(due)) deadline = due;
      else issue(rowNo, col('deadline'), due);
    }
    const milestoneCell = get(row, 'milestones');
    let milestones = parseMilestones(text(milestoneCell), options.feedbackDate);
    if (text(milestoneCell) && !milestones.length)
      issue(rowNo, col('milestones'), `无法识别的阶段节点: ${text(milestoneCell)}(每个节点写成“日期 内容”,用分号分隔)`);
    // A phased measure may put its stages in the deadline cell: every stage but the last is a milestone.
    if (kind === 'phased' && !milestones.length) milestones = deadlineRead.milestones;
    const cadenceCell = text(get(row, 'cadence'));
    const cadence = cadenceCell ? CADENCE_WORDS.find(([re]) => re.test(cadenceCell))?.[1] : undefined;
    if (cadenceCell && !cadence) issue(rowNo, col('cadence'), `无法识别的报送周期: ${cadenceCell}`);

    const leadUnit = text(get(row, 'leadUnit'));
    const participants = splitList(get(row, 'participants')).filter((p) => p !== leadUnit);
    const leader = text(get(row, 'leader'));
    for (const unit of [leadUnit, ...participants])
      if (unit && !firstSeen.has(`unit:${unit}`))
        firstSeen.set(`unit:${unit}`, { row: rowNo, column: col(unit === leadUnit ? 'leadUnit' : 'participants'), kind: 'unit' });
    if (leader && !firstSeen.has(`leader:${leader}`))
      firstSeen.set(`leader:${leader}`, { row: rowNo, column: col('leader'), kind: 'leader' });
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
      ...(deadline ? { deadline } : {}),
      ...(milestones.length ? { milestones } : {}),
      ...(cadence ? { cadence } : {}),
      ...(text(get(row, 'progress')) ? { progress: text(get(row, 'progress')) } : {}),
    };
    measures.push(measure);
    rowOfMeasure.push(rowNo);
  });

  let directory: Directory;
  if (options.directory) {
    // Every unit and leader the ledger names is in the directory file, or named with the row it first appears in.
    const units = new Set(options.directory.units.map((u) => u.name));
    const roles = new Set(options.directory.leaders.map((l) => l.role));
    for (const [key, seen] of firstSeen) {
      const name = key.slice(key.indexOf(':') + 1);
      if (seen.kind === 'unit' && !units.has(name))
        issue(
          seen.row,
          seen.column,
          `名录中没有单位「${name}」(在名录文件的 units 中补充;--directory-template 可列出台账中的全部单位和区领导)`,
        );
      if (seen.kind === 'leader' && !roles.has(name))
        issue(seen.row, seen.column, `名录中没有区领导「${name}」(在名录文件的 leaders 中补充)`);
    }
    directory = options.directory;
  } else {
    const leaders = [...new Set(measures.map((m) => m.leader).filter(Boolean))];
    for (const role of leaders) {
      if (!leaderEmails.has(role)) {
        issue(
          rowOfMeasure[measures.findIndex((m) => m.leader === role)],
          columnOf.leaderEmail ?? '负责区领导邮箱',
          `缺少负责区领导的邮箱: ${role}(或用 --directory 指定名录文件)`,
        );
      }
    }
    directory = {
      units: [...unitEmails].map(([name, emails]) => ({ name, emails: [...emails] })),
      leaders: [...leaderEmails].map(([role, email]) => ({ role, email })),
      office: { ...options.office! },
      leadershipGroup: options.leadershipGroup!,
    };
  }
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

/** 一 … 九十九 (and digits) as a number. */
export function ordinalNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  const digits = '零一二三四五六七八九';
  if (!/^[一二三四五六七八九十]{1,3}$/.test(s)) return undefined;
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 ? digits.indexOf(s) : undefined;
  const tens = ten === 0 ? 1 : digits.indexOf(s[0]);
  const ones = ten === s.length - 1 ? 0 : digits.indexOf(s[ten + 1]);
  return tens >= 1 && ones >= 0 && ten <= 1 ? tens * 10 + ones : undefined;
}

/** "2", "问题2:", "2. 争先进位…", "一、…", "(一)…", "关于“…”问题", or a bare title. */
export function parseProblem(cell: string): { no?: number; title: string } | undefined {
  if (!cell) return undefined;
  const n = '(\\d+|[一二三四五六七八九十]{1,3})';
  const m =
    new RegExp(`^问题\\s*${n}\\s*[.、．:：]?\\s*([\\s\\S]*)$`).exec(cell) ??
    new RegExp(`^[(（]\\s*${n}\\s*[)）]\\s*[.、．:：]?\\s*([\\s\\S]*)$`).exec(cell) ??
    new RegExp(`^${n}\\s*[.、．:：]\\s*([\\s\\S]*)$`).exec(cell) ??
    // A bare number: alone, or set apart by a space (never 2023年…, 12345热线…, 5G…).
    /^(\d{1,3})(?:\s+([\s\S]*))?$/.exec(cell);
  const no = m ? ordinalNumber(m[1]) : undefined;
  const rest = (m && no !== undefined ? (m[2] ?? '') : cell).trim();
  const title = rest
    .replace(/^关于\s*[“"「『‘']?/, '')
    .replace(/[”"」』’']?\s*(?:问题)?(?:的整改)?\s*[。.]?$/, '')
    .trim();
  return { no, title };
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

/**
 * Every date written in a cell, in order, with where it was found: 2024-06-30, 2024/6/30,
 * 2024年6月30日, 2024年6月底, 2024年底, 2024年上半年, 2024年一季度 … and, given the feedback
 * date, dates without a year (12月底前, 6月30日): the first such day on or after it.
 */
export function parseDates(cell: Cell, feedbackDate?: IsoDate): { date: IsoDate; index: number; end: number }[] {
  if (cell instanceof Date) return [{ date: cell.toISOString().slice(0, 10), index: 0, end: 0 }];
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
function parseMilestones(cell: string, feedbackDate?: IsoDate): { title: string; deadline: IsoDate }[] {
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
export function readDeadline(
  cell: Cell,
  feedbackDate: IsoDate,
): { kind?: MeasureInput['kind']; deadline?: IsoDate; milestones: { title: string; deadline: IsoDate }[] } | { problem: string } {
  if (cell instanceof Date) return { kind: 'deadline', deadline: cell.toISOString().slice(0, 10), milestones: [] };
  const s = text(cell);
  if (!s) return { milestones: [] };
  const found = stages(s, feedbackDate);
  const worded = kindOf(s);
  if (!found.length) {
    if (worded === 'immediate' || worded === 'longterm') return { kind: worded, milestones: [] };
    return {
      problem: `无法识别的时限: ${s}(可写 2024-03-31、2024年3月31日、2024年3月底前、2024年一季度、2024年上半年、2024年底前、12月底前、立行立改、长期坚持,或用分号分隔的多个阶段)`,
    };
  }
  const last = found[found.length - 1];
  if (found.length === 1) return { kind: worded ?? 'deadline', deadline: last.date, milestones: [] };
  const milestones = found.slice(0, -1).map((st, i) => ({ title: st.words || `第${i + 1}阶段`, deadline: st.date }));
  return { kind: worded === 'longterm' ? 'longterm' : 'phased', deadline: last.date, milestones };
}
