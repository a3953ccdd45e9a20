/**
 * The ledger (台账): one row per measure as it stands now, with the filters and sorts the office
 * uses, read from and written to a URL query so that a filtered view can be bookmarked and
 * mailed. A bad filter value is refused naming the field and what it may be. Pure.
 *
 * One piece (about 320 lines): the query, its parsing, its words, its URL and the rows it selects
 * share one vocabulary (LEDGER_FILTERS, LEDGER_SORTS); split, each part would import the rest.
 */
import type { WorkCalendar } from '../calendar';
import { localDate, plainDateZh, type IsoDate } from '../dates';
import { MEASURE_STATUSES, type MeasureStatus, type TrafficLight } from '../measure';
import { MEASURE_KINDS, type MeasureKind } from '../plan/schema';
import { deadlineWords, dueDateOf, latestWord, type LatestWord } from '../measure-words';
import { standing, type MeasureRecord } from '../record';
import { officialText } from '../typography';
import { LIGHT_LABELS, LOOKBACK_STATUS_LABELS, MEASURE_KIND_LABELS, MEASURE_LOOKBACK_STATES, STATUS_LABELS } from '../vocabulary';

export interface LedgerRow {
  planId: string;
  workflowId: string;
  id: string;
  problemNo: number;
  problemTitle: string;
  title: string;
  kind: MeasureKind;
  kindLabel: string;
  leadUnit: string;
  leader: string;
  deadline?: IsoDate;
  deadlineZh: string;
  /** Working days to the deadline (negative: overdue), while open. */
  workdaysLeft?: number;
  /** 还剩 5 个工作日 / 已逾期 3 个工作日 / 今天到期 / 已销号 / — */
  leftWords: string;
  light: TrafficLight;
  lightLabel: string;
  status: MeasureStatus;
  statusLabel: string;
  overdue: boolean;
  lookback?: string;
  lookbackLabel?: string;
  /** The latest word (latestWord): a closed measure's completion, a relapse, a progress note. */
  latest?: LatestWord;
  /** Its date as people read it. */
  latestDateZh?: string;
  extensions: number;
}

export const LEDGER_SORTS = {
  problem: '问题序号',
  deadline: '整改时限',
  left: '剩余工作日',
  unit: '牵头单位',
  light: '灯色',
  status: '状态',
} as const;
export type LedgerSort = keyof typeof LEDGER_SORTS;

export interface LedgerQuery {
  unit?: string;
  leader?: string;
  problem?: number;
  kind?: MeasureKind;
  light?: TrafficLight;
  status?: MeasureStatus;
  overdue?: boolean;
  lookback?: string;
  sort: LedgerSort;
  desc: boolean;
}

/** The filters, as the URL names them, with what each is called. */
export const LEDGER_FILTERS = {
  unit: '牵头单位',
  leader: '负责区领导',
  problem: '问题序号',
  kind: '类别',
  light: '灯色',
  status: '状态',
  overdue: '是否逾期',
  lookback: '回头看',
  sort: '排序',
  order: '顺序',
} as const;

export class LedgerQueryError extends Error {
  override name = 'LedgerQueryError';
  constructor(
    readonly field: string,
    message: string,
    /** The known value nearest to the one given, offered in its place. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

const LIGHTS: TrafficLight[] = ['red', 'yellow', 'green'];

function oneOf<T extends string>(
  field: keyof typeof LEDGER_FILTERS,
  value: string,
  allowed: readonly T[],
  labels?: Record<string, string>,
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const shown = allowed.map((a) => (labels?.[a] ? `${a}（${labels[a]}）` : a)).join('、');
  throw new LedgerQueryError(field, `筛选条件“${LEDGER_FILTERS[field]}”（${field}）的值无效：${value}；可选：${shown}`);
}

/** A URL query as a ledger query; unknown parameters are refused too (a typo must not silently show everything). */
export function parseLedgerQuery(q: Record<string, unknown>): LedgerQuery {
  const out: LedgerQuery = { sort: 'problem', desc: false };
  for (const [key, raw] of Object.entries(q)) {
    if (raw === undefined || raw === '') continue;
    if (!Object.hasOwn(LEDGER_FILTERS, key)) {
      throw new LedgerQueryError(key, `未知的筛选条件：${key}；可用：${Object.keys(LEDGER_FILTERS).join('、')}`);
    }
    if (typeof raw !== 'string')
      throw new LedgerQueryError(key, `筛选条件“${LEDGER_FILTERS[key as keyof typeof LEDGER_FILTERS]}”（${key}）只能给一个值`);
    const value = raw.trim();
    switch (key as keyof typeof LEDGER_FILTERS) {
      case 'unit':
        out.unit = value;
        break;
      case 'leader':
        out.leader = value;
        break;
      case 'problem':
        if (!/^\d{1,4}$/.test(value)) throw new LedgerQueryError(key, `筛选条件“问题序号”（problem）应为正整数：${value}`);
        out.problem = Number(value);
        break;
      case 'kind':
        out.kind = oneOf('kind', value, MEASURE_KINDS, MEASURE_KIND_LABELS);
        break;
      case 'light':
        out.light = oneOf('light', value, LIGHTS, LIGHT_LABELS);
        break;
      case 'status':
        out.status = oneOf('status', value, MEASURE_STATUSES, STATUS_LABELS);
        break;
      case 'overdue':
        out.overdue = oneOf('overdue', value, ['yes', 'no'], { yes: '逾期', no: '未逾期' }) === 'yes';
        break;
      case 'lookback':
        out.lookback = oneOf('lookback', value, MEASURE_LOOKBACK_STATES, LOOKBACK_STATUS_LABELS);
        break;
      case 'sort':
        out.sort = oneOf('sort', value, Object.keys(LEDGER_SORTS) as LedgerSort[], LEDGER_SORTS);
        break;
      case 'order':
        out.desc = oneOf('order', value, ['asc', 'desc'], { asc: '升序', desc: '降序' }) === 'desc';
        break;
    }
  }
  return out;
}

/**
 * A query's unit, leader and problem against the plan's rows: one no measure has is refused (a
 * typo must not read as 0 rows under a filter showing 全部), offering the nearest known name
 * (`nearest`: the CLI's, client/actions.ts) or else the names there are.
 */
export function checkLedgerValues(q: LedgerQuery, rows: LedgerRow[], nearest: (name: string, known: string[]) => string | undefined): void {
  const names = [
    ['unit', q.unit, rows.map((r) => r.leadUnit)],
    ['leader', q.leader, rows.map((r) => r.leader)],
  ] as const;
  for (const [field, value, all] of names) {
    if (value === undefined || all.includes(value)) continue;
    const known = [...new Set(all)].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    const hint = nearest(value, known);
    const what = LEDGER_FILTERS[field];
    throw new LedgerQueryError(
      field,
      `没有${what}为“${value}”的措施。${hint ? `是不是“${hint}”？` : known.length ? `本计划的${what}：${known.join('、')}。` : ''}`,
      hint,
    );
  }
  if (q.problem !== undefined && !rows.some((r) => r.problemNo === q.problem)) {
    const nos = [...new Set(rows.map((r) => r.problemNo))].sort((a, b) => a - b);
    throw new LedgerQueryError(
      'problem',
      `本计划没有第${q.problem}个问题。${nos.length ? `问题序号为${nos[nos.length - 1] - nos[0] + 1 === nos.length ? `${nos[0]}至${nos[nos.length - 1]}` : nos.join('、')}。` : ''}`,
    );
  }
}

/** What a filter form offers, from the plan's measures: its lead units and leaders (in pinyin order) and its problems in order. */
export function filterChoices(records: Pick<MeasureRecord, 'leadUnit' | 'leader' | 'problem'>[]): {
  units: string[];
  leaders: string[];
  problems: { no: number; title: string }[];
} {
  const names = (all: string[]) => [...new Set(all)].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  return {
    units: names(records.map((r) => r.leadUnit)),
    leaders: names(records.map((r) => r.leader)),
    // The titles in official punctuation, as the ledger's rows say them.
    problems: [...new Map(records.map((r) => [r.problem.no, { no: r.problem.no, title: officialText(r.problem.title) }])).values()].sort(
      (a, b) => a.no - b.no,
    ),
  };
}

/** The query back as URL parameters (defaults left out), for links and downloads of the same view. */
export function ledgerSearch(q: LedgerQuery, change: Partial<Record<keyof typeof LEDGER_FILTERS, string | undefined>> = {}): string {
  const params: Record<string, string | undefined> = {
    unit: q.unit,
    leader: q.leader,
    problem: q.problem?.toString(),
    kind: q.kind,
    light: q.light,
    status: q.status,
    overdue: q.overdue === undefined ? undefined : q.overdue ? 'yes' : 'no',
    lookback: q.lookback,
    sort: q.sort === 'problem' ? undefined : q.sort,
    order: q.desc ? 'desc' : undefined,
    ...change,
  };
  const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return s ? `?${s}` : '';
}

/**
 * A ledger query in words, for the folded filter box's heading on a phone: the filters in the
 * form's order, then the order of the rows. `problems` names the problem of a problem filter.
 */
export function ledgerQueryWords(q: LedgerQuery, problems: readonly { no: number; title: string }[] = []): string {
  const problem = q.problem === undefined ? undefined : problems.find((p) => p.no === q.problem);
  const filters: [keyof typeof LEDGER_FILTERS, string | undefined][] = [
    ['unit', q.unit],
    ['leader', q.leader],
    ['problem', q.problem === undefined ? undefined : `${q.problem}${problem ? `.${problem.title}` : ''}`],
    ['kind', q.kind && MEASURE_KIND_LABELS[q.kind]],
    ['light', q.light && LIGHT_LABELS[q.light]],
    ['status', q.status && STATUS_LABELS[q.status]],
    ['overdue', q.overdue === undefined ? undefined : q.overdue ? '逾期' : '未逾期'],
    ['lookback', q.lookback && LOOKBACK_STATUS_LABELS[q.lookback]],
  ];
  const chosen = filters.filter((f): f is [keyof typeof LEDGER_FILTERS, string] => !!f[1]).map(([k, v]) => `${LEDGER_FILTERS[k]}：${v}`);
  const order = `按${LEDGER_SORTS[q.sort]}${q.desc ? '降序' : '升序'}排列`;
  return `${chosen.length ? chosen.join('；') : '全部措施'}；${order}`;
}

/** What a record shows for look-back: the last review's outcome, under review, or waiting for one after close-out. */
export function lookbackState(r: MeasureRecord): string | undefined {
  const last = r.lookbacks[r.lookbacks.length - 1];
  if (r.status === 'closed' && r.closedAt && (!last || last.startedAt < r.closedAt)) return 'scheduled';
  if (!last) return undefined;
  return last.outcome ?? 'in-review';
}

export function leftWords(status: MeasureStatus, kind: MeasureKind, left: number | undefined, today: IsoDate, deadline?: IsoDate): string {
  if (status === 'closed') return '已销号';
  if (kind === 'longterm' || left === undefined) return '—';
  if (deadline === today) return '今天到期';
  if (left < 0) return `已逾期${-left}个工作日`;
  return left === 0 ? '今天是截止前最后一个工作日' : `还剩${left}个工作日`;
}

export function ledgerRow(r: MeasureRecord, now: number, calendar: WorkCalendar): LedgerRow {
  const today = localDate(now, r.timeZone);
  const s = standing(r, now);
  const open = r.status !== 'closed' && r.kind !== 'longterm' && !!r.deadline;
  const left = open ? calendar.workdaysBetween(today, r.deadline!) : undefined;
  const lookback = lookbackState(r);
  const latest = latestWord(r, s);
  return {
    planId: r.planId,
    workflowId: r.workflowId,
    id: r.id,
    problemNo: r.problem.no,
    problemTitle: officialText(r.problem.title),
    title: officialText(r.title),
    kind: r.kind,
    kindLabel: MEASURE_KIND_LABELS[r.kind],
    leadUnit: r.leadUnit,
    leader: r.leader,
    deadline: r.deadline,
    deadlineZh: deadlineWords(r.deadline, dueDateOf(r.dueAt, r.timeZone), r.kind),
    workdaysLeft: left,
    leftWords: leftWords(r.status, r.kind, left, today, r.deadline),
    light: r.light,
    lightLabel: LIGHT_LABELS[r.light],
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    overdue: s.overdue,
    ...(lookback ? { lookback, lookbackLabel: LOOKBACK_STATUS_LABELS[lookback] } : {}),
    ...(latest ? { latest, latestDateZh: plainDateZh(latest.date) } : {}),
    extensions: r.extensions.length,
  };
}

const LIGHT_RANK: Record<TrafficLight, number> = { red: 0, yellow: 1, green: 2 };
const STATUS_RANK: Record<MeasureStatus, number> = { active: 0, submitted: 1, closed: 2 };
const byId = (a: LedgerRow, b: LedgerRow) => a.problemNo - b.problemNo || a.id.localeCompare(b.id, 'en', { numeric: true });

/** The rows a query selects, in its order (ties by problem and measure). */
export function selectLedger(rows: LedgerRow[], q: LedgerQuery): LedgerRow[] {
  const chosen = rows.filter(
    (r) =>
      (q.unit === undefined || r.leadUnit === q.unit) &&
      (q.leader === undefined || r.leader === q.leader) &&
      (q.problem === undefined || r.problemNo === q.problem) &&
      (q.kind === undefined || r.kind === q.kind) &&
      (q.light === undefined || r.light === q.light) &&
      (q.status === undefined || r.status === q.status) &&
      (q.overdue === undefined || r.overdue === q.overdue) &&
      (q.lookback === undefined || r.lookback === q.lookback),
  );
  const far = Number.MAX_SAFE_INTEGER;
  const compare: Record<LedgerSort, (a: LedgerRow, b: LedgerRow) => number> = {
    problem: () => 0,
    deadline: (a, b) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999'),
    left: (a, b) => (a.workdaysLeft ?? far) - (b.workdaysLeft ?? far),
    unit: (a, b) => a.leadUnit.localeCompare(b.leadUnit, 'zh-CN'),
    light: (a, b) => LIGHT_RANK[a.light] - LIGHT_RANK[b.light],
    status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
  };
  const sign = q.desc ? -1 : 1;
  return chosen.sort((a, b) => sign * (compare[q.sort](a, b) || byId(a, b)));
}
