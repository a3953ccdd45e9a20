/**
 * One recipient's notices for one send time, merged into one mail. Measures hand their notices
 * here (through their delivery activities); the items live in this workflow's history, so none is
 * lost if a worker dies before the mail goes out.
 *
 * Prepared ahead (the input has `sendAt`): measures hand in their notices before the send instant;
 * the digest holds them, lets a measure that changed take its notice back, and sends at the
 * instant without waiting. Notices that arrive at or after the instant (a measure that did not
 * prepare, a catch-up) go as before: it waits for a quiet moment, sends, and stays open to the end
 * of the send window for stragglers (sent as a follow-up).
 */
import { condition, log, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { DigestInput } from '../contracts/inputs';
import { addToDigestSignal, getDigestQuery, withdrawFromDigestUpdate } from '../contracts/messages';
import type { Notice } from '../domain/notice';
import { reportUndelivered, sendDigest } from './shared/proxies';

/** How long no new notice must arrive before the mail goes, and how long a batch may wait at most. */
export const QUIET_MS = 15_000;
export const MAX_WAIT_MS = 120_000;

export async function digestWorkflow(input: DigestInput): Promise<number> {
  const prepared = input.sendAt !== undefined;
  /** Keys handed in (before prepared digests: every key ever seen, pending or sent). */
  const seen = new Set<string>();
  /** Keys taken into a batch: sent, or being sent. */
  const sent = new Set<string>();
  let pending: Notice[] = [];
  let lastArrival = 0;
  setHandler(addToDigestSignal, (notice) => {
    const key = notice.idempotencyKey;
    if (prepared) {
      if (sent.has(key)) return; // a retried hand-off of what went out
      // Handed again before it went (a retry, or prepared afresh after a change): the latest word counts.
      const i = pending.findIndex((n) => n.idempotencyKey === key);
      if (i >= 0) pending[i] = notice;
      else pending.push(notice);
      lastArrival = Date.now();
      return;
    }
    if (seen.has(key)) return; // a retried hand-off
    seen.add(key);
    pending.push(notice);
    lastArrival = Date.now();
  });
  setHandler(withdrawFromDigestUpdate, (key) => {
    const i = pending.findIndex((n) => n.idempotencyKey === key);
    if (i < 0) return sent.has(key) ? 'sent' : 'unknown';
    pending.splice(i, 1);
    return 'withdrawn';
  });

  let batch = 0;
  let sending = false;
  setHandler(getDigestQuery, () => ({ pending: pending.length, sending, batches: batch }));
  async function send(): Promise<void> {
    sending = true;
    const notices = pending;
    pending = [];
    for (const n of notices) sent.add(n.idempotencyKey);
    batch += 1;
    const digest = { planId: input.planId, recipient: input.recipient, notices, digestKey: `${workflowInfo().workflowId}#${batch}` };
    try {
      await sendDigest(digest);
    } catch (e) {
      const reason = ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;
      log.warn('汇总邮件一天内未能发出，已转告巡察办', {
        planId: input.planId,
        to: input.recipient.email,
        measures: notices.map((n) => n.measure.id),
        reason,
      });
      await reportUndelivered({ ...digest, reason }).catch((failure: Error) =>
        log.error('汇总邮件未能发出，也未能告知巡察办', { planId: input.planId, to: input.recipient.email, error: failure.message }),
      );
    } finally {
      sending = false;
    }
  }

  if (input.sendAt !== undefined) {
    // Everything handed in before the instant was known before it: it goes at the instant.
    const wait = Date.parse(input.sendAt) - Date.now();
    if (wait > 0) await sleep(wait);
    if (pending.length) await send();
  }
  const windowEnds = Date.parse(input.windowEndsAt);
  for (;;) {
    const left = windowEnds - Date.now();
    if (!pending.length && !(left > 0 && (await condition(() => pending.length > 0, left)))) break;
    const firstArrival = Date.now();
    // Wait for a quiet moment (the morning's notices arrive within seconds), but not forever.
    while (Date.now() - lastArrival < QUIET_MS && Date.now() - firstArrival < MAX_WAIT_MS) {
      const seenBefore = lastArrival;
      await condition(() => lastArrival !== seenBefore, QUIET_MS - (Date.now() - lastArrival));
    }
    await send();
  }
  return batch;
}
