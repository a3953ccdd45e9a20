/**
 * The activities workflows may call, as an interface: workflows compile against it
 * (proxyActivities<Activities>) and activities/index.ts implements it. Nothing here runs I/O.
 */
import type { CalendarAlert } from '../domain/calendar-alerts';
import type { Recipient } from '../domain/email/recipients';
import type { DeliveryResult, Notice, SentCopy } from '../domain/notice';
import type { CampaignSelection, RollupDigestInput } from './inputs';

/**
 * Sending activities heartbeat this often while they run (activities/attempt.ts); the workflows'
 * heartbeat timeout is three beats, so an attempt on a killed worker is retried elsewhere within it.
 */
export const SEND_HEARTBEAT_MS = 10_000;
export const SEND_HEARTBEAT_TIMEOUT_MS = 3 * SEND_HEARTBEAT_MS;

/** One page of a campaign's selection: measure workflow ids, and where the listing goes on. */
export interface CampaignPage {
  workflowIds: string[];
  nextPageToken?: string;
}

/** One recipient's merged notices for one send time. */
export interface DigestBatch {
  planId: string;
  recipient: Recipient;
  notices: Notice[];
  /** `<digest workflow id>#<batch>`: the mail's identity. */
  digestKey: string;
}

/** One week of a plan, to the leadership group and the office. */
export interface WeeklyDigestRequest {
  planId: string;
  /** The week, epoch ms: from the previous digest's time to this one's. */
  from: number;
  to: number;
}

export interface WeeklyDigestResult {
  /** Addresses it went to (none when the plan has nothing open). */
  sent: string[];
  /** Group robots that took it: 领导小组的企业微信群机器人 (absent: none, or results before group robots). */
  robots?: string[];
  open: number;
  problems?: string[];
}

/** One week of every district followed, to the city or province office. */
export type RollupDigestRequest = Pick<RollupDigestInput, 'recipients' | 'title' | 'planIds'> & {
  /** The week, epoch ms: from the previous digest's time to this one's. */
  from: number;
  to: number;
};

export interface RollupDigestResult {
  /** Addresses it went to (none when nothing is open in any district). */
  sent: string[];
  /** Districts counted, and those named for moving in the week. */
  districts: number;
  moved: number;
  problems?: string[];
}

/**
 * A notice handed to its recipients' digests ahead of its send instant: the copies (each with its
 * digest), or why not (then it is delivered at its instant as usual): the worker merges no digests,
 * the kind goes alone, the instant has passed, or that instant's digest has already closed.
 */
export type PreparedNotice =
  { prepared: true; result: DeliveryResult } | { prepared: false; reason: 'no-digests' | 'alone' | 'late' | 'closed' };

/** What taking a prepared notice back found: the copies that had already gone out (none when all were withdrawn in time). */
export interface WithdrawnNotice {
  sent: SentCopy[];
}

export interface Activities {
  /** Delivers one notice; idempotent by its key. Throws only for what a retry may cure. */
  deliverNotice(notice: Notice): Promise<DeliveryResult>;
  /** Hands a scheduled notice to its recipients' digests before its send instant (idempotent by its key). */
  prepareNotice(notice: Notice): Promise<PreparedNotice>;
  /** Takes a prepared notice back from its digests (its measure changed before the send instant). */
  withdrawPrepared(request: { key: string; copies: SentCopy[] }): Promise<WithdrawnNotice>;
  /** One recipient's merged notices for one send time, as one mail. */
  sendDigest(batch: DigestBatch): Promise<DeliveryResult>;
  /** A digest that could not go out in a day: the office is told which measures. */
  reportUndelivered(batch: DigestBatch & { reason: string }): Promise<void>;
  /** Tells the plan's office that a year's holiday arrangement is missing; idempotent by the alert's key. */
  alertOffice(alert: CalendarAlert): Promise<DeliveryResult>;
  /** When mail to the office decided at `now` goes: then within a working day's send window, else at `at` on the next working day (the deployment's calendar). */
  officeSendAt(input: { now: number; at: string; timeZone: string }): Promise<number>;
  /** When a digest fired at `firedAt` goes: then on a working day, else on the next working day (the deployment's calendar). */
  weeklyDigestSendAt(input: { firedAt: number; at: string; timeZone: string }): Promise<number>;
  /** Counts the week from the plan's measures and mails it to the leadership group and the office. */
  sendWeeklyDigest(request: WeeklyDigestRequest): Promise<WeeklyDigestResult>;
  /** Counts the week of every district followed and mails the districts that moved to the city or province office. */
  sendRollupDigest(request: RollupDigestRequest): Promise<RollupDigestResult>;
  /** The next page of a campaign's selection (visibility, then the close-out date per measure). */
  campaignPage(request: { select: CampaignSelection; pageToken?: string; pageSize: number }): Promise<CampaignPage>;
}
