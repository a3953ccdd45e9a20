/** Every message a measure workflow answers, defined once for the workflow and its clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  DecideExtensionRequest,
  ReassignRequest,
  RefreshCalendarRequest,
  ReportProgressRequest,
  RequestExtensionRequest,
  SubmitCompletionRequest,
  VerifyCompletionRequest,
} from '../domain/lifecycle';
import type { LookbackOutcomeReport } from '../domain/lifecycle';
import type { LookbackOutcome, RecordOutcomeRequest } from '../domain/lookback';
import type { MeasureSummary, MeasureView } from './measure-state';

export const getStateQuery = defineQuery<MeasureView>('getState');

// Changes arrive as Updates with validators: a bad request is rejected before it reaches history.
export const reportProgressUpdate = defineUpdate<MeasureSummary, [ReportProgressRequest]>('reportProgress');
export const submitCompletionUpdate = defineUpdate<MeasureSummary, [SubmitCompletionRequest]>('submitCompletion');
export const verifyCompletionUpdate = defineUpdate<MeasureSummary, [VerifyCompletionRequest]>('verifyCompletion');
export const requestExtensionUpdate = defineUpdate<MeasureSummary, [RequestExtensionRequest]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<MeasureSummary, [DecideExtensionRequest]>('decideExtension');
export const reassignUpdate = defineUpdate<MeasureSummary, [ReassignRequest]>('reassign');
export const refreshCalendarUpdate = defineUpdate<MeasureSummary, [RefreshCalendarRequest]>('refreshCalendar');

// Look-back reviews (回头看).
export interface LookbackView {
  workflowId: string;
  round: number;
  measureId: string;
  closedOn: string;
  dueDate: string;
  outcome?: LookbackOutcome;
  notes?: string;
  evidence?: string[];
  recordedBy?: string;
  recordedAt?: string;
}
export const getLookbackQuery = defineQuery<LookbackView>('getLookback');
export const recordOutcomeUpdate = defineUpdate<LookbackView, [RecordOutcomeRequest]>('recordOutcome');
/** From a review to its measure. */
export const lookbackOutcomeSignal = defineSignal<[LookbackOutcomeReport]>('lookbackOutcome');
/** From a campaign to a measure: open a review for the campaign, once. */
export const startLookbackSignal = defineSignal<[{ campaign: string; dueDate: string }]>('startLookback');

export interface CampaignView {
  workflowId: string;
  planId: string;
  name: string;
  dueDate: string;
  /** Measure workflows the campaign covers, and how many have been asked so far. */
  total: number;
  asked: number;
}
export const getCampaignQuery = defineQuery<CampaignView>('getCampaign');

// The plan's calendar watch: the years it knows are published, and the ones it has warned about.
export interface CalendarWatchView {
  workflowId: string;
  planId: string;
  published: number[];
  alerted: number[];
  /** When it next looks (ISO instant). */
  nextCheckAt?: string;
}
export const getCalendarWatchQuery = defineQuery<CalendarWatchView>('getCalendarWatch');
/** The same request as a measure's refresh: newly published (and provisional) years. */
export const refreshCalendarWatchUpdate = defineUpdate<CalendarWatchView, [RefreshCalendarRequest]>('refreshCalendar');
