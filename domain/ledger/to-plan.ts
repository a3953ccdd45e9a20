/**
 * The inspection office's ledger (台账) as offices keep it: one row per measure, Chinese column
 * headers in any order and in the words offices use (责任领导, 责任部门, 完成时限 …), a problem's
 * cell merged or left blank over its measures, problems numbered 一、/(一)/1./问题1:, deadlines
 * in words (立行立改, 长期坚持, 2024年一季度, 12月底前, several dated stages in one cell). Emails
 * come from the plan's own directory file (or, in older ledgers, from email columns). Pure: cells
 * in (already read from .xlsx or .csv), a plan out, every problem located by file, row and column.
 * Here the rows become measures and the plan; the words of each kind of cell are read in
 * columns.ts (headers), deadlines.ts (time), problems.ts (problem numbers).
 */
import { CalendarYearUnavailableError, type WorkCalendar } from '../calendar';
import { addDays, type IsoDate } from '../dates';
import type { Directory, MeasureInput, PlanInput } from '../plan/schema';
import type { PlanIssue } from '../plan/load';
import { MEASURE_ID_PATTERN } from '../plan/ids';
import { HEADERS, mapHeader, REQUIRED, splitList, text, type Cell, type Field } from './columns';
import { CADENCE_WORDS, kindOf, parseMilestones, readDeadline } from './deadlines';
import { parseProblem } from './problems';

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

/** `rows[0]` is the header row; `firstRow` is its number in the sheet (1 for a CSV). */
export function ledgerToPlan(rows: Cell[][], options: LedgerOptions, firstRow = 1): LedgerResult {
  const issues: PlanIssue[] = [];
  const file = options.file;
  const issue = (row: number | undefined, field: string, message: string) => issues.push({ file, row, field, message, severity: 'error' });

  const header = rows[0] ?? [];
  const { column, columnOf } = mapHeader(header);
  for (const field of REQUIRED) {
    if (!column.has(field)) issue(firstRow, '表头', `缺少“${HEADERS[field][0]}”列（可用表头：${HEADERS[field].join('、')}）`);
  }
  if (issues.length) return { issues, rowOfMeasure: [], columnOf };
  const used = new Set(column.values());
  const unused = [...new Set(header.map((h, i) => (used.has(i) ? '' : text(h))).filter(Boolean))];
  if (unused.length)
    issues.push({ file, row: firstRow, field: '表头', message: `未使用的列：${unused.join('、')}（导入时忽略）`, severity: 'warning' });
  if (!options.directory && (!options.office || !options.leadershipGroup))
    issue(undefined, '名录', '缺少名录：用 --directory 指定名录文件，或给出巡察办和领导小组的邮箱');
  if (issues.some((i) => i.severity === 'error')) return { issues, rowOfMeasure: [], columnOf };
  const immediateDeadline = (): IsoDate | string => {
    try {
      return options.calendar
        ? options.calendar.addWorkdays(options.feedbackDate, options.immediateWorkdays ?? DEFAULT_IMMEDIATE_WORKDAYS)
        : addDays(options.feedbackDate, 14);
    } catch (e) {
      if (e instanceof CalendarYearUnavailableError) return `${e.year}年的节假日安排未收录，无法计算立行立改的时限（可加 --provisional）`;
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
      issues.push({ file, row: rowNo, field: '整行', message: `当作分类标题，不是措施：${filled[0]}`, severity: 'warning' });
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
          `问题序号${problemNo}已用于“${known}”，这里又是“${problem.title}”（分类下重新编号？请改为全表连续编号）`,
        );
      problemNoByTitle.set(problem.title, problemNo);
    } else if (!problems.has(problemNo)) problems.set(problemNo, '');

    const measureText = text(get(row, 'text'));
    // An id written as text (2.3, 3.10) is kept; a number (Excel's 3.1 for 3.10) is not trusted: ids follow the order.
    const idValue = get(row, 'id');
    const idCell = typeof idValue === 'string' ? idValue.trim() : '';
    const position = (countInProblem.get(problemNo) ?? 0) + 1;
    countInProblem.set(problemNo, position);
    const id = MEASURE_ID_PATTERN.test(idCell) ? idCell : `${problemNo}.${position}`;

    const deadlineCell = get(row, 'deadline');
    const kindCell = text(get(row, 'kind'));
    const read = readDeadline(deadlineCell, options.feedbackDate);
    if ('problem' in read) issue(rowNo, col('deadline'), read.problem);
    const deadlineRead = 'problem' in read ? { milestones: [] } : read;
    // An empty 类型 is inferred from 整改时限 (立行立改, 长期坚持, stages, or a date); a filled one must be understood.
    const kind = kindCell ? kindOf(kindCell) : deadlineRead.kind;
    if (!kind && !('problem' in read))
      issue(rowNo, col('kind'), kindCell ? `无法识别的整改类型：${kindCell}` : '缺少整改类型（立行立改/限期整改/分阶段整改/长期坚持）');
    let deadline = kind === 'longterm' ? undefined : deadlineRead.deadline;
    if (kind === 'immediate' && !deadline) {
      const due = immediateDeadline();
      if (/^\d{4}-\d{2}-\d{2}$/.test(due)) deadline = due;
      else issue(rowNo, col('deadline'), due);
    }
    const milestoneCell = get(row, 'milestones');
    let milestones = parseMilestones(text(milestoneCell), options.feedbackDate);
    if (text(milestoneCell) && !milestones.length)
      issue(rowNo, col('milestones'), `无法识别的阶段节点：${text(milestoneCell)}（每个节点写成“日期 内容”，用分号分隔）`);
    // A phased measure may put its stages in the deadline cell: every stage but the last is a milestone.
    if (kind === 'phased' && !milestones.length) milestones = deadlineRead.milestones;
    const cadenceCell = text(get(row, 'cadence'));
    const cadence = cadenceCell ? CADENCE_WORDS.find(([re]) => re.test(cadenceCell))?.[1] : undefined;
    if (cadenceCell && !cadence) issue(rowNo, col('cadence'), `无法识别的报送周期：${cadenceCell}`);

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
      if (known && known !== leaderEmail) issue(rowNo, col('leaderEmail'), `${leader}的邮箱与前面的行不一致：${leaderEmail} ≠ ${known}`);
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
          `名录中没有单位“${name}”（在名录文件的 units 中补充；--directory-template 可列出台账中的全部单位和区领导）`,
        );
      if (seen.kind === 'leader' && !roles.has(name))
        issue(seen.row, seen.column, `名录中没有区领导“${name}”（在名录文件的 leaders 中补充）`);
    }
    directory = options.directory;
  } else {
    const leaders = [...new Set(measures.map((m) => m.leader).filter(Boolean))];
    for (const role of leaders) {
      if (!leaderEmails.has(role)) {
        issue(
          rowOfMeasure[measures.findIndex((m) => m.leader === role)],
          columnOf.leaderEmail ?? '负责区领导邮箱',
          `缺少负责区领导的邮箱：${role}（或用 --directory 指定名录文件）`,
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

function leadPhraseOf(text: string): string {
  const stop = text.search(/[。;；]/);
  const sentence = (stop >= 0 ? text.slice(0, stop) : text).replace(/^[一二三四五六七八九十]+是/, '').trim();
  return sentence.length <= 30 ? sentence : sentence.slice(0, sentence.search(/[,，]/) > 0 ? sentence.search(/[,，]/) : 30);
}
