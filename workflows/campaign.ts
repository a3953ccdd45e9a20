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
import { campaignPage } from './shared/proxies';

/** Signals sent in one run before it continues as new. */
export const SIGNALS_PER_RUN = 500;
const BATCH = 50;

export async function lookbackCampaignWorkflow(input: CampaignInput): Promise<number> {
  if (input.select) return campaignBySelection(input);
  const ids = input.measureWorkflowIds ?? [];
  let asked = input.asked ?? 0;
  const view = (): CampaignView => ({
    workflowId: workflowInfo().workflowId,
    planId: input.planId,
    name: input.name,
    dueDate: input.dueDate,
    total: ids.length,
    asked,
  });
  setHandler(getCampaignQuery, view);
  const runEnd = Math.min(asked + (input.perRun ?? SIGNALS_PER_RUN), ids.length);
  while (asked < runEnd) {
    const batch = ids.slice(asked, Math.min(asked + BATCH, runEnd));
    await ask(input, batch);
    asked += batch.length;
  }
  if (asked < ids.length) await continueAsNew<typeof lookbackCampaignWorkflow>({ ...input, asked });
  return asked;
}

/**
 * A campaign by selection: each run lists one page of the selected measures (an activity) and
 * asks them, then continues as new with where the listing goes on. The input stays small for any
 * number of measures (a list of ids would pass Temporal's payload limits at about 200,000).
 */
async function campaignBySelection(input: CampaignInput): Promise<number> {
  let asked = input.asked ?? 0;
  setHandler(getCampaignQuery, () => ({
    workflowId: workflowInfo().workflowId,
    planId: input.planId,
    name: input.name,
    dueDate: input.dueDate,
    total: Math.max(input.expected ?? 0, asked),
    asked,
  }));
  const page = await campaignPage({ select: input.select!, pageToken: input.pageToken, pageSize: input.perRun ?? SIGNALS_PER_RUN });
  for (let i = 0; i < page.workflowIds.length; i += BATCH) {
    const batch = page.workflowIds.slice(i, i + BATCH);
    await ask(input, batch);
    asked += batch.length;
  }
  if (page.nextPageToken) await continueAsNew<typeof lookbackCampaignWorkflow>({ ...input, asked, pageToken: page.nextPageToken });
  return asked;
}

/** Asks each measure to open a review for the campaign; a measure gone since has nothing to review. */
async function ask(input: CampaignInput, batch: string[]): Promise<void> {
  await Promise.all(
    batch.map((id) =>
      getExternalWorkflowHandle(id)
        .signal(startLookbackSignal, { campaign: input.name, dueDate: input.dueDate })
        .catch((e: unknown) => {
          // A cancelled campaign stops; a measure gone since the launch has nothing to review.
          if (isCancellation(e) && patched(PATCHES.campaignStopsOnCancel)) throw e;
          log.info('回头看专项：措施已不在运行，跳过', { campaign: input.name, measureWorkflowId: id, error: (e as Error).message });
        }),
    ),
  );
}
