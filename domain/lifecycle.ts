/**
 * The lifecycle of a measure as pure functions: who may do what (validators that throw a
 * RequestRejected with a message for people), and what each accepted request changes. The
 * workflow runs the validators before anything reaches history.
 */
import { calendarYearProblems, CalendarYearUnavailableError, type CalendarYear, type WorkCalendar } from './calendar';
import { isIsoDate, localDate, type IsoDate } from './dates';
import type { MeasureSpec, MeasureStatus, TrafficLight } from './measure';
import type { Actor, EventKind, Notice } from './notice';
import { dueAt, periodForReport, type MeasureProgress } from './planner';
import type { Audience } from './plan/schema';

export class RequestRejected extends Error {
  override name = 'RequestRejected';
}

export interface AuditEntry {
  at: string;
  action: 'progress' | 'submit' | 'verify' | 'extension-request' | 'extension-decision' | 'reassign' | 'calendar' | 'relapse';
  actor: Actor;
  detail: Record<string, unknown>;
}

export interface MeasureState {
  spec: MeasureSpec;
  progress: MeasureProgress;
  leadUnit: string;
  leader: string;
  trafficLight: TrafficLight;
  startedAt: string;
  submission?: { evidence: string[]; note?: string; by: Actor; at: string };
  pendingExtension?: { newDeadline: IsoDate; reason: string; by: Actor; at: string };
  /** Every deadline the measure has had, oldest first, with why it changed. */
  deadlines: { deadline: IsoDate; version: number; since: string; reason?: string }[];
  rejections: { reason: string; by: Actor; at: string }[];
  /** The latest actions (older ones stay in earlier runs' histories). */
  audit: AuditEntry[];
  /** Numbers event notices, for their idempotency keys. */
  eventSeq: number;
  /** Event notices decided but not yet delivered: the main loop sends them, so requests return at once. */
  outgoing: EventNotice[];
  /** Holiday arrangements published after the workflow started, delivered by `rectify calendar refresh`. */
  calendarYears: Record<string, CalendarYear>;
  /** Statutory arrangements of still unpublished years, delivered with them (years the input did not carry). */
  provisionalYears?: Record<string, CalendarYear>;
  /** When the office last closed the measure (销号). */
  closedAt?: string;
  /** Look-back reviews started, oldest first, with their outcome once recorded. */
  lookbacks?: { round: number; startedAt: string; campaign?: string; outcome?: 'sustained' | 'relapsed' }[];
  /** Campaign reviews asked for and not yet started (the main loop starts them). */
  campaignRequests?: { campaign: string; dueDate: IsoDate }[];
}

/** What a look-back review tells its measure. */
export interface LookbackOutcomeReport {
  round: number;
  outcome: 'sustained' | 'relapsed';
  notes: string;
  by: Actor;
  newDeadline?: IsoDate;
}

export const AUDIT_KEPT = 200;
export const MAX_TEXT = 2000;
export const MAX_EVIDENCE = 50;

export function initialState(spec: MeasureSpec, progress: MeasureProgress, now: number): MeasureState {
  const at = new Date(now).toISOString();
  return {
    spec,
    progress,
    leadUnit: spec.leadUnit,
    leader: spec.leader,
    trafficLight: 'green',
    startedAt: at,
    deadlines: spec.deadline ? [{ deadline: spec.deadline, version: 1, since: at }] : [],
    rejections: [],
    audit: [],
    eventSeq: 0,
    outgoing: [],
    calendarYears: {},
  };
}

// ---- requests ----

export interface ReportProgressRequest {
  actor: Actor;
  note: string;
  /** Phased measures: this report completes the next milestone. */
  completesMilestone?: boolean;
}
export interface SubmitCompletionRequest {
  actor: Actor;
  evidence: string[];
  note?: string;
}
export interface VerifyCompletionRequest {
  actor: Actor;
  accept: boolean;
  reason?: string;
}
export interface RequestExtensionRequest {
  actor: Actor;
  newDeadline: IsoDate;
  reason: string;
}
export interface DecideExtensionRequest {
  actor: Actor;
  approve: boolean;
  reason?: string;
}
export interface ReassignRequest {
  actor: Actor;
  leadUnit?: string;
  leader?: string;
  reason: string;
}
export interface RefreshCalendarRequest {
  actor: Actor;
  /** Published arrangements (the data package's and the installed ones). */
  years: Record<string, CalendarYear>;
  /** The statutory arrangement of years still unpublished, for planning into them provisionally. */
  provisionalYears?: Record<string, CalendarYear>;
}

const STATUS_ZH: Record<MeasureStatus, string> = { active: '整改中', submitted: '已提交待核验', closed: '已销号' };

function requireActor(actor: Actor | undefined): Actor {
  if (!actor || typeof actor.who !== 'string' || !actor.who.trim() || !['unit', 'leader', 'office', 'leadership'].includes(actor.role)) {
    throw new RequestRejected('缺少操作人: 应为 unit:<牵头单位>、office:<姓名或岗位>、leader:<职务> 或 leadership:<姓名或岗位>');
  }
  return actor;
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new RequestRejected(`${what}不能为空`);
  if (value.length > MAX_TEXT) throw new RequestRejected(`${what}过长(最多 ${MAX_TEXT} 字)`);
  return value.trim();
}

function optionalText(value: unknown, what: string): void {
  if (value !== undefined && value !== null) requireText(value, what);
}

function requireBoolean(value: unknown, what: string): void {
  if (typeof value !== 'boolean') throw new RequestRejected(`${what}应为 true 或 false`);
}

/** Only the measure's current lead unit reports and requests for it. */
function requireLeadUnit(state: MeasureState, actor: Actor | undefined): void {
  const a = requireActor(actor);
  if (a.role !== 'unit' || a.who !== state.leadUnit) {
    throw new RequestRejected(`只有本措施的牵头单位(${state.leadUnit})可以这样做;${describe(a)}无权操作`);
  }
}

function requireOffice(actor: Actor | undefined, what: string): void {
  const a = requireActor(actor);
  if (a.role !== 'office') throw new RequestRejected(`只有巡察办可以${what};${describe(a)}无权操作`);
}

function describe(a: Actor): string {
  return { unit: '单位', leader: '区领导', office: '巡察办', leadership: '领导小组' }[a.role] + `「${a.who}」`;
}

function requireStatus(state: MeasureState, allowed: MeasureStatus[], what: string): void {
  if (!allowed.includes(state.progress.status)) {
    throw new RequestRejected(`措施当前状态为「${STATUS_ZH[state.progress.status]}」,不能${what}`);
  }
}

export function validateReportProgress(state: MeasureState, r: ReportProgressRequest): void {
  requireLeadUnit(state, r?.actor);
  requireText(r.note, '进展说明');
  if (r.completesMilestone !== undefined) requireBoolean(r.completesMilestone, 'completesMilestone');
  requireStatus(state, ['active', 'submitted'], '报送进展');
  if (r.completesMilestone) {
    if (state.spec.kind !== 'phased') throw new RequestRejected('只有分阶段整改措施才有阶段节点');
    if (state.progress.milestonesDone >= state.spec.milestones.length) throw new RequestRejected('所有阶段节点均已完成');
  }
}

export function validateSubmitCompletion(state: MeasureState, r: SubmitCompletionRequest): void {
  requireLeadUnit(state, r?.actor);
  if (state.spec.kind === 'longterm') throw new RequestRejected('长期坚持类措施不销号,请按周期报送进展');
  requireStatus(state, ['active'], '提交整改完成');
  if (!Array.isArray(r.evidence) || !r.evidence.length) throw new RequestRejected('提交整改完成必须附佐证材料(evidence)');
  if (r.evidence.length > MAX_EVIDENCE) throw new RequestRejected(`佐证材料最多 ${MAX_EVIDENCE} 项`);
  r.evidence.forEach((e, i) => requireText(e, `第 ${i + 1} 项佐证材料`));
  optionalText(r.note, '说明');
}

export function validateVerifyCompletion(state: MeasureState, r: VerifyCompletionRequest): void {
  requireOffice(r?.actor, '核验销号');
  requireStatus(state, ['submitted'], '核验');
  if (typeof r.accept !== 'boolean') throw new RequestRejected('应说明通过(accept)或退回');
  if (!r.accept) requireText(r.reason, '退回理由');
  else optionalText(r.reason, '说明');
}

/** `calendar` is strict (the plan's rule for unpublished years); `now` is the workflow's time. */
export function validateRequestExtension(state: MeasureState, r: RequestExtensionRequest, calendar: WorkCalendar, now: number): void {
  requireLeadUnit(state, r?.actor);
  if (state.spec.kind === 'longterm' || !state.progress.deadline) throw new RequestRejected('本措施没有整改时限,无需延期');
  requireStatus(state, ['active'], '申请延期');
  if (state.pendingExtension) throw new RequestRejected(`已有待审批的延期申请(至 ${state.pendingExtension.newDeadline})`);
  requireText(r.reason, '延期理由');
  if (typeof r.newDeadline !== 'string' || !isIsoDate(r.newDeadline))
    throw new RequestRejected(`新时限应为 YYYY-MM-DD: ${String(r.newDeadline)}`);
  if (r.newDeadline <= state.progress.deadline)
    throw new RequestRejected(`新时限 ${r.newDeadline} 应晚于当前时限 ${state.progress.deadline}`);
  requireWorkdayAhead(r.newDeadline, calendar, state.spec.timeZone, now);
}

/** A new deadline lies after today, on a working day of the (strict) calendar. */
export function requireWorkdayAhead(date: IsoDate, calendar: WorkCalendar, timeZone: string, now: number): void {
  const today = localDate(now, timeZone);
  if (date <= today) throw new RequestRejected(`新时限 ${date} 应晚于今天 ${today}`);
  let workday: boolean;
  try {
    workday = calendar.isWorkday(date);
  } catch (e) {
    if (!(e instanceof CalendarYearUnavailableError)) throw e;
    throw new RequestRejected(
      `新时限 ${date} 所在的 ${e.year} 年节假日安排尚未公布,暂不能定为时限;请选 ${e.year - 1} 年内的日期,或待该年安排公布并导入后再定`,
    );
  }
  if (!workday) throw new RequestRejected(`新时限 ${date} 不是工作日`);
}

export function validateDecideExtension(state: MeasureState, r: DecideExtensionRequest): void {
  requireOffice(r?.actor, '审批延期');
  if (!state.pendingExtension) throw new RequestRejected('没有待审批的延期申请');
  requireStatus(state, ['active'], '审批延期');
  if (typeof r.approve !== 'boolean') throw new RequestRejected('应说明批准(approve)或不批准');
  if (!r.approve) requireText(r.reason, '不批准的理由');
  else optionalText(r.reason, '说明');
}

export function validateReassign(state: MeasureState, r: ReassignRequest): void {
  requireOffice(r?.actor, '调整牵头单位或负责区领导');
  requireText(r.reason, '调整理由');
  if (r.leadUnit !== undefined && typeof r.leadUnit !== 'string') throw new RequestRejected('牵头单位应为文本');
  if (r.leader !== undefined && typeof r.leader !== 'string') throw new RequestRejected('负责区领导应为文本');
  if (!r.leadUnit && !r.leader) throw new RequestRejected('应指定新的牵头单位(leadUnit)或负责区领导(leader)');
  if (r.leadUnit !== undefined && !state.spec.directory.units.includes(r.leadUnit))
    throw new RequestRejected(`牵头单位不在计划名录中或没有联系邮箱: ${r.leadUnit}`);
  if (r.leader !== undefined && !state.spec.directory.leaders.includes(r.leader))
    throw new RequestRejected(`负责区领导不在计划名录中: ${r.leader}`);
  if ((r.leadUnit ?? state.leadUnit) === state.leadUnit && (r.leader ?? state.leader) === state.leader) {
    throw new RequestRejected('新的牵头单位和负责区领导与当前相同');
  }
  if (state.progress.status === 'closed') throw new RequestRejected('措施已销号,不能调整');
}

export function validateRefreshCalendar(r: RefreshCalendarRequest): void {
  requireOffice(r?.actor, '更新节假日安排');
  if (!r.years || typeof r.years !== 'object') throw new RequestRejected('缺少节假日安排(years)');
  if (r.provisionalYears !== undefined && (typeof r.provisionalYears !== 'object' || r.provisionalYears === null))
    throw new RequestRejected('provisionalYears 应为按年份的安排');
  for (const [what, years] of [
    ['years', r.years],
    ['provisionalYears', r.provisionalYears ?? {}],
  ] as const) {
    for (const [year, data] of Object.entries(years)) {
      if (!/^\d{4}$/.test(year)) throw new RequestRejected(`${what}: 年份应为四位数字: ${year}`);
      if (!Array.isArray(data?.holidays) || !Array.isArray(data?.workdays))
        throw new RequestRejected(`${what}: ${year}年应有 holidays 和 workdays 两个列表`);
      for (const d of [...data.holidays, ...data.workdays]) {
        if (typeof d !== 'string' || !isIsoDate(d)) throw new RequestRejected(`${what}: ${year}年的日期无效: ${String(d)}`);
      }
    }
    const [problem] = calendarYearProblems(years);
    if (problem) throw new RequestRejected(`${what}: ${problem.year}年: ${problem.message}`);
  }
}

// ---- what an accepted request changes; each returns the event notices it causes ----

export interface EventNotice {
  kind: EventKind;
  audiences: Audience[];
  event: NonNullable<Notice['event']>;
}

function audit(state: MeasureState, now: number, action: AuditEntry['action'], actor: Actor, detail: Record<string, unknown>): string {
  const at = new Date(now).toISOString();
  state.audit.push({ at, action, actor, detail });
  if (state.audit.length > AUDIT_KEPT) state.audit.splice(0, state.audit.length - AUDIT_KEPT);
  return at;
}

export function applyReportProgress(state: MeasureState, r: ReportProgressRequest, now: number): EventNotice[] {
  const detail: Record<string, unknown> = { note: r.note };
  if (r.completesMilestone) {
    detail.milestone = state.progress.milestonesDone;
    state.progress.milestonesDone += 1;
  } else if (state.spec.kind === 'longterm') {
    const period = periodForReport(state.spec, state.progress, now);
    if (period) {
      state.progress.reportsDone.push(period);
      detail.period = period;
    }
  }
  audit(state, now, 'progress', r.actor, detail);
  return [];
}

export function applySubmitCompletion(state: MeasureState, r: SubmitCompletionRequest, now: number): EventNotice[] {
  const evidence = r.evidence.filter((e) => e.trim());
  const at = audit(state, now, 'submit', r.actor, { evidence, note: r.note });
  state.submission = { evidence, note: r.note, by: r.actor, at };
  state.progress.status = 'submitted';
  return [{ kind: 'submitted', audiences: ['office'], event: { actor: r.actor, evidence, note: r.note } }];
}

export function applyVerifyCompletion(state: MeasureState, r: VerifyCompletionRequest, now: number): EventNotice[] {
  const at = audit(state, now, 'verify', r.actor, { accept: r.accept, reason: r.reason });
  if (r.accept) {
    state.progress.status = 'closed';
    state.closedAt = at;
    state.pendingExtension = undefined; // nothing left to extend
  } else {
    state.progress.status = 'active';
    state.rejections.push({ reason: r.reason!, by: r.actor, at });
    state.submission = undefined;
  }
  return [
    { kind: 'verification-result', audiences: ['leadUnit', 'leader'], event: { actor: r.actor, accepted: r.accept, reason: r.reason } },
  ];
}

export function applyRequestExtension(state: MeasureState, r: RequestExtensionRequest, now: number): EventNotice[] {
  const at = audit(state, now, 'extension-request', r.actor, { newDeadline: r.newDeadline, reason: r.reason });
  state.pendingExtension = { newDeadline: r.newDeadline, reason: r.reason, by: r.actor, at };
  return [
    {
      kind: 'extension-requested',
      audiences: ['office'],
      event: { actor: r.actor, reason: r.reason, requestedDeadline: r.newDeadline, previousDeadline: state.progress.deadline },
    },
  ];
}

export function applyDecideExtension(state: MeasureState, r: DecideExtensionRequest, now: number): EventNotice[] {
  const request = state.pendingExtension!;
  const previousDeadline = state.progress.deadline;
  const at = audit(state, now, 'extension-decision', r.actor, { approve: r.approve, reason: r.reason, newDeadline: request.newDeadline });
  state.pendingExtension = undefined;
  if (r.approve) {
    state.progress.deadline = request.newDeadline;
    state.progress.deadlineVersion += 1;
    state.deadlines.push({ deadline: request.newDeadline, version: state.progress.deadlineVersion, since: at, reason: request.reason });
  }
  return [
    {
      kind: 'extension-decided',
      audiences: ['leadUnit', 'leader'],
      event: {
        actor: r.actor,
        approved: r.approve,
        reason: r.reason ?? request.reason,
        previousDeadline,
        requestedDeadline: request.newDeadline,
      },
    },
  ];
}

export function applyReassign(state: MeasureState, r: ReassignRequest, now: number): EventNotice[] {
  const previousLeadUnit = state.leadUnit;
  const previousLeader = state.leader;
  audit(state, now, 'reassign', r.actor, { leadUnit: r.leadUnit, leader: r.leader, reason: r.reason, previousLeadUnit, previousLeader });
  state.leadUnit = r.leadUnit ?? state.leadUnit;
  state.leader = r.leader ?? state.leader;
  return [
    {
      kind: 'reassigned',
      audiences: ['leadUnit', 'leader'],
      event: { actor: r.actor, reason: r.reason, previousLeadUnit, previousLeader },
    },
  ];
}

export function applyRefreshCalendar(state: MeasureState, r: RefreshCalendarRequest, now: number): EventNotice[] {
  const provisional = Object.keys(r.provisionalYears ?? {});
  audit(state, now, 'calendar', r.actor, { years: Object.keys(r.years), ...(provisional.length ? { provisionalYears: provisional } : {}) });
  Object.assign(state.calendarYears, r.years);
  if (provisional.length) state.provisionalYears = { ...state.provisionalYears, ...r.provisionalYears };
  return [];
}

/** A review's outcome: a relapse reopens the closed measure with the office's new deadline. */
export function applyLookbackOutcome(state: MeasureState, r: LookbackOutcomeReport, now: number): EventNotice[] {
  const review = state.lookbacks?.find((l) => l.round === r.round);
  if (review) review.outcome = r.outcome;
  if (r.outcome !== 'relapsed' || !r.newDeadline) return [];
  // A review of an earlier close-out, or one that finds the measure already reopened: kept on record, nothing moves.
  const stale = !review || !state.closedAt || review.startedAt < state.closedAt;
  if (state.progress.status !== 'closed' || stale) {
    audit(state, now, 'relapse', r.by, { round: r.round, notes: r.notes, newDeadline: r.newDeadline, applied: false });
    return [];
  }
  const at = audit(state, now, 'relapse', r.by, { round: r.round, notes: r.notes, newDeadline: r.newDeadline });
  state.campaignRequests = []; // reopened: nothing left for a campaign to review
  state.progress.status = 'active';
  state.submission = undefined;
  state.progress.deadline = r.newDeadline;
  state.progress.deadlineVersion += 1;
  state.deadlines.push({
    deadline: r.newDeadline,
    version: state.progress.deadlineVersion,
    since: at,
    reason: `第${r.round}次回头看发现反弹回潮: ${r.notes}`,
  });
  return [
    {
      kind: 'relapsed',
      audiences: ['leadUnit', 'leader', 'leadershipGroup'],
      event: { actor: r.by, reason: r.notes, requestedDeadline: r.newDeadline, outcome: 'relapsed' },
    },
  ];
}

/** The instant the measure falls due under its current deadline. */
export function currentDueAt(state: MeasureState): number | undefined {
  return state.progress.deadline && state.spec.kind !== 'longterm' ? dueAt(state.spec, state.progress.deadline) : undefined;
}
