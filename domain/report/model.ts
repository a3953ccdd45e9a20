/**
 * The progress report (巡视整改进展情况) as data, in the seed report's structure: the opening
 * totals, section 一 (the office's own prose, or a marked place for it), section 二 per problem
 * with its measures as 一是/二是…, the overdue list, extensions granted and look-back results,
 * and section 三 (the office's prose). Counted from measure records as they stood on a date.
 * Every renderer (md, html, docx, xlsx, json) and the web page read this model. Pure. One module
 * over 300 lines: the totals, the sections and the look-back results count the same standings.
 */
import type { WorkCalendar } from '../calendar';
import { localDate, localInstant, plainDateZh as dateZh, type IsoDate } from '../dates';
import type { MeasureKind } from '../plan/schema';
import { deadlineWords, dueDateOf, LATEST_WORD_LABEL, latestWord, type LatestWordKind } from '../measure-words';
import { standing, type MeasureRecord, type Standing } from '../record';
import { officialText } from '../typography';
import { MEASURE_KIND_LABELS, STATUS_LABELS } from '../vocabulary';

/** What the report calls a measure's standing: 已完成(销号), 已提交待核验, 整改中, 逾期未完成, 长期坚持. */
export type ReportStatus = 'closed' | 'submitted' | 'active' | 'overdue' | 'longterm';

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  closed: '已完成（销号）',
  submitted: STATUS_LABELS.submitted,
  active: '正在推进',
  overdue: '逾期未完成',
  longterm: '持续推进（长期坚持）',
};

export interface ReportMeasure {
  /** 一是, 二是, … within its problem. */
  ordinal: string;
  id: string;
  workflowId: string;
  title: string;
  kind: MeasureKind;
  kindLabel: string;
  status: ReportStatus;
  statusLabel: string;
  leadUnit: string;
  leader: string;
  /** 2024年3月31日, with the day it falls due when that differs (deadlineWords), or 长期坚持. */
  deadline: string;
  deadlineDate?: IsoDate;
  /** Working days left (negative: overdue) on the report's date, for open measures with a deadline. */
  workdaysLeft?: number;
  /** The latest word (latestWord): its date in Chinese, prose, and links apart. */
  latest?: { date: string; kind: LatestWordKind; text: string; links: string[]; by: string };
  /**
   * The report's sentence about the measure in its parts, for every format to lay out alike:
   * 牵头单位：…；负责区领导：…；整改时限：… / 已完成，于2026年12月6日销号 / 最新进展（…）：…. No
   * brackets around the people: a deadline's own (逢休息日…) would nest in them.
   */
  words: { people: string; state: string; note: string };
  closedOn?: string;
}

export type ProblemState = 'closed' | 'continuing' | 'overdue';

export interface ReportProblem {
  no: number;
  title: string;
  state: ProblemState;
  measures: ReportMeasure[];
}

export interface ReportTotals {
  problems: number;
  problemsClosed: number;
  problemsContinuing: number;
  problemsOverdue: number;
  measures: number;
  closed: number;
  submitted: number;
  active: number;
  overdue: number;
  longterm: number;
  /** Closed ÷ measures that close (all but long-term), as 71.4%. */
  completionRate: string;
}

export interface ReportLookback {
  reviews: number;
  sustained: number;
  relapsed: number;
  pending: number;
  /** Measures found relapsed (整改后仍有反复), with the new deadline. */
  relapsedMeasures: { id: string; title: string; leadUnit: string; round: number; date: string; newDeadline?: string }[];
  campaigns: { name: string; reviews: number; sustained: number; relapsed: number; pending: number }[];
}

export interface ProgressReport {
  planId: string;
  planTitle: string;
  /** The day the figures stand on (截至). */
  asOf: IsoDate;
  asOfZh: string;
  /** Under the title: the plan and the day, 梁溪区…整改方案（截至2026年12月6日）; never a bracket in a bracket. */
  subtitle: string;
  /** The opening paragraph's figures in the report's phrasing. */
  summary: string;
  totals: ReportTotals;
  /** Section 一 (组织领导情况) and 三 (下一步工作打算): the office's text, or undefined (a marked place). */
  preface?: string;
  nextSteps?: string;
  problems: ReportProblem[];
  overdue: ReportMeasure[];
  extensions: { id: string; title: string; leadUnit: string; from?: string; to: string; date: string; reason?: string }[];
  lookback: ReportLookback;
}

/** Where the office's own prose goes when it has not given it. */
export const PLACEHOLDER = {
  preface: '【此处由巡察办填写：巡视整改组织领导情况】',
  nextSteps: '【此处由巡察办填写：下一步工作打算】',
};

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  const units: [number, string][] = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
  ];
  let out = '';
  let rest = n;
  let zero = false;
  for (const [size, name] of units) {
    const d = Math.floor(rest / size);
    rest %= size;
    if (d) {
      if (zero) out += '零';
      out += DIGITS[d] + name;
      zero = false;
    } else if (out) zero = true;
  }
  if (rest) out += (zero ? '零' : '') + DIGITS[rest];
  return out;
}

/** 71.4%: one decimal. */
export function percent(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : '—';
}

export interface ReportOptions {
  planId: string;
  planTitle: string;
  /** The day the figures stand on, in the plan's zone: the end of that day. */
  asOf: IsoDate;
  timeZone: string;
  /** Counts working days left; the deployment's calendar. */
  calendar: WorkCalendar;
  preface?: string;
  nextSteps?: string;
}

function reportStatus(r: MeasureRecord, s: Standing): ReportStatus {
  if (s.status === 'closed') return 'closed';
  if (s.status === 'submitted') return 'submitted';
  if (r.kind === 'longterm') return 'longterm';
  return s.overdue ? 'overdue' : 'active';
}

const dateOf = (iso: string, zone: string) => dateZh(localDate(Date.parse(iso), zone));

function latestOf(r: MeasureRecord, s: Standing): ReportMeasure['latest'] {
  const w = latestWord(r, s);
  return w ? { ...w, date: dateZh(w.date) } : undefined;
}

/**
 * Before the plan began (its feedback date) there is nothing to report: the words that say so, for
 * the web and the CLI alike; undefined when the date is within the plan.
 */
export function beforePlanBegan(
  records: Pick<MeasureRecord, 'feedbackDate'>[],
  asOf: IsoDate,
): { problem: string; hint: string } | undefined {
  const began = records.map((r) => r.feedbackDate).sort()[0];
  if (began === undefined || asOf >= began) return undefined;
  return {
    problem: `本计划的整改自${dateZh(began)}（巡视反馈之日）起开展，截至${dateZh(asOf)}尚无可报告的情况。`,
    hint: `请选择${dateZh(began)}或以后的日期。`,
  };
}

export function buildReport(records: MeasureRecord[], o: ReportOptions): ProgressReport {
  const end = localInstant(o.asOf, '23:59', o.timeZone) + 59_999;
  const stood = records
    .map((r) => ({ r, s: standing(r, end) }))
    .filter(({ s }) => s.tracked)
    .sort((a, b) => a.r.problem.no - b.r.problem.no || a.r.id.localeCompare(b.r.id, 'en', { numeric: true }));
  const byProblem = new Map<number, { title: string; items: { r: MeasureRecord; s: Standing }[] }>();
  for (const x of stood) {
    const p = byProblem.get(x.r.problem.no) ?? { title: officialText(x.r.problem.title), items: [] };
    p.items.push(x);
    byProblem.set(x.r.problem.no, p);
  }
  const measureOf = (r: MeasureRecord, s: Standing, ordinal: string): ReportMeasure => {
    const status = reportStatus(r, s);
    const open = status === 'active' || status === 'overdue';
    const deadline = deadlineWords(s.deadline, dueDateOf(s.dueAt, r.timeZone), r.kind);
    const workdaysLeft = open && s.deadline ? o.calendar.workdaysBetween(o.asOf, s.deadline) : undefined;
    const closedOn = s.closedAt ? dateOf(s.closedAt, o.timeZone) : undefined;
    const latest = latestOf(r, s);
    return {
      ordinal,
      id: r.id,
      workflowId: r.workflowId,
      title: officialText(r.title),
      kind: r.kind,
      kindLabel: MEASURE_KIND_LABELS[r.kind],
      status,
      statusLabel: REPORT_STATUS_LABELS[status],
      leadUnit: r.leadUnit,
      leader: r.leader,
      deadline,
      deadlineDate: s.deadline,
      workdaysLeft,
      latest,
      words: {
        people: `牵头单位：${r.leadUnit}；负责区领导：${r.leader}；整改时限：${deadline}`,
        state:
          status === 'closed' && closedOn
            ? `已完成，于${closedOn}销号`
            : workdaysLeft !== undefined && workdaysLeft < 0
              ? `${REPORT_STATUS_LABELS[status]}（已逾期${-workdaysLeft}个工作日）`
              : REPORT_STATUS_LABELS[status],
        note: latest ? `${LATEST_WORD_LABEL}（${latest.date}）：${latest.text}` : '尚未报送进展。',
      },
      closedOn,
    };
  };
  const problems: ReportProblem[] = [...byProblem.entries()].map(([no, p]) => {
    const measures = p.items.map(({ r, s }, i) => measureOf(r, s, `${chineseNumber(i + 1)}是`));
    const state: ProblemState = measures.some((m) => m.status === 'overdue')
      ? 'overdue'
      : measures.every((m) => m.status === 'closed')
        ? 'closed'
        : 'continuing';
    return { no, title: p.title, state, measures };
  });
  const all = problems.flatMap((p) => p.measures);
  const count = (st: ReportStatus) => all.filter((m) => m.status === st).length;
  const closing = all.filter((m) => m.kind !== 'longterm');
  const totals: ReportTotals = {
    problems: problems.length,
    problemsClosed: problems.filter((p) => p.state === 'closed').length,
    problemsContinuing: problems.filter((p) => p.state === 'continuing').length,
    problemsOverdue: problems.filter((p) => p.state === 'overdue').length,
    measures: all.length,
    closed: count('closed'),
    submitted: count('submitted'),
    active: count('active'),
    overdue: count('overdue'),
    longterm: count('longterm'),
    completionRate: percent(count('closed'), closing.length),
  };
  const asOfZh = dateZh(o.asOf);
  return {
    planId: o.planId,
    planTitle: o.planTitle,
    asOf: o.asOf,
    asOfZh,
    subtitle: `${officialText(o.planTitle)}（截至${asOfZh}）`,
    summary: summaryWords(asOfZh, totals),
    totals,
    preface: o.preface,
    nextSteps: o.nextSteps,
    problems,
    overdue: all.filter((m) => m.status === 'overdue').sort((a, b) => (a.workdaysLeft ?? 0) - (b.workdaysLeft ?? 0)),
    extensions: stood
      .flatMap(({ r, s }) =>
        s.extensions.map((e) => ({
          id: r.id,
          title: officialText(r.title),
          leadUnit: r.leadUnit,
          from: e.from ? dateZh(e.from) : undefined,
          to: dateZh(e.to),
          date: dateOf(e.at, o.timeZone),
          at: e.at,
          reason: e.reason && officialText(e.reason),
        })),
      )
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ at: _at, ...e }) => e),
    lookback: lookbackResults(stood, o.timeZone),
  };
}

/** 截至2024年1月10日,反馈的34个问题中,已整改销号10个,…;159项整改措施中,已完成(销号)101项,…,整改完成率63.5%。 */
export function summaryWords(asOfZh: string, t: ReportTotals): string {
  const problems = [
    `已整改销号${t.problemsClosed}个`,
    `正在分阶段推进、持续整改${t.problemsContinuing}个`,
    ...(t.problemsOverdue ? [`有逾期未完成措施的${t.problemsOverdue}个`] : []),
  ];
  const measures = [
    `已完成（销号）${t.closed}项`,
    ...(t.submitted ? [`已提交待核验${t.submitted}项`] : []),
    `正在推进${t.active}项`,
    ...(t.longterm ? [`长期坚持${t.longterm}项`] : []),
    `逾期未完成${t.overdue}项`,
  ];
  return (
    `截至${asOfZh}，巡视反馈的${t.problems}个问题中，${problems.join('，')}；` +
    `${t.measures}项整改措施中，${measures.join('，')}，整改完成率${t.completionRate}（已完成措施占应完成措施的比例，长期坚持类不计入）。`
  );
}

function lookbackResults(stood: { r: MeasureRecord; s: Standing }[], zone: string): ReportLookback {
  const reviews = stood.flatMap(({ r, s }) => s.lookbacks.map((l) => ({ r, l })));
  const outcome = (l: Standing['lookbacks'][number]) => (l.outcomeKnown ? l.outcome : undefined);
  const campaigns = new Map<string, ReportLookback['campaigns'][number]>();
  for (const { l } of reviews) {
    if (!l.campaign) continue;
    const c = campaigns.get(l.campaign) ?? { name: l.campaign, reviews: 0, sustained: 0, relapsed: 0, pending: 0 };
    c.reviews += 1;
    const o = outcome(l);
    if (o === 'sustained') c.sustained += 1;
    else if (o === 'relapsed') c.relapsed += 1;
    else c.pending += 1;
    campaigns.set(l.campaign, c);
  }
  return {
    reviews: reviews.length,
    sustained: reviews.filter(({ l }) => outcome(l) === 'sustained').length,
    relapsed: reviews.filter(({ l }) => outcome(l) === 'relapsed').length,
    pending: reviews.filter(({ l }) => !outcome(l)).length,
    relapsedMeasures: reviews
      .filter(({ l }) => outcome(l) === 'relapsed')
      .map(({ r, l }) => {
        const relapse = r.relapses.find((x) => x.round === l.round);
        return {
          id: r.id,
          title: officialText(r.title),
          leadUnit: r.leadUnit,
          round: l.round,
          date: dateOf(l.recordedAt ?? relapse?.at ?? l.startedAt, zone),
          newDeadline: relapse?.newDeadline ? dateZh(relapse.newDeadline) : undefined,
        };
      }),
    campaigns: [...campaigns.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
