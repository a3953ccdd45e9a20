/**
 * What the activities need from the world outside, each part required: delivery of notices,
 * digests and alerts (mail in the worker, a JSON log in workflow tests).
 */
import type {
  CampaignPage,
  DigestBatch,
  PreparedNotice,
  RollupDigestResult,
  WeeklyDigestResult,
  WithdrawnNotice,
} from '../contracts/activities';
import type { CampaignSelection, RollupDigestInput } from '../contracts/inputs';
import type { PlanWeekSource, RollupWeek } from '../domain/rollup-weekly';
import type { MeasureRecord } from '../domain/record';
import type { WeeklyDigest } from '../domain/weekly';
import type { CalendarAlert } from '../domain/calendar-alerts';
import type { DeliveryResult, Notice, SentCopy } from '../domain/notice';
import type { StoredPlan } from '../domain/plan/stored';

export interface NoticeDelivery {
  /** One notice to its audiences; idempotent by its key. Throws only for what a retry may cure. */
  deliver(notice: Notice): Promise<DeliveryResult>;
  /** Into its recipients' digests ahead of its send instant, where the delivery merges notices (mail does). */
  prepare?(notice: Notice): Promise<PreparedNotice>;
  /** Back out of the digests it was prepared into. */
  withdraw?(key: string, copies: SentCopy[]): Promise<WithdrawnNotice>;
  /** One recipient's merged notices for one send time. */
  sendDigest(batch: DigestBatch): Promise<DeliveryResult>;
  /** A digest that could not go out in a day: the office is told which measures. */
  reportUndelivered(batch: DigestBatch & { reason: string }): Promise<void>;
  /** Tells the plan's office that a year's holiday arrangement is missing; idempotent by the alert's key. */
  alertOffice(alert: CalendarAlert): Promise<DeliveryResult>;
  /** The weekly digest to the plan's leadership group and office; idempotent per week and address. */
  sendWeekly(digest: WeeklyDigest): Promise<WeeklyDigestResult>;
  /** The week of every district to the city or province office; idempotent per week and address. */
  sendRollupWeekly(week: RollupWeek, recipients: RollupDigestInput['recipients']): Promise<RollupDigestResult>;
}

/** The plan's measure records, read from the workflows (visibility and queries). */
export interface PlanRecords {
  records(planId: string): Promise<MeasureRecord[]>;
  /** Every running plan's records (or those asked for), one entry per plan with measures: the roll-up digest's. */
  everyPlan?(planIds?: string[]): Promise<PlanWeekSource[]>;
}

/** The plans as workers send from them: the stored part of each (directory, policy, calendar), by id. */
export interface PlanSource {
  /** The plan as it now stands; the same object until it changes. Throws (retryably) when the plan is not found. */
  plan(planId: string): Promise<StoredPlan>;
}

/** The measures a look-back campaign selects, page by page (a visibility listing in the worker). */
export interface CampaignSource {
  page(select: CampaignSelection, pageToken: string | undefined, pageSize: number): Promise<CampaignPage>;
}
