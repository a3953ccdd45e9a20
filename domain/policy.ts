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
