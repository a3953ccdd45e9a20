/**
 * A worker or the web started before its Temporal server is up (a machine booting, the server
 * restarting, systemd starting units in parallel) waits for it instead of exiting: the SDK does
 * not retry the first connection (temporalio/sdk-typescript#344, "wrap it yourself"). It tries
 * again with a growing pause, says on each try what it waits for and where, and stops waiting on
 * SIGTERM or SIGINT. A wrong address therefore shows in the log every few seconds, not as a quiet
 * idle process.
 */

/** The pause before try `attempt` (1-based): 1 s, 2 s, 4 s, 8 s, then 15 s. Pure. */
export function retryDelayMs(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export class StoppedWaiting extends Error {
  constructor(what: string) {
    super(`等待${what}时收到停止信号，未启动`);
  }
}

/**
 * `open()` until it succeeds. Each failure is logged with its attempt and the pause before the
 * next; a stop signal ends the wait with StoppedWaiting.
 */
export async function untilReachable<T>(
  what: string,
  open: () => Promise<T>,
  log: (line: string) => void,
  options: { signals?: NodeJS.Signals[]; delayMs?: (attempt: number) => number } = {},
): Promise<T> {
  const { signals = ['SIGTERM', 'SIGINT'], delayMs = retryDelayMs } = options;
  let stop: (() => void) | undefined;
  let stopRequested = false;
  const stopped = new Promise<'stopped'>((resolve) => (stop = () => ((stopRequested = true), resolve('stopped'))));
  for (const s of signals) process.once(s, stop!);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const opened = await open();
        // A stop that came while the try was under way still stops: the process must not start after it.
        if (stopRequested) throw new StoppedWaiting(what);
        return opened;
      } catch (e) {
        if (e instanceof StoppedWaiting) throw e;
        const pause = delayMs(attempt);
        log(`${what}尚不可用（第${attempt}次尝试：${(e as Error).message.split('\n')[0]}），${pause / 1000}秒后重试`);
        let timer: NodeJS.Timeout | undefined;
        const waited = await Promise.race([stopped, new Promise<'again'>((r) => (timer = setTimeout(() => r('again'), pause)))]);
        clearTimeout(timer);
        if (waited === 'stopped') throw new StoppedWaiting(what);
      }
    }
  } finally {
    for (const s of signals) process.removeListener(s, stop!);
  }
}
