/**
 * What people may ask of a measure, and the validators that refuse a bad request with a message
 * for people before anything reaches history. Who may act is decided in permissions.ts. One module
 * over 300 lines: every request and its validator, side by side, so each refusal reads alike.
 */
import { calendarYearProblems, CalendarYearUnavailableError, type CalendarYear, type WorkCalendar } from './calendar';
import { isIsoDate, localDate, plainDateZh, type IsoDate } from './dates';
import type { MeasureState } from './measure-state';
import type { MeasureStatus } from './measure';
import type { MeasureKind } from './plan/schema';
import type { Actor } from './notice';
import { CONTROL_CHARACTERS, RequestRejected, requirePermission } from './permissions';
import { policyProblems, type Policy } from './policy';
import { STATUS_LABELS } from './vocabulary';

export { RequestRejected };

export const MAX_TEXT = 2000;
export const MAX_EVIDENCE = 50;

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

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new RequestRejected(`${what}不能为空`);
  if (value.length > MAX_TEXT) throw new RequestRejected(`${what}过长（最多${MAX_TEXT}字）`);
  if (CONTROL_CHARACTERS.test(value))
    throw new RequestRejected(`${what}含有控制字符（如 \\u0000、ESC 或文字方向控制符），请删去后重新提交`);
  return value.trim();
}

function optionalText(value: unknown, what: string): void {
  if (value !== undefined && value !== null) requireText(value, what);
}

function requireBoolean(value: unknown, what: string): void {
  if (typeof value !== 'boolean') throw new RequestRejected(`${what} 应为 true 或 false`);
}

function requireStatus(state: MeasureState, allowed: MeasureStatus[], what: string): void {
  if (!allowed.includes(state.progress.status)) {
    throw new RequestRejected(`措施当前状态为“${STATUS_LABELS[state.progress.status]}”，不能${what}`);
  }
}

export function validateReportProgress(state: MeasureState, r: ReportProgressRequest): void {
  requirePermission('reportProgress', r?.actor, state.leadUnit);
  requireText(r.note, '进展说明');
  if (r.completesMilestone !== undefined) requireBoolean(r.completesMilestone, 'completesMilestone');
  requireStatus(state, ['active', 'submitted'], '报送进展');
  if (r.completesMilestone) {
    if (state.spec.kind !== 'phased') throw new RequestRejected('只有分阶段整改措施才有阶段节点');
    if (state.progress.milestonesDone >= state.spec.milestones.length) throw new RequestRejected('所有阶段节点均已完成');
  }
}

export function validateSubmitCompletion(state: MeasureState, r: SubmitCompletionRequest): void {
  requirePermission('submitCompletion', r?.actor, state.leadUnit);
  if (state.spec.kind === 'longterm') throw new RequestRejected('长期坚持类措施不销号，请按周期报送进展');
  requireStatus(state, ['active'], '提交整改完成');
  if (!Array.isArray(r.evidence) || !r.evidence.length) throw new RequestRejected('提交整改完成必须附佐证材料（evidence）');
  if (r.evidence.length > MAX_EVIDENCE) throw new RequestRejected(`佐证材料最多${MAX_EVIDENCE}项`);
  r.evidence.forEach((e, i) => requireText(e, `第${i + 1}项佐证材料`));
  optionalText(r.note, '说明');
}

export function validateVerifyCompletion(state: MeasureState, r: VerifyCompletionRequest): void {
  requirePermission('verifyCompletion', r?.actor);
  requireStatus(state, ['submitted'], '核验');
  if (typeof r.accept !== 'boolean') throw new RequestRejected('应说明通过（accept）或退回');
  if (!r.accept) requireText(r.reason, '退回理由');
  else optionalText(r.reason, '说明');
}

/** `calendar` is strict (the plan's rule for unpublished years); `now` is the workflow's time. */
export function validateRequestExtension(state: MeasureState, r: RequestExtensionRequest, calendar: WorkCalendar, now: number): void {
  requirePermission('requestExtension', r?.actor, state.leadUnit);
  if (state.spec.kind === 'longterm' || !state.progress.deadline) throw new RequestRejected('本措施没有整改时限，无需延期');
  requireStatus(state, ['active'], '申请延期');
  if (state.pendingExtension) throw new RequestRejected(`已有待审批的延期申请（至${plainDateZh(state.pendingExtension.newDeadline)}）`);
  requireText(r.reason, '延期理由');
  if (typeof r.newDeadline !== 'string' || !isIsoDate(r.newDeadline))
    throw new RequestRejected(
      r.newDeadline === undefined || r.newDeadline === '' ? '缺少新时限' : `新时限应为 YYYY-MM-DD: ${String(r.newDeadline)}`,
    );
  if (r.newDeadline <= state.progress.deadline)
    throw new RequestRejected(`新时限${plainDateZh(r.newDeadline)}应晚于当前时限（${plainDateZh(state.progress.deadline)}）`);
  requireDueAhead(r.newDeadline, calendar, state.spec.timeZone, now, state.progress.deadline);
}

/**
 * A new deadline falls due after today (and after the current one, if given), by the one rule: a
 * date on a day off is due at the end of the last working day before it. Under the strict
 * calendar a year nobody has published cannot hold a deadline yet. Extensions, relapses, the
 * plan's new deadlines and a look-back campaign's due date all pass here. `what` names the date.
 */
export function requireDueAhead(
  date: IsoDate,
  calendar: WorkCalendar,
  timeZone: string,
  now: number,
  current?: IsoDate,
  what = '新时限',
): void {
  const today = localDate(now, timeZone);
  if (date <= today) throw new RequestRejected(`${what}${plainDateZh(date)}应晚于今天（${plainDateZh(today)}）`);
  let due: IsoDate;
  let currentDue: IsoDate | undefined;
  try {
    due = calendar.onOrBefore(date);
    currentDue = current === undefined ? undefined : calendar.onOrBefore(current);
  } catch (e) {
    if (!(e instanceof CalendarYearUnavailableError)) throw e;
    throw new RequestRejected(
      `${what}${plainDateZh(date)}所在的${e.year}年节假日安排尚未公布，暂不能定为时限；请选${e.year - 1}年内的日期，或待该年安排公布并导入后再定`,
    );
  }
  const byRule = due === date ? '' : `（${plainDateZh(date)}不是工作日，按“X前”的规则于${plainDateZh(due)}到期）`;
  if (due <= today) throw new RequestRejected(`${what}${plainDateZh(date)}${byRule}应晚于今天（${plainDateZh(today)}）`);
  if (currentDue !== undefined && due <= currentDue)
    throw new RequestRejected(`${what}${plainDateZh(date)}${byRule}并未晚于当前时限（${plainDateZh(currentDue)}）`);
}

export function validateDecideExtension(state: MeasureState, r: DecideExtensionRequest): void {
  requirePermission('decideExtension', r?.actor);
  if (!state.pendingExtension) throw new RequestRejected('没有待审批的延期申请');
  requireStatus(state, ['active'], '审批延期');
  if (typeof r.approve !== 'boolean') throw new RequestRejected('应说明批准（approve）或不批准');
  if (!r.approve) requireText(r.reason, '不批准的理由');
  else optionalText(r.reason, '说明');
}

export function validateReassign(state: MeasureState, r: ReassignRequest): void {
  requirePermission('reassign', r?.actor);
  requireText(r.reason, '调整理由');
  if (r.leadUnit !== undefined && typeof r.leadUnit !== 'string') throw new RequestRejected('牵头单位应为文本');
  if (r.leader !== undefined && typeof r.leader !== 'string') throw new RequestRejected('负责区领导应为文本');
  if (!r.leadUnit && !r.leader) throw new RequestRejected('应指定新的牵头单位（leadUnit）或负责区领导（leader）');
  if (r.leadUnit !== undefined && !state.spec.directory.units.includes(r.leadUnit))
    throw new RequestRejected(`牵头单位不在计划名录中或没有联系邮箱：${r.leadUnit}`);
  if (r.leader !== undefined && !state.spec.directory.leaders.includes(r.leader))
    throw new RequestRejected(`负责区领导不在计划名录中：${r.leader}`);
  if ((r.leadUnit ?? state.leadUnit) === state.leadUnit && (r.leader ?? state.leader) === state.leader) {
    throw new RequestRejected('新的牵头单位和负责区领导与当前相同');
  }
  if (state.progress.status === 'closed') throw new RequestRejected('措施已销号，不能调整');
}

export function validateRefreshCalendar(r: RefreshCalendarRequest): void {
  requirePermission('refreshCalendar', r?.actor);
  if (!r.years || typeof r.years !== 'object') throw new RequestRejected('缺少节假日安排（years）');
  if (r.provisionalYears !== undefined && (typeof r.provisionalYears !== 'object' || r.provisionalYears === null))
    throw new RequestRejected('provisionalYears 应为按年份的安排');
  for (const [what, years] of [
    ['years', r.years],
    ['provisionalYears', r.provisionalYears ?? {}],
  ] as const) {
    for (const [year, data] of Object.entries(years)) {
      if (!/^\d{4}$/.test(year)) throw new RequestRejected(`${what}：年份应为四位数字：${year}`);
      if (!Array.isArray(data?.holidays) || !Array.isArray(data?.workdays))
        throw new RequestRejected(`${what}：${year}年应有 holidays 和 workdays 两个列表`);
      for (const d of [...data.holidays, ...data.workdays]) {
        if (typeof d !== 'string' || !isIsoDate(d)) throw new RequestRejected(`${what}：${year}年的日期无效：${String(d)}`);
      }
    }
    const [problem] = calendarYearProblems(years);
    if (problem) throw new RequestRejected(`${what}：${problem.year}年：${problem.message}`);
  }
}

export interface RemindRequest {
  actor: Actor;
  note?: string;
  /** Urge again on a day it has already been urged. */
  force?: boolean;
}

/**
 * 催办: the office urges an open measure now, at most once a day unless forced (`now` is the
 * workflow's time; the day is the plan's). A submitted measure waits for the office, not the unit.
 */
export function validateRemind(state: MeasureState, r: RemindRequest, now: number): void {
  requirePermission('remind', r?.actor);
  optionalText(r.note, '催办说明');
  if (r.force !== undefined) requireBoolean(r.force, 'force');
  if (state.progress.status === 'closed') throw new RequestRejected('措施已销号，无需催办');
  if (state.progress.status === 'submitted') throw new RequestRejected('措施已提交待核验，请先核验销号或退回，无需催办牵头单位');
  const zone = state.spec.timeZone;
  const today = localDate(now, zone);
  const last = [...state.audit].reverse().find((a) => a.action === 'remind');
  if (!r.force && last && localDate(Date.parse(last.at), zone) === today) {
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
      Date.parse(last.at),
    );
    throw new RequestRejected(`今天${time}已由${last.actor.who}催办过；每项措施每个工作日催办一次，确需再次催办请加 --force`);
  }
}

export interface RequestLinkRequest {
  /** The measure's current lead unit, by its link page (`via: 'link'`): the link goes only to its registered addresses. */
  actor: Actor;
}

/** How often a measure sends a new link on request: at most once in this many minutes, and this many a day. */
export const RELINK_LIMITS = { minutes: 10, perDay: 5 } as const;

/**
 * A lead unit whose link was refused (expired, superseded) asks for a new one: mailed to its own
 * registered addresses only, while the measure is open, at most once in RELINK_LIMITS.minutes and
 * RELINK_LIMITS.perDay times a (local) day.
 */
export function validateRequestLink(state: MeasureState, r: RequestLinkRequest, now: number): void {
  requirePermission('requestLink', r?.actor, state.leadUnit);
  requireStatus(state, ['active', 'submitted'], '发送办理链接（本措施已销号，无需再办理）');
  const zone = state.spec.timeZone;
  const sent = state.audit.filter((a) => a.action === 'relink');
  const last = sent.at(-1);
  if (last && now - Date.parse(last.at) < RELINK_LIMITS.minutes * 60_000) {
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
      Date.parse(last.at),
    );
    throw new RequestRejected(`${time}已向本单位邮箱发送新的办理链接，请查收；每${RELINK_LIMITS.minutes}分钟最多发送一次`);
  }
  const today = localDate(now, zone);
  if (sent.filter((a) => localDate(Date.parse(a.at), zone) === today).length >= RELINK_LIMITS.perDay)
    throw new RequestRejected(`今天已发送${RELINK_LIMITS.perDay}次新的办理链接，请查收邮件；仍未收到的，请联系巡察办`);
}

export interface UpdatePolicyRequest {
  actor: Actor;
  /** The measure's whole policy as it should now be (the plan's, resolved for this measure). */
  policy: Policy;
  reason: string;
}

/** The office changes a running measure's reminders, ladder, reporting or look-back policy. */
export function validateUpdatePolicy(r: UpdatePolicyRequest): void {
  requirePermission('updatePolicy', r?.actor);
  requireText(r.reason, '调整理由');
  const [problem] = policyProblems(r.policy);
  if (problem) throw new RequestRejected(`提醒规则有误：${problem}`);
}

/** The plan file's changes to a running measure (`rectify plan apply`): each field as the file now says it. */
export interface AmendMeasureRequest {
  actor: Actor;
  reason: string;
  /** A new 整改时限, as an office decision: deadline version + 1, reminders and the ladder planned again. */
  deadline?: IsoDate;
  title?: string;
  text?: string;
  participants?: string[];
  milestones?: { title: string; deadline: IsoDate }[];
  kind?: MeasureKind;
  /** What the plan file now says of the lead unit and leader (after a reassignment made elsewhere it may already be so). */
  plannedLeadUnit?: string;
  plannedLeader?: string;
  /** The plan's names (units with an address, leaders) for checking reassignments, as the file now has them. */
  directory?: { units: string[]; leaders: string[] };
}

/** Plan texts may be long: a measure's text up to this many characters. */
export const MAX_MEASURE_TEXT = 20_000;

/** `calendar` is strict (the plan's rule for unpublished years); `now` is the workflow's time. */
export function validateAmendMeasure(state: MeasureState, r: AmendMeasureRequest, calendar: WorkCalendar, now: number): void {
  requirePermission('amendMeasure', r?.actor);
  requireText(r.reason, '调整理由');
  const fields = (
    ['deadline', 'title', 'text', 'participants', 'milestones', 'kind', 'plannedLeadUnit', 'plannedLeader', 'directory'] as const
  ).filter((k) => r[k] !== undefined);
  if (!fields.length) throw new RequestRejected('没有要调整的内容');
  if (r.title !== undefined) requireText(r.title, '措施名称');
  if (r.text !== undefined && (typeof r.text !== 'string' || !r.text.trim() || r.text.length > MAX_MEASURE_TEXT))
    throw new RequestRejected(`措施内容不能为空，最多${MAX_MEASURE_TEXT}字`);
  if (r.participants !== undefined && (!Array.isArray(r.participants) || !r.participants.every((p) => typeof p === 'string' && p.trim())))
    throw new RequestRejected('参与单位应为单位名称的列表');
  const kind = r.kind ?? state.spec.kind;
  if (r.kind !== undefined && r.kind !== state.spec.kind) {
    if (!['immediate', 'deadline', 'phased', 'longterm'].includes(r.kind)) throw new RequestRejected(`未知的整改类别：${String(r.kind)}`);
    if (r.kind === 'longterm' || state.spec.kind === 'longterm')
      throw new RequestRejected('长期坚持类与有时限的类别之间不能直接转换：请撤销（--prune）后作为新措施加入');
  }
  if (r.directory !== undefined && (!Array.isArray(r.directory?.units) || !Array.isArray(r.directory?.leaders)))
    throw new RequestRejected('名录应有单位和区领导两个列表');
  // The deadline the measure already has only becomes the plan's (no new version): anything else is a new deadline.
  if (r.deadline !== undefined && r.deadline !== state.progress.deadline) {
    if (state.progress.status === 'closed') throw new RequestRejected('措施已销号，不能调整整改时限');
    if (typeof r.deadline !== 'string' || !isIsoDate(r.deadline)) throw new RequestRejected(`新时限应为 YYYY-MM-DD: ${String(r.deadline)}`);
    requireDueAhead(r.deadline, calendar, state.spec.timeZone, now);
  }
  const deadline = r.deadline ?? state.progress.deadline;
  const milestones = r.milestones ?? state.spec.milestones;
  if (r.milestones !== undefined) {
    if (!Array.isArray(r.milestones) || !r.milestones.every((m) => typeof m?.title === 'string' && m.title.trim() && isIsoDate(m.deadline)))
      throw new RequestRejected('阶段节点应为“名称 + 日期”的列表');
    const done = state.progress.milestonesDone;
    if (JSON.stringify(r.milestones.slice(0, done)) !== JSON.stringify(state.spec.milestones.slice(0, done)))
      throw new RequestRejected(`已完成的前${done}个阶段节点不能修改或删除（只能调整尚未完成的节点）`);
  }
  if (kind === 'phased') {
    for (let i = 1; i < milestones.length; i++)
      if (milestones[i].deadline < milestones[i - 1].deadline) throw new RequestRejected('阶段节点应按时间先后排列');
    if (deadline && milestones.some((m) => m.deadline > deadline))
      throw new RequestRejected(`阶段节点不能晚于整改时限（${plainDateZh(deadline)}）`);
  }
}

export interface WithdrawMeasureRequest {
  actor: Actor;
  reason: string;
}

export function validateWithdrawMeasure(state: MeasureState, r: WithdrawMeasureRequest): void {
  requirePermission('withdrawMeasure', r?.actor);
  requireText(r.reason, '撤销理由');
  if (state.withdrawn) throw new RequestRejected('措施已撤销');
}
