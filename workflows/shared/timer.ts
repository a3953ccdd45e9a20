/** The shape of "wait for the next instant or a change" (the samples' updatable timer). */
import { condition } from '@temporalio/workflow';

/**
 * Waits until `changed()` holds or, when there is one, until `wakeAt` (an instant in workflow
 * time). True when woken by a change. No timer at all when there is nothing to wake for.
 */
export async function sleepUntilOrChanged(changed: () => boolean, wakeAt: number | undefined): Promise<boolean> {
  if (wakeAt === undefined) {
    await condition(changed);
    return true;
  }
  return condition(changed, Math.max(wakeAt - Date.now(), 1));
}
