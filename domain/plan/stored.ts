/**
 * What a plan keeps in Temporal (its `plan:<id>` workflow): everything a worker needs to send
 * the plan's mail — title, time zone, calendar options, the directory of units, leaders, the office
 * and the leadership group, and the policy — so that any worker on any machine resolves
 * recipients without reading plan files, and an address corrected there takes effect at the next
 * send. Measures live in their own workflows. Pure; the validator runs inside the workflow, so it
 * checks shape with plain code (the client has already checked the whole plan with its schema).
 */
import type { Actor } from '../notice';
import { RequestRejected, requirePermission } from '../permissions';
import type { Directory, Plan } from './schema';

export type StoredPlan = Pick<Plan, 'id' | 'title' | 'feedbackDate' | 'timeZone' | 'calendar' | 'directory' | 'policy'>;

/** The part of a plan file its plan workflow keeps. */
export function storedPlanOf(plan: Plan): StoredPlan {
  const { id, title, feedbackDate, timeZone, calendar, directory, policy } = plan;
  return { id, title, feedbackDate, timeZone, ...(calendar ? { calendar } : {}), directory, policy };
}

/** What the plan workflow answers: the stored plan, its version and every change to it. */
export interface PlanView {
  plan: StoredPlan;
  /** 1 when started; one more for every accepted update. */
  version: number;
  changes: { at: string; by: Actor; reason: string; what: string[] }[];
}

export interface UpdatePlanRequest {
  actor: Actor;
  plan: StoredPlan;
  reason: string;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isEmails = (v: unknown, atLeast: number) => Array.isArray(v) && v.length >= atLeast && v.every((e) => isText(e) && e.includes('@'));

/** A directory's shape, in words for the refusal (the client checks the rest with the plan schema). */
export function directoryProblem(d: Directory | undefined): string | undefined {
  if (!d || typeof d !== 'object') return '缺少名录（directory）';
  if (!Array.isArray(d.units) || !d.units.every((u) => isText(u?.name) && isEmails(u.emails, 0))) return '名录中的单位应有名称和邮箱列表';
  if (!Array.isArray(d.leaders) || !d.leaders.every((l) => isText(l?.role) && isEmails([l.email], 1)))
    return '名录中的区领导应有职务和邮箱';
  for (const [key, label] of [
    ['office', '巡察办'],
    ['leadershipGroup', '领导小组'],
  ] as const)
    if (!isText(d[key]?.name) || !isEmails(d[key]?.emails, 1)) return `名录中的${label}应有名称和至少一个邮箱`;
  return undefined;
}

/** The office replaces the stored plan: the same plan, a well-formed directory, a reason. */
export function validateUpdatePlan(current: StoredPlan, r: UpdatePlanRequest): void {
  requirePermission('applyPlan', r?.actor);
  if (!isText(r.reason)) throw new RequestRejected('调整理由不能为空');
  if (!r.plan || r.plan.id !== current.id) throw new RequestRejected(`计划编号不符：应为${current.id}`);
  if (!isText(r.plan.title)) throw new RequestRejected('计划标题不能为空');
  if (!isText(r.plan.timeZone)) throw new RequestRejected('缺少时区');
  const problem = directoryProblem(r.plan.directory);
  if (problem) throw new RequestRejected(problem);
}

/** What changed between two stored plans, in words (for the plan's own record and for people). */
export function planChanges(before: StoredPlan, after: StoredPlan): string[] {
  const what: string[] = [];
  if (before.title !== after.title) what.push(`标题：${before.title} → ${after.title}`);
  if (before.timeZone !== after.timeZone) what.push(`时区：${before.timeZone} → ${after.timeZone}`);
  const emails = (list: { name: string; emails: string[] }[]) => new Map(list.map((u) => [u.name, u.emails.join(',')]));
  const unitsBefore = emails(before.directory.units);
  const unitsAfter = emails(after.directory.units);
  for (const [name, addr] of unitsAfter) {
    if (!unitsBefore.has(name)) what.push(`新增单位：${name}`);
    else if (unitsBefore.get(name) !== addr) what.push(`单位邮箱：${name}`);
  }
  for (const name of unitsBefore.keys()) if (!unitsAfter.has(name)) what.push(`删除单位：${name}`);
  // Group robots (their references: the secrets are not in the plan).
  const bots = <T extends { channels?: unknown[] }>(list: T[], key: (x: T) => string) =>
    new Map(list.map((x) => [key(x), JSON.stringify(x.channels ?? [])]));
  const unitBotsBefore = bots(before.directory.units, (u) => u.name);
  for (const [name, channels] of bots(after.directory.units, (u) => u.name))
    if (unitBotsBefore.has(name) && unitBotsBefore.get(name) !== channels) what.push(`单位群机器人：${name}`);
  const leaderBotsBefore = bots(before.directory.leaders, (l) => l.role);
  for (const [role, channels] of bots(after.directory.leaders, (l) => l.role))
    if (leaderBotsBefore.has(role) && leaderBotsBefore.get(role) !== channels) what.push(`区领导群机器人：${role}`);
  const leadersBefore = new Map(before.directory.leaders.map((l) => [l.role, l.email]));
  for (const l of after.directory.leaders) {
    if (!leadersBefore.has(l.role)) what.push(`新增区领导：${l.role}`);
    else if (leadersBefore.get(l.role) !== l.email) what.push(`区领导邮箱：${l.role}`);
  }
  for (const role of leadersBefore.keys()) if (!after.directory.leaders.some((l) => l.role === role)) what.push(`删除区领导：${role}`);
  for (const [key, label] of [
    ['office', '巡察办'],
    ['leadershipGroup', '领导小组'],
  ] as const)
    if (JSON.stringify(before.directory[key]) !== JSON.stringify(after.directory[key])) what.push(`${label}联系方式`);
  if (JSON.stringify(before.policy) !== JSON.stringify(after.policy)) what.push('提醒规则');
  if (JSON.stringify(before.calendar ?? null) !== JSON.stringify(after.calendar ?? null)) what.push('日历设置');
  return what;
}
