/**
 * One recipient's notices for one send time, merged into one mail. Measures signal their notices
 * here (through their delivery activity); the items live in this workflow's history, so none is
 * lost if a worker dies before the mail goes out. It waits for a quiet moment, sends, and stays
 * open to the end of the send window for stragglers (sent as a follow-up).
 */
import { condition, log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DigestInput } from '../contracts/inputs';
import { addToDigestSignal } from '../contracts/messages';
import type { Notice } from '../domain/notice';
import { reportUndelivered, sendDigest } from './shared/proxies';

/** How long no new notice must arrive before the mail goes, and how long a batch may wait at most. */
export const QUIET_MS = 15_000;
export const MAX_WAIT_MS = 120_000;

export async function digestWorkflow(input: DigestInput): Promise<number> {
  const seen = new Set<string>();
  let pending: Notice[] = [];
  let lastArrival = 0;
  setHandler(addToDigestSignal, (notice) => {
    if (seen.has(notice.idempotencyKey)) return; // a retried hand-off
    seen.add(notice.idempotencyKey);
    pending.push(notice);
    lastArrival = Date.now();
  });
  const windowEnds = Date.parse(input.windowEndsAt);
  let batch = 0;
  for (;;) {
    const left = windowEnds - Date.now();
    if (!pending.length && !(left > 0 && (await condition(() => pending.length > 0, left)))) break;
    const firstArrival = Date.now();
    // Wait for a quiet moment (the morning's notices arrive within seconds), but not forever.
    while (Date.now() - lastArrival < QUIET_MS && Date.now() - firstArrival < MAX_WAIT_MS) {
      const seenBefore = lastArrival;
      await condition(() => lastArrival !== seenBefore, QUIET_MS - (Date.now() - lastArrival));
    }
    const notices = pending;
    pending = [];
    batch += 1;
    const digest = { planId: input.planId, recipient: input.recipient, notices, digestKey: `${workflowInfo().workflowId}#${batch}` };
    try {
      await sendDigest(digest);
    } catch (e) {
      const reason = ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;
      log.warn('汇总邮件一天内未能发出,已转告巡察办', {
        planId: input.planId,
        to: input.recipient.email,
        measures: notices.map((n) => n.measure.id),
        reason,
      });
      await reportUndelivered({ ...digest, reason }).catch((failure: Error) =>
        log.error('汇总邮件未能发出,也未能告知巡察办', { planId: input.planId, to: input.recipient.email, error: failure.message }),
      );
    }
  }
  return batch;
}
