/**
 * Effective policy of one measure: defaults, then the plan's policy, then the plan's
 * override for the measure's kind, then the measure's own override (section by section).
 */
import type { Audience, Cadence, MeasureKind, PlanPolicy, PolicyOverride } from './plan/schema';

export interface EscalationLevel {
  afterWorkdays: number;
  notify: Audience[];
}

export interface Policy {
  reminders: { offsetsWorkdays: number[]; sendAt: string };
  dueAt: string;
  escalation: { levels: EscalationLevel[]; repeatEveryWorkdays: number };
  reporting: { cadence: Cadence; reminderOffsetsWorkdays: number[] };
  lookback: { delaysDays: number[] };
}

export const DEFAULT_POLICY: Policy = {
  reminders: { offsetsWorkdays: [10, 5, 2, 1, 0], sendAt: '09:00' },
  dueAt: '18:00',
  escalation: {
    levels: [
      { afterWorkdays: 0, notify: ['leadUnit', 'leader'] },
      { afterWorkdays: 3, notify: ['leadUnit', 'leader', 'office'] },
      { afterWorkdays: 10, notify: ['leadUnit', 'leader', 'office', 'leadershipGroup'] },
    ],
    repeatEveryWorkdays: 5,
  },
  reporting: { cadence: 'quarterly', reminderOffsetsWorkdays: [5, 1, 0] },
  lookback: { delaysDays: [90] },
};

function apply(base: Policy, o: PolicyOverride | undefined): Policy {
  if (!o) return base;
  return {
    reminders: { ...base.reminders, ...o.reminders },
    dueAt: o.dueAt ?? base.dueAt,
    escalation: { ...base.escalation, ...o.escalation },
    reporting: { ...base.reporting, ...o.reporting },
    lookback: { ...base.lookback, ...o.lookback },
  };
}

export function effectivePolicy(plan: PlanPolicy | undefined, kind: MeasureKind, measure?: PolicyOverride): Policy {
  const { byKind, ...planLevel } = plan ?? {};
  const merged = apply(apply(apply(DEFAULT_POLICY, planLevel), byKind?.[kind]), measure);
  // Offsets are kept in descending order (furthest reminder first) so that planners can walk them.
  merged.reminders.offsetsWorkdays = [...new Set(merged.reminders.offsetsWorkdays)].sort((a, b) => b - a);
  merged.escalation.levels = [...merged.escalation.levels].sort((a, b) => a.afterWorkdays - b.afterWorkdays);
  return merged;
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const AUDIENCE_NAMES: readonly string[] = ['leadUnit', 'leader', 'office', 'leadershipGroup'];
const CADENCE_NAMES: readonly string[] = ['monthly', 'quarterly', 'semiannual', 'annual'];

/**
 * What is wrong with a whole policy handed to a running measure (plain checks, usable in workflow
 * code, where the plan schema's zod is not): empty when it is sound and in the planners' order.
 */
export function policyProblems(p: Policy | undefined): string[] {
  if (!p || typeof p !== 'object') return ['缺少提醒规则'];
  const problems: string[] = [];
  const workdays = (list: unknown, what: string, descending = false) => {
    if (!Array.isArray(list) || list.some((n) => !Number.isInteger(n) || n < 0)) problems.push(`${what}应为非负整数列表`);
    else if (descending && list.some((n, i) => i > 0 && n >= list[i - 1])) problems.push(`${what}应从大到小排列且不重复`);
  };
  workdays(p.reminders?.offsetsWorkdays, 'reminders.offsetsWorkdays', true);
  if (!CLOCK.test(String(p.reminders?.sendAt))) problems.push('reminders.sendAt 应为 HH:mm');
  if (!CLOCK.test(String(p.dueAt))) problems.push('dueAt 应为 HH:mm');
  const levels = p.escalation?.levels;
  if (!Array.isArray(levels) || !levels.length) problems.push('escalation.levels 至少一级');
  else {
    if (levels[0]?.afterWorkdays !== 0) problems.push('第一级督办应在逾期当日开始（afterWorkdays: 0）');
    levels.forEach((l, i) => {
      if (!Number.isInteger(l?.afterWorkdays) || (i > 0 && l.afterWorkdays <= levels[i - 1].afterWorkdays))
        problems.push(`escalation.levels[${i}].afterWorkdays 应为递增的整数`);
      if (!Array.isArray(l?.notify) || !l.notify.length || l.notify.some((a) => !AUDIENCE_NAMES.includes(a)))
        problems.push(`escalation.levels[${i}].notify 应为${AUDIENCE_NAMES.join(' | ')}中的一个或几个`);
    });
  }
  if (!Number.isInteger(p.escalation?.repeatEveryWorkdays) || p.escalation.repeatEveryWorkdays < 1)
    problems.push('escalation.repeatEveryWorkdays 应为正整数');
  if (!CADENCE_NAMES.includes(p.reporting?.cadence)) problems.push(`reporting.cadence 应为${CADENCE_NAMES.join(' | ')}`);
  workdays(p.reporting?.reminderOffsetsWorkdays, 'reporting.reminderOffsetsWorkdays');
  if (!Array.isArray(p.lookback?.delaysDays) || p.lookback.delaysDays.some((n) => !Number.isInteger(n) || n < 1))
    problems.push('lookback.delaysDays 应为正整数列表');
  return problems;
}
