/** The activities workflows call, with the options they share (defined once, not per workflow). */
import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import { SEND_HEARTBEAT_TIMEOUT_MS, type Activities } from '../../contracts/activities';

/** Notices must not be lost: retried without limit, backing off to once every ten minutes. */
const RETRY_FOREVER: RetryPolicy = { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' };

/**
 * Sends heartbeat while they run (and say what they sent: activities/attempt.ts): an attempt on a
 * worker that died is retried on another within this, not after its start-to-close timeout.
 */
const heartbeatTimeout = SEND_HEARTBEAT_TIMEOUT_MS;

/**
 * Notices and alerts. The start-to-close timeout is longer than a send may take (the transport
 * gives up on a connection after a minute), so that a timed-out attempt is not still sending
 * when the next one starts.
 */
export const { deliverNotice, alertOffice } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout,
  retry: RETRY_FOREVER,
});

/** When mail to the office may go: a look at the deployment's calendar. */
export const { officeSendAt } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: RETRY_FOREVER });

/** Handing a notice to its digests ahead of its instant, and taking it back: a few calls to the server each. */
export const { prepareNotice, withdrawPrepared } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: RETRY_FOREVER });

/** Digests are retried for a day at most (a mailbox full, a server down): then the office is told, not left waiting. */
export const { sendDigest, reportUndelivered } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout,
  scheduleToCloseTimeout: '1 day',
  retry: RETRY_FOREVER,
});

/** The weekly digests: when they go, and sending them (reads every measure of the plan, or of every plan: minutes at most). */
export const { weeklyDigestSendAt, sendWeeklyDigest, sendRollupDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout,
  scheduleToCloseTimeout: '1 day',
  retry: RETRY_FOREVER,
});

/** A page of a campaign's selection: a visibility listing and a few queries (a minute at most). */
export const { campaignPage } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: RETRY_FOREVER });
