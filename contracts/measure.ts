/** What a measure workflow is started with and what it answers about itself (its queries and Updates). */
import type { MeasureState } from '../domain/measure-state';
import type { MeasureSpec } from '../domain/measure';
import { localDate } from '../domain/dates';
import type { Continuation, HeldCopy } from './handover';

export type { MeasureState };

export interface MeasureWorkflowInput {
  spec: MeasureSpec;
  /** Present when the workflow continues as new, or is copied to another server. */
  state?: MeasureState;
  /** A copy started by `rectify migrate`: it waits to be released. */
  held?: HeldCopy;
}

/**
 * What getContinuation answers: the input a run would continue as new with, which starts the
 * measure elsewhere (another server or namespace) with its whole state, timeline included.
 */
export type MeasureContinuation = Continuation<MeasureWorkflowInput>;

/**
 * What getState answers, for operators, the CLI and the web: the measure as it stands, small.
 * No holiday lists, no per-stage bookkeeping, no notices and only the latest actions in `audit`
 * (getDetails has the whole state, getTimeline the whole life in order).
 */
export interface MeasureView extends Omit<
  MeasureState,
  'spec' | 'progress' | 'calendarYears' | 'provisionalYears' | 'outgoing' | 'deliveries'
> {
  workflowId: string;
  spec: Omit<MeasureSpec, 'calendar'>;
  progress: Omit<MeasureState['progress'], 'handled'>;
  /** The years the measure plans with: published, and counted provisionally. */
  calendar: { published: number[]; provisional: number[] };
  /** When the measure falls due under its current deadline (ISO instant). */
  dueAt?: string;
  /** When the workflow next wakes by itself: to prepare or send a notice, or for a change of light (ISO instant). */
  nextWakeAt?: string;
  /** When the next reminder or rung of the ladder goes out to people: its send time (ISO instant). */
  nextNoticeAt?: string;
  /** Working days from today to the deadline (negative when overdue), while the measure is open. */
  workdaysLeft?: number;
}

/** What getDetails answers: the whole state, with what getState adds. */
export type MeasureDetails = MeasureState & Pick<MeasureView, 'workflowId' | 'dueAt' | 'nextWakeAt' | 'nextNoticeAt' | 'workdaysLeft'>;

/** What an Update answers: the measure as it now stands, compact (it is recorded in history). */
export interface MeasureSummary {
  workflowId: string;
  measureId: string;
  title: string;
  status: MeasureState['progress']['status'];
  trafficLight: MeasureState['trafficLight'];
  deadline?: string;
  /** The day it falls due (a deadline on a day off: the working day before), when that is known. */
  dueDate?: string;
  deadlineVersion: number;
  workdaysLeft?: number;
  leadUnit: string;
  leader: string;
  pendingExtension?: { newDeadline: string; reason: string };
}

export function summaryOf(v: MeasureView | MeasureDetails): MeasureSummary {
  return {
    workflowId: v.workflowId,
    measureId: v.spec.id,
    title: v.spec.title,
    status: v.progress.status,
    trafficLight: v.trafficLight,
    deadline: v.progress.deadline,
    ...(v.dueAt ? { dueDate: localDate(Date.parse(v.dueAt), v.spec.timeZone) } : {}),
    deadlineVersion: v.progress.deadlineVersion,
    workdaysLeft: v.workdaysLeft,
    leadUnit: v.leadUnit,
    leader: v.leader,
    pendingExtension: v.pendingExtension ? { newDeadline: v.pendingExtension.newDeadline, reason: v.pendingExtension.reason } : undefined,
  };
}
