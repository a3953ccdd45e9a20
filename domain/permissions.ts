/**
 * Who may do what, in one table: the measure's lead unit acts for its own measure, the inspection
 * office (巡察办) decides, leaders and the leadership group read. Measure and look-back validators,
 * the CLI and the web all ask here.
 */
import type { Actor, Role } from './notice';

export class RequestRejected extends Error {
  override name = 'RequestRejected';
}

/** Who may: the measure's current lead unit, or the inspection office. */
export type Holder = 'leadUnit' | 'office';

export const PERMISSIONS = {
  reportProgress: { label: '报送进展', holder: 'leadUnit' },
  submitCompletion: { label: '提交整改完成', holder: 'leadUnit' },
  requestExtension: { label: '申请延期', holder: 'leadUnit' },
  verifyCompletion: { label: '核验销号', holder: 'office' },
  decideExtension: { label: '审批延期', holder: 'office' },
  reassign: { label: '调整牵头单位或负责区领导', holder: 'office' },
  refreshCalendar: { label: '更新节假日安排', holder: 'office' },
  updatePolicy: { label: '调整提醒规则', holder: 'office' },
  recordLookback: { label: '记录回头看结论', holder: 'office' },
  launchCampaign: { label: '开展回头看专项', holder: 'office' },
  remind: { label: '催办', holder: 'office' },
  requestLink: { label: '申请新的办理链接', holder: 'leadUnit' },
  applyPlan: { label: '更新计划名录和规则', holder: 'office' },
  amendMeasure: { label: '按计划调整措施', holder: 'office' },
  withdrawMeasure: { label: '撤销措施', holder: 'office' },
} as const satisfies Record<string, { label: string; holder: Holder }>;

export type Action = keyof typeof PERMISSIONS;

export const ROLE_LABELS: Record<Role, string> = { unit: '单位', leader: '区领导', office: '巡察办', leadership: '领导小组' };

/** How a person reached the measure: a mail's signed link, signed in to the web, or a reply by mail. Absent: the CLI (operators). */
export const VIA_LABELS: Record<NonNullable<Actor['via']>, string> = { link: '邮件链接', web: '网页', mail: '邮件回复' };

/** `单位「区发改委」`: who asked, in refusals. */
export function describeActor(a: Actor): string {
  return `${ROLE_LABELS[a.role]}“${a.who}”`;
}

/** `单位·区发改委(经邮件链接)`: who acted, on the timeline. */
export function actorLabel(a: Actor): string {
  const via = a.via && Object.hasOwn(VIA_LABELS, a.via) ? `（经${VIA_LABELS[a.via]}）` : '';
  return `${ROLE_LABELS[a.role]}·${a.who}${via}`;
}

/**
 * Who signs in to the web, and what each may do there: office staff act as the office
 * (`office:<name>`), leaders read everything and act on nothing. Lead units have no accounts:
 * they act from signed links.
 */
export const ACCOUNT_ROLES = ['office', 'leadership'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
/** What an account is, said in brackets after its name (常务副区长（领导，只读）): no brackets of its own. */
export const ACCOUNT_ROLE_LABELS: Record<AccountRole, string> = { office: '巡察办工作人员', leadership: '领导，只读' };

/** The actor a signed-in person acts as; undefined for those who only read. */
export function accountActor(account: { name: string; role: AccountRole }): Actor | undefined {
  return account.role === 'office' ? { role: 'office', who: account.name, via: 'web' } : undefined;
}

/**
 * Which plans an account reaches (issue 26: many districts, one desk). `plans` are read and acted
 * on (`'all'`: every plan, those started later too); `readAll` reads every plan besides. An
 * account without a scope (those made before scopes) reads and acts everywhere, as before, and
 * `rectify doctor` counts it. Acting needs the role as well (`accountActor`): a leader reads
 * within the scope and acts nowhere.
 */
export interface AccountScope {
  plans: 'all' | readonly string[];
  readAll?: boolean;
}

/** The part of an account the scope rule reads. */
export interface Scoped {
  scope?: AccountScope;
}

/** Whether the account may act on the plan, as far as its scope goes (its role aside). */
export function mayAct(account: Scoped, planId: string): boolean {
  const s = account.scope;
  return !s || s.plans === 'all' || s.plans.includes(planId);
}

/** Whether the account may read the plan: its pages, downloads, report, evidence and campaigns. */
export function mayRead(account: Scoped, planId: string): boolean {
  return !!account.scope?.readAll || mayAct(account, planId);
}

/** Whether the account reads every plan, those started later too (unscoped accounts do). */
export function readsEverything(account: Scoped): boolean {
  const s = account.scope;
  return !s || !!s.readAll || s.plans === 'all';
}

/** The plans of `all` the account may read, in their order. */
export function visiblePlans<T extends string | { id: string }>(account: Scoped, all: readonly T[]): T[] {
  return all.filter((p) => mayRead(account, typeof p === 'string' ? p : p.id));
}

/** The plans of `all` the account may act on, in their order. */
export function actablePlans<T extends string | { id: string }>(account: Scoped, all: readonly T[]): T[] {
  return all.filter((p) => mayAct(account, typeof p === 'string' ? p : p.id));
}

/** A scope in words (rectify user list, doctor): 全部计划, 计划a、b, 查看全部计划，办理计划a. */
export function scopeWords(scope: AccountScope | undefined): string {
  if (!scope) return '未限定范围（查看和办理全部计划）';
  if (scope.plans === 'all') return '全部计划';
  const named = scope.plans.length ? `计划${scope.plans.join('、')}` : '';
  if (!scope.readAll) return named;
  return named ? `查看全部计划，办理${named}` : '查看全部计划，不办理';
}

/** A well-formed actor, or a refusal that says how to name one. */
/**
 * Characters no request text may carry: C0 controls (but tab and line breaks), DEL, and the
 * bidirectional overrides that make text read differently from what it is.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** A name of a unit, post or role as an actor gives it. */
const MAX_WHO = 100;

export function requireActor(actor: Actor | undefined): Actor {
  if (
    !actor ||
    typeof actor !== 'object' ||
    typeof actor.who !== 'string' ||
    !actor.who.trim() ||
    actor.who.length > MAX_WHO ||
    CONTROL_CHARACTERS.test(actor.who) ||
    !Object.hasOwn(ROLE_LABELS, actor.role) ||
    (actor.via !== undefined && !Object.hasOwn(VIA_LABELS, actor.via))
  ) {
    throw new RequestRejected('缺少操作人：应为 unit:<牵头单位>、office:<姓名或岗位>、leader:<职务> 或 leadership:<姓名或岗位>');
  }
  return actor;
}

/** Whether `actor` may take `action` (on a measure whose lead unit is `leadUnit`). */
export function mayDo(action: Action, actor: Actor, leadUnit?: string): boolean {
  const { holder } = PERMISSIONS[action];
  return holder === 'office' ? actor.role === 'office' : actor.role === 'unit' && actor.who === leadUnit;
}

/** The actor, if allowed; else a refusal naming who may and who asked. */
export function requirePermission(action: Action, actor: Actor | undefined, leadUnit?: string): Actor {
  const a = requireActor(actor);
  if (mayDo(action, a, leadUnit)) return a;
  const who =
    PERMISSIONS[action].holder === 'office'
      ? `只有巡察办可以${PERMISSIONS[action].label}`
      : `只有本措施的牵头单位（${leadUnit}）可以这样做`;
  throw new RequestRejected(`${who}；${describeActor(a)}无权操作`);
}
