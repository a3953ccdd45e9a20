/**
 * A look-back campaign (回头看专项) launched by the office: asks every matching closed measure to
 * open a review for it. Measures keep the reviews (and refuse a second one for the same
 * campaign); the campaign only reaches them, in batches, continuing as new so that thousands of
 * measures stay within a workflow's history limits.
 */
import { continueAsNew, getExternalWorkflowHandle, isCancellation, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { PATCHES } from './patches';
import type { CampaignInput } from '../contracts/inputs';
import { getCampaignQuery, startLookbackSignal, type CampaignView } from '../contracts/messages';

/** Signals sent in one run before it continues as new. */
export const SIGNALS_PER_RUN = 500;
const BATCH = 50;

export async function lookbackCampaignWorkflow(input: CampaignInput): Promise<number> {
  let asked = input.asked ?? 0;
  const view = (): CampaignView => ({
    workflowId: workflowInfo().workflowId,
    planId: input.planId,
    name: input.name,
    dueDate: input.dueDate,
    total: input.measureWorkflowIds.length,
    asked,
  });
  setHandler(getCampaignQuery, view);
  const runEnd = Math.min(asked + (input.perRun ?? SIGNALS_PER_RUN), input.measureWorkflowIds.length);
  while (asked < runEnd) {
    const batch = input.measureWorkflowIds.slice(asked, Math.min(asked + BATCH, runEnd));
    await Promise.all(
      batch.map((id) =>
        getExternalWorkflowHandle(id)
          .signal(startLookbackSignal, { campaign: input.name, dueDate: input.dueDate })
          .catch((e: unknown) => {
            // A cancelled campaign stops; a measure gone since the launch has nothing to review.
            if (isCancellation(e) && patched(PATCHES.campaignStopsOnCancel)) throw e;
            log.info('回头看专项: 措施已不在运行,跳过', { campaign: input.name, measureWorkflowId: id, error: (e as Error).message });
          }),
      ),
    );
    asked += batch.length;
  }
  if (asked < input.measureWorkflowIds.length) await continueAsNew<typeof lookbackCampaignWorkflow>({ ...input, asked });
  return asked;
}
