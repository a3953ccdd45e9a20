/**
 * A ledger's columns: which header names which field, in the words offices use (责任领导,
 * 责任部门, 完成时限 …, in any order, with marks like * or (必填)), and a cell's text. The names a
 * ledger holds (units and leaders) for a directory template are read here too.
 */
import type { PlanIssue } from '../plan/load';

export type Cell = string | number | Date | null | undefined;

export type Field =
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
export const HEADERS: Record<Field, string[]> = {
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
export const REQUIRED: Field[] = ['problem', 'text', 'leader', 'leadUnit', 'deadline'];

const clean = (header: Cell) => String(header ?? '').replace(/[\s*＊]|[（(][^)）]*[)）]/g, '');
/** A date cell that holds a day (a damaged sheet can hold an Invalid Date, which has none). */
export const isDay = (cell: Cell): cell is Date => cell instanceof Date && !Number.isNaN(cell.getTime());
/** A cell's text: a day as YYYY-MM-DD, an Invalid Date as words that no reader takes for a date. */
export const text = (cell: Cell) =>
  cell instanceof Date ? (isDay(cell) ? cell.toISOString().slice(0, 10) : '无效日期') : String(cell ?? '').trim();
export const splitList = (cell: Cell) =>
  text(cell)
    .split(/[、,，;；\s/]+/)
    .filter(Boolean);

/** Which column holds which field (the first header naming it), and the header's own words per field. */
export function mapHeader(header: Cell[]): { column: Map<Field, number>; columnOf: Record<string, string> } {
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
        message: `缺少“${HEADERS[field][0]}”列（可用表头：${HEADERS[field].join('、')}）`,
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
