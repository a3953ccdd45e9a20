/** What each workflow is started with (besides the measure's, in measure.ts). */
import type { CalendarOptions } from '../domain/calendar';
import type { Recipient } from '../domain/email/recipients';
import type { IsoDate } from '../domain/dates';
import type { NoticeMeasure } from '../domain/notice';
import type { Policy } from '../domain/policy';
import type { PlanView, StoredPlan } from '../domain/plan/stored';

export interface LookbackInput {
  measureWorkflowId: string;
  measure: NoticeMeasure;
  round: number;
  closedOn: IsoDate;
  dueDate: IsoDate;
  /** The measure's calendar and due time, to judge dates the way the measure does. */
  calendar: CalendarOptions;
  /** The measure's policy: reminders and the ladder chase the review as they chase a measure. */
  policy: Policy;
  campaign?: string;
}

export interface CampaignInput {
  planId: string;
  name: string;
  dueDate: string;
  measureWorkflowIds: string[];
  /** How many have been asked in earlier runs. */
  asked?: number;
  /** Signals one run sends before it continues as new (default SIGNALS_PER_RUN). */
  perRun?: number;
}

export interface DigestInput {
  planId: string;
  recipient: Recipient;
  /** ISO instant the send window closes: later notices go out on their own. */
  windowEndsAt: string;
}

export interface CalendarWatchInput {
  planId: string;
  timeZone: string;
  /** Local time of day to look (the plan's send time). */
  sendAt: string;
  /** Years with a published arrangement when the watch started. */
  published: number[];
  /** Years already told about (carried across continue-as-new). */
  alerted?: number[];
}

/** What the weekly digest's Schedule starts its workflow with (updated when the plan is started again). */
export interface LeadershipDigestInput {
  planId: string;
  timeZone: string;
  /** Local time it goes when moved to the next working day. */
  at: string;
}

/** What a plan's workflow is started with (and continues as new with). */
export interface PlanWorkflowInput {
  plan: StoredPlan;
  version?: number;
  changes?: PlanView['changes'];
}
