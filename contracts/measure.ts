/** What a measure workflow is started with and what it answers about itself (its queries and Updates). */
import type { MeasureState } from '../domain/measure-state';
import type { MeasureSpec } from '../domain/measure';

export type { MeasureState };

export interface MeasureWorkflowInput {
  spec: MeasureSpec;
  /** Present when the workflow continues as new. */
  state?: MeasureState;
}

export interface MeasureView extends MeasureState {
  workflowId: string;
  /** When the measure falls due under its current deadline (ISO instant). */
  dueAt?: string;
  /** When the workflow next wakes by itself: a notice or a change of light (ISO instant). */
  nextWakeAt?: string;
  /** Working days from today to the deadline (negative when overdue). */
  workdaysLeft?: number;
}

/** What an Update answers: the measure as it now stands, compact (it is recorded in history). */
export interface MeasureSummary {
  workflowId: string;
  measureId: string;
  title: string;
  status: MeasureState['progress']['status'];
  trafficLight: MeasureState['trafficLight'];
  deadline?: string;
  deadlineVersion: number;
  workdaysLeft?: number;
  leadUnit: string;
  leader: string;
  pendingExtension?: { newDeadline: string; reason: string };
}

export function summaryOf(v: MeasureView): MeasureSummary {
  return {
    workflowId: v.workflowId,
    measureId: v.spec.id,
    title: v.spec.title,
    status: v.progress.status,
    trafficLight: v.trafficLight,
    deadline: v.progress.deadline,
    deadlineVersion: v.progress.deadlineVersion,
    workdaysLeft: v.workdaysLeft,
    leadUnit: v.leadUnit,
    leader: v.leader,
    pendingExtension: v.pendingExtension ? { newDeadline: v.pendingExtension.newDeadline, reason: v.pendingExtension.reason } : undefined,
  };
}
