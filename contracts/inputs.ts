/** What each workflow is started with (besides the measure's, in measure.ts). */
import type { CalendarOptions } from '../domain/calendar';
import type { Recipient } from '../domain/email/recipients';
import type { IsoDate } from '../domain/dates';
import type { NoticeMeasure } from '../domain/notice';
import type { Policy } from '../domain/policy';
import type { PlanView, StoredPlan } from '../domain/plan/stored';
import type { DeliveryEntry } from '../domain/measure-state';
import type { HeldCopy } from './handover';
import type { LookbackView } from './messages';

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
  /** A copy started by `rectify migrate`: it waits to be released. */
  held?: HeldCopy;
  /** A copy's state from its source: what it sent and what it has found, so that nothing is sent twice. */
  carried?: {
    view: Pick<LookbackView, 'outcome' | 'notes' | 'evidence' | 'recordedBy' | 'recordedAt'>;
    handled: Record<string, 'sent' | 'skipped'>;
    deliveries: DeliveryEntry[];
  };
}

/** Which closed measures a campaign reaches: a visibility query, paged through by an activity (and a close-out date checked per measure). */
export interface CampaignSelection {
  query: string;
  /** Only measures closed before this day (YYYY-MM-DD, the measure's zone). */
  closedBefore?: string;
}

export interface CampaignInput {
  planId: string;
  name: string;
  dueDate: string;
  /** The measures, named (a launch with --ids, and campaigns launched before selections existed). */
  measureWorkflowIds?: string[];
  /** Or the measures by selection: the input stays small for any number of measures. */
  select?: CampaignSelection;
  /** Where the selection's listing goes on in the next run. */
  pageToken?: string;
  /** How many measures the launch counted (the selection's total as the campaign shows it). */
  expected?: number;
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
  /**
   * ISO send instant, for a digest started ahead of it by a prepared notice: it holds its items
   * until then and sends them at once (no quiet period: they were all known before).
   */
  sendAt?: string;
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
  /** A copy started by `rectify migrate`: it waits to be released. */
  held?: HeldCopy;
}

/** What the weekly digest's Schedule starts its workflow with (updated when the plan is started again). */
export interface LeadershipDigestInput {
  planId: string;
  timeZone: string;
  /** Local time it goes when moved to the next working day. */
  at: string;
}

/**
 * What the roll-up digest's Schedule starts its workflow with (`rectify rollup digest` sets it):
 * whom it goes to, whose roll-up it is, which plans (all running ones when absent), and when.
 */
export interface RollupDigestInput {
  /** The office that follows the districts (市委巡察办): the mail's greeting. */
  recipients: { name: string; emails: string[] };
  /** Whose roll-up it is (RECTIFY_ROLLUP_TITLE when set), or empty. */
  title: string;
  planIds?: string[];
  timeZone: string;
  /** Local time it goes when moved to the next working day. */
  at: string;
  /** Sent at once, on any day (`rectify rollup digest --now`), not moved to a working day. */
  immediate?: boolean;
}

/** What a plan's workflow is started with (and continues as new with). */
export interface PlanWorkflowInput {
  plan: StoredPlan;
  version?: number;
  changes?: PlanView['changes'];
}
