/**
 * What a measure workflow is given (MeasureSpec: the measure resolved against its plan) and
 * the statuses it moves through. The rules of its schedule are in planner.ts.
 */
import type { CalendarOptions } from './calendar';
import { calendarYearsFrom, provisionalYearsBetween } from './calendar-data';
import { yearOf, type IsoDate } from './dates';
import { effectivePolicy, type Policy } from './policy';
import type { Cadence, MeasureKind, Plan } from './plan/schema';

export interface MeasureSpec {
  planId: string;
  planTitle: string;
  timeZone: string;
  /** 巡视反馈日期: long-term reporting counts from here (or from the start, if later). */
  feedbackDate: IsoDate;
  /**
   * The working-day calendar the workflow plans with: published years from the year before the
   * feedback on, the plan's own, and the statutory arrangement of the unpublished years up to
   * PROVISIONAL_YEARS_AHEAD past the plan's last date (or the day it starts, if later).
   */
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
  /**
   * A date falls due at the end of the last working day on or before it (“X前”): true for every
   * measure started since the rule; earlier measures adopt it at their next wake (a named patch).
   */
  dueOnWorkday?: boolean;
  /** The 整改进展 the imported ledger had: the first progress note, the lead unit's, as of the start. */
  ledgerNote?: string;
}

/** How many years past its last date (or its start) a measure carries the statutory arrangement of unpublished years. */
export const PROVISIONAL_YEARS_AHEAD = 2;

/** The plan's calendar as its workflows carry it, for measures started on `startedOn`. */
export function workflowCalendar(plan: Plan, startedOn: IsoDate): CalendarOptions {
  const dates = plan.measures
    .flatMap((m) => [m.deadline, ...(m.milestones ?? []).map((ms) => ms.deadline)])
    .filter((d): d is IsoDate => !!d);
  const firstYear = yearOf(plan.feedbackDate) - 1;
  const lastYear = Math.max(yearOf(startedOn), yearOf(plan.feedbackDate), ...dates.map(yearOf)) + PROVISIONAL_YEARS_AHEAD;
  const years = calendarYearsFrom(firstYear, plan.calendar);
  const rule = plan.calendar?.unpublishedYears;
  return {
    ...plan.calendar,
    crossYear: true,
    years,
    ...(rule === 'weekdays' ? {} : { provisionalYears: provisionalYearsBetween(firstYear, lastYear, years) }),
  };
}

/** Each measure of the plan as its workflow is given it, when started on `startedOn` (a date in the plan's zone). */
export function measureSpecs(plan: Plan, startedOn: IsoDate): MeasureSpec[] {
  const calendar = workflowCalendar(plan, startedOn);
  const problems = new Map(plan.problems.map((p) => [p.no, p.title]));
  // Units that may lead (they have an email) and leaders, for checking a reassignment in the workflow.
  const directory = {
    units: plan.directory.units.filter((u) => u.emails.length).map((u) => u.name),
    leaders: plan.directory.leaders.map((l) => l.role),
  };
  return plan.measures.map((m) => {
    const policy = effectivePolicy(plan.policy, m.kind, m.policy);
    return {
      planId: plan.id,
      planTitle: plan.title,
      timeZone: plan.timeZone,
      feedbackDate: plan.feedbackDate,
      calendar,
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
      dueOnWorkday: true,
      ...(m.progress ? { ledgerNote: m.progress } : {}),
    };
  });
}

export const MEASURE_STATUSES = ['active', 'submitted', 'closed'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];
export type TrafficLight = 'green' | 'yellow' | 'red';
