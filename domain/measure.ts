/**
 * What a measure workflow is given (MeasureSpec: the measure resolved against its plan) and
 * the pure rules about its state: deadline instant and traffic light.
 */
import { WorkCalendar, type CalendarOptions } from './calendar';
import { localInstant, type IsoDate } from './dates';
import { effectivePolicy, type Policy } from './policy';
import type { Cadence, MeasureKind, Plan } from './plan/schema';

export interface MeasureSpec {
  planId: string;
  planTitle: string;
  timeZone: string;
  calendar: CalendarOptions;
  id: string;
  problem: { no: number; title: string };
  title: string;
  text: string;
  kind: MeasureKind;
  leader: string;
  leadUnit: string;
  participants: string[];
  deadline?: IsoDate;
  milestones: { title: string; deadline: IsoDate }[];
  cadence?: Cadence;
  policy: Policy;
}

export function measureSpecs(plan: Plan): MeasureSpec[] {
  const problems = new Map(plan.problems.map((p) => [p.no, p.title]));
  return plan.measures.map((m) => {
    const policy = effectivePolicy(plan.policy, m.kind, m.policy);
    return {
      planId: plan.id,
      planTitle: plan.title,
      timeZone: plan.timeZone,
      calendar: plan.calendar ?? {},
      id: m.id,
      problem: { no: m.problem, title: problems.get(m.problem) ?? '' },
      title: m.title,
      text: m.text,
      kind: m.kind,
      leader: m.leader,
      leadUnit: m.leadUnit,
      participants: m.participants,
      deadline: m.deadline,
      milestones: m.milestones ?? [],
      cadence: m.kind === 'longterm' ? (m.cadence ?? policy.reporting.cadence) : undefined,
      policy,
    };
  });
}

export const MEASURE_STATUSES = ['active', 'submitted', 'closed'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];
export type TrafficLight = 'green' | 'yellow' | 'red';

/** The instant a measure falls due: its deadline day at the policy's due time. */
export function dueInstant(spec: Pick<MeasureSpec, 'policy' | 'timeZone'>, deadline: IsoDate): number {
  return localInstant(deadline, spec.policy.dueAt, spec.timeZone);
}

/**
 * The instant the measure enters its last reminder window: the sending time of the
 * furthest reminder (e.g. 10 working days before the deadline, 09:00).
 */
export function reminderWindowStart(spec: Pick<MeasureSpec, 'policy' | 'timeZone'>, deadline: IsoDate, calendar: WorkCalendar): number {
  const furthest = spec.policy.reminders.offsetsWorkdays[0] ?? 0;
  const day = calendar.addWorkdays(calendar.onOrBefore(deadline), -furthest);
  return localInstant(day, spec.policy.reminders.sendAt, spec.timeZone);
}

export interface LightChange {
  light: TrafficLight;
  /** When the light next changes by itself, if it does. */
  nextChangeAt?: number;
}

/**
 * Traffic light of an open measure at `now`: red once due, yellow inside the reminder
 * window, green before. Closed measures and measures without a deadline are green.
 */
export function trafficLight(
  spec: Pick<MeasureSpec, 'policy' | 'timeZone'>,
  deadline: IsoDate | undefined,
  status: MeasureStatus,
  now: number,
  calendar: WorkCalendar,
): LightChange {
  if (!deadline || status === 'closed') return { light: 'green' };
  const due = dueInstant(spec, deadline);
  if (now >= due) return { light: 'red' };
  const window = reminderWindowStart(spec, deadline, calendar);
  if (now >= window) return { light: 'yellow', nextChangeAt: due };
  return { light: 'green', nextChangeAt: window };
}
