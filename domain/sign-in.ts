/**
 * The per-account sign-in limit, whichever store counts the failures (one web process's memory,
 * or the cluster's database shared by every web instance): MAX_FAILURES failures within LOCK_MS
 * lock the account's sign-in until the oldest of them is LOCK_MS old.
 */

/** Failed sign-ins per account before it is locked for LOCK_MS. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;

/** Milliseconds until the account may try again (0: now), from its failures' instants within LOCK_MS, oldest first. */
export function lockRemaining(recent: number[], now: number): number {
  if (recent.length < MAX_FAILURES) return 0;
  return Math.max(0, recent[recent.length - MAX_FAILURES] + LOCK_MS - now);
}

/** Where failed sign-ins are counted. */
export interface SignInCounter {
  /** Milliseconds until the account may try again, or 0. */
  lockedFor(name: string): Promise<number>;
  fail(name: string): Promise<void>;
  succeed(name: string): Promise<void>;
}
