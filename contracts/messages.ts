/**
 * Every message rectify's workflows answer (queries, Updates, signals) and what they answer with,
 * defined once for the workflows and their callers (CLI, web, activities).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Notice } from '../domain/notice';
import type {
  DecideExtensionRequest,
  ReassignRequest,
  RefreshCalendarRequest,
  ReportProgressRequest,
  RequestExtensionRequest,
  SubmitCompletionRequest,
  UpdatePolicyRequest,
  VerifyCompletionRequest,
  RemindRequest,
  RequestLinkRequest,
  AmendMeasureRequest,
  WithdrawMeasureRequest,
} from '../domain/requests';
import type { LookbackOutcomeReport } from '../domain/measure-state';
import type { LookbackOutcome, RecordOutcomeRequest } from '../domain/lookback';
import type { MeasureDetails, MeasureSummary, MeasureView } from './measure';
import type { MeasureRecord } from '../domain/record';
import type { TimelineEntry } from '../domain/timeline';
import type { PlanView, UpdatePlanRequest } from '../domain/plan/stored';

export const getStateQuery = defineQuery<MeasureView>('getState');
/** The measure's record with every progress note: what reports as of a past date are counted from. */
export const getRecordQuery = defineQuery<MeasureRecord>('getRecord');
/** The measure's whole life in order: notices (with Message-IDs), actions, look-back reviews. */
export const getTimelineQuery = defineQuery<TimelineEntry[]>('getTimeline');
/** The whole state (calendar years, every handled stage): for operators and tests, not for lists. */
export const getDetailsQuery = defineQuery<MeasureDetails>('getDetails');

// Changes arrive as Updates with validators: a bad request is rejected before it reaches history.
export const reportProgressUpdate = defineUpdate<MeasureSummary, [ReportProgressRequest]>('reportProgress');
export const submitCompletionUpdate = defineUpdate<MeasureSummary, [SubmitCompletionRequest]>('submitCompletion');
export const verifyCompletionUpdate = defineUpdate<MeasureSummary, [VerifyCompletionRequest]>('verifyCompletion');
export const requestExtensionUpdate = defineUpdate<MeasureSummary, [RequestExtensionRequest]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<MeasureSummary, [DecideExtensionRequest]>('decideExtension');
export const reassignUpdate = defineUpdate<MeasureSummary, [ReassignRequest]>('reassign');
export const refreshCalendarUpdate = defineUpdate<MeasureSummary, [RefreshCalendarRequest]>('refreshCalendar');
/** The office replaces a running measure's policy (reminders, ladder, reporting, look-back). */
export const updatePolicyUpdate = defineUpdate<MeasureSummary, [UpdatePolicyRequest]>('updatePolicy');
/** `rectify plan apply`: the plan file's changes to a running measure (deadline as an office decision, text, stages, kind). */
export const amendMeasureUpdate = defineUpdate<MeasureSummary, [AmendMeasureRequest]>('amendMeasure');
/** `rectify plan apply --prune`: the measure left the plan; it stops and completes. */
export const withdrawMeasureUpdate = defineUpdate<MeasureSummary, [WithdrawMeasureRequest]>('withdrawMeasure');
/** 催办: the office urges now (the current reminder or rung of the ladder, as an event mail). */
export const remindUpdate = defineUpdate<MeasureSummary, [RemindRequest]>('remind');
/** A lead unit whose link was refused asks for a new one (its link page): mailed to its registered addresses. */
export const requestLinkUpdate = defineUpdate<MeasureSummary, [RequestLinkRequest]>('requestLink');

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

// The plan itself (`plan:<id>`): what workers resolve recipients from, changed only by the office.
export const getPlanQuery = defineQuery<PlanView>('getPlan');
export const updatePlanUpdate = defineUpdate<PlanView, [UpdatePlanRequest]>('updatePlan');

/** What a digest holds: notices waiting to go, and whether a mail is going out now (for `rectify migrate`, which waits for it to empty). */
export interface DigestView {
  pending: number;
  sending: boolean;
  batches: number;
}
export const getDigestQuery = defineQuery<DigestView>('getDigest');

/** From a measure's delivery activity to the digest of its recipient and send time. */
export const addToDigestSignal = defineSignal<[Notice]>('addToDigest');

/**
 * A prepared notice taken back from its digest before the send instant (its measure changed):
 * `withdrawn` if it was still waiting, `sent` if the digest had already sent it, `unknown` if it never arrived.
 */
export const withdrawFromDigestUpdate = defineUpdate<'withdrawn' | 'sent' | 'unknown', [string]>('withdrawFromDigest');
