/** What a measure workflow is started with and what it answers about itself. */
import type { MeasureState } from '../domain/lifecycle';
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

export function measureWorkflowId(planId: string, measureId: string): string {
  return `measure:${planId}:${measureId}`;
}
