/**
 * What a measure workflow is given (MeasureSpec: the measure resolved against its plan) and
 * the statuses it moves through. The rules of its schedule are in planner.ts.
 */
import type { CalendarOptions } from './calendar';
import { calendarYearsFrom } from './calendar-data';
import type { IsoDate } from './dates';
import { effectivePolicy, type Policy } from './policy';
import type { Cadence, MeasureKind, Plan } from './plan/schema';

export interface MeasureSpec {
  planId: string;
  planTitle: string;
  timeZone: string;
  /** 巡视反馈日期: long-term reporting counts from here (or from the start, if later). */
  feedbackDate: IsoDate;
  /** The working-day calendar the workflow plans with: published years from the feedback year on, and the plan's own. */
  calendar: CalendarOptions;
  /** Names in the plan's directory, so that a reassignment can be checked in the workflow. */
  directory: { units: string[]; leaders: string[] };
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
  // Units that may lead (they have an email) and leaders, for checking a reassignment in the workflow.
  const directory = { units: plan.directory.units.filter((u) => u.emails.length).map((u) => u.name), leaders: plan.directory.leaders.map((l) => l.role) };
  return plan.measures.map((m) => {
    const policy = effectivePolicy(plan.policy, m.kind, m.policy);
    return {
      planId: plan.id,
      planTitle: plan.title,
      timeZone: plan.timeZone,
      feedbackDate: plan.feedbackDate,
      calendar: { ...plan.calendar, years: calendarYearsFrom(Number(plan.feedbackDate.slice(0, 4)) - 1, plan.calendar) },
      directory,
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

