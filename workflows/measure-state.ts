/** The durable state of one measure and what the workflow answers about it. */
import type { IsoDate } from '../domain/dates';
import type { MeasureSpec, MeasureStatus, TrafficLight } from '../domain/measure';

export interface MeasureState {
  spec: MeasureSpec;
  status: MeasureStatus;
  /** The deadline in force (extensions move it; the spec keeps the original). */
  deadline?: IsoDate;
  trafficLight: TrafficLight;
  /** When the workflow first started (kept across continue-as-new). */
  startedAt: string;
}

export interface MeasureWorkflowInput {
  spec: MeasureSpec;
  /** Present when the workflow continues as new. */
  state?: MeasureState;
}

export interface MeasureView extends MeasureState {
  workflowId: string;
  /** When the measure falls due (ISO instant), if it has a deadline. */
  dueAt?: string;
  /** When the traffic light next changes by itself (ISO instant). */
  nextChangeAt?: string;
}

export function measureWorkflowId(planId: string, measureId: string): string {
  return `measure:${planId}:${measureId}`;
}
