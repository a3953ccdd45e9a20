/**
 * What an activity's earlier attempts sent, kept by Temporal itself: each Message-ID SMTP accepts
 * goes into the attempt's heartbeat details, which the server hands to the next attempt on
 * whichever worker runs it. So a send retried on another machine (its worker killed mid-burst)
 * skips what the first machine had already sent. The window that remains, per SMTP connection of
 * a worker that died mid-send: the mail whose 250 had arrived but was not yet recorded here, and
 * the one the server had in full but whose 250 the worker never read (the fault suite counts
 * both; bench/RESULTS.md). Outside an activity (a test calling delivery directly) nothing is kept.
 */
import { Context } from '@temporalio/activity';
import { SEND_HEARTBEAT_MS } from '../contracts/activities';
/** The worker's cap on how long a heartbeat may wait before it goes to the server. */
export const HEARTBEAT_THROTTLE = '1 second';

interface AttemptDetails {
  sent: string[];
}

const attempts = new WeakMap<Context, Set<string>>();

function current(): { ctx: Context; sent: Set<string> } | undefined {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return undefined;
  }
  let sent = attempts.get(ctx);
  if (!sent) {
    const details = ctx.info.heartbeatDetails as Partial<AttemptDetails> | undefined;
    sent = new Set(Array.isArray(details?.sent) ? details.sent.filter((s): s is string => typeof s === 'string') : []);
    attempts.set(ctx, sent);
  }
  return { ctx, sent };
}

const details = (sent: Set<string>): AttemptDetails => ({ sent: [...sent] });

/** An earlier attempt of this activity (on any worker) had this message accepted. */
export function sentInEarlierAttempt(messageId: string): boolean {
  return current()?.sent.has(messageId) ?? false;
}

/** This message was accepted: told to Temporal at once (the attempt's first heartbeat, or within the throttle). */
export function rememberSent(messageId: string): void {
  const attempt = current();
  if (!attempt) return;
  attempt.sent.add(messageId);
  attempt.ctx.heartbeat(details(attempt.sent));
}

/** Runs a sending activity with a heartbeat every SEND_HEARTBEAT_MS: a killed worker's attempt is retried elsewhere within the heartbeat timeout. */
export async function heartbeating<T>(fn: () => Promise<T>): Promise<T> {
  const attempt = current();
  if (!attempt) return fn();
  const timer = setInterval(() => attempt.ctx.heartbeat(details(attempt.sent)), SEND_HEARTBEAT_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
