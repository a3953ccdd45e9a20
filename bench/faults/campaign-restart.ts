import { DateTime } from 'luxon';
import { launchCampaign } from '../../client/lookback';
import { startPlan } from '../../client/measures';
import { mapBounded } from '../../client/records';
import { campaignWorkflowId, measureWorkflowId, ofType, WORKFLOW } from '../../contracts/ids';
import { getCampaignQuery, submitCompletionUpdate, verifyCompletionUpdate } from '../../contracts/messages';
import * as SA from '../../contracts/search-attributes';
import { chinaCalendar } from '../../domain/calendar-data';
import { SIGNALS_PER_RUN } from '../../workflows/campaign';
import { sleep, untilIdle } from '../lib/harness';
import { seconds } from '../lib/results';
import { BURST_LIVE, MorningReader, watchMorning } from '../lib/morning';
import { burstPlan, untilCount, ZONE } from '../lib/plans';
import { onStage, type Scenario } from './stage';
import { judge, morningFigures } from './verdict';

/**
 * A look-back campaign by selection over N closed measures (one page per run, so it continues as
 * new several times); the dev server stopped while the campaign is part-way through its batches
 * and started again 20 s later. The campaign completes once (one run completes, with every
 * measure asked), each measure has one review for it, and the office is asked once per review.
 */
export const campaignRestart: Scenario = (argv) =>
  onStage('fault-campaign', argv, { measures: 1000, units: 20 }, async ({ server, smtp, client, measures, units, worker }) => {
    await worker('machine-a');
    const today = DateTime.now().setZone(ZONE);
    // Reminders due in ten days: nothing is sent on the measures' own account during the run.
    const plan = burstPlan(measures, units, today.plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }));
    await startPlan(client, plan, { concurrency: 32 });
    await untilCount(client, BURST_LIVE, measures, 10 * 60_000);
    await mapBounded(plan.measures, 32, async (m) => {
      const handle = client.workflow.getHandle(measureWorkflowId('burst', m.id));
      await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: { role: 'unit', who: m.leadUnit }, evidence: ['整改报告'] }] });
      await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: { role: 'office', who: '督查科' }, accept: true }] });
    });
    await untilCount(client, `PlanId = 'burst' AND ${ofType(WORKFLOW.measure)} AND MeasureStatus = 'closed'`, measures, 10 * 60_000);
    await untilIdle(client, 5 * 60_000);

    const name = '冬季回头看';
    const reviewsOfCampaign = `${ofType(WORKFLOW.lookbackReview)} AND LookbackCampaign = '${name}'`;
    let due = today.plus({ days: 14 });
    while (!chinaCalendar({ unpublishedYears: 'statutory' }).isWorkday(due.toISODate()!)) due = due.plus({ days: 1 });
    const office = 'office@bench.example.org';
    const reader = new MorningReader(
      smtp.accepted,
      Date.now(),
      new Set(plan.measures.map((m) => `${office} ${m.id}`)),
      smtp.accepted.length,
    );
    const launchedAt = Date.now();
    const launch = await launchCampaign(client, name, due.toISODate()!, { planId: 'burst' }, today.toISODate()!);
    if (!launch.results[0]?.launched) throw new Error(`campaign not launched: ${JSON.stringify(launch)}`);
    const campaign = client.workflow.getHandle(campaignWorkflowId('burst', name));
    // Stopped once the campaign has asked some measures and not all (a query answers between batches).
    let askedAtStop = 0;
    while (askedAtStop === 0) {
      askedAtStop = (await campaign.query(getCampaignQuery).catch(() => ({ asked: 0 }))).asked;
      if (askedAtStop >= measures) throw new Error('the campaign finished before the server could be stopped: use more --measures');
      if (Date.now() - launchedAt > 5 * 60_000) throw new Error('the campaign asked no measure in 5 minutes');
      await sleep(20);
    }
    const stoppedAt = Date.now() - launchedAt;
    const reviewsAtStop = (await client.workflow.count(reviewsOfCampaign)).count;
    await server.restart(20_000);
    const result = await campaign.result();
    const completedAt = Date.now() - launchedAt;
    // Visibility follows the result a moment later: read the runs once it shows the campaign completed.
    const ofCampaign = `WorkflowId = '${campaign.workflowId}'`;
    await untilCount(client, `${ofCampaign} AND ExecutionStatus = 'Completed'`, 1, 60_000, 200);
    const runs: string[] = [];
    for await (const run of client.workflow.list({ query: ofCampaign })) runs.push(run.status.name);
    const reviewed = new Map<string, number>();
    await untilCount(client, reviewsOfCampaign, measures, 5 * 60_000);
    for await (const review of client.workflow.list({ query: reviewsOfCampaign })) {
      const id = review.typedSearchAttributes.get(SA.MeasureId) ?? review.workflowId;
      reviewed.set(id, (reviewed.get(id) ?? 0) + 1);
    }
    const morning = await watchMorning(
      smtp.accepted,
      { T: DateTime.fromMillis(launchedAt), expected: new Set() },
      launchedAt + 10 * 60_000,
      {
        reader,
      },
    );
    const failures = judge(morning, 0);
    const completed = runs.filter((r) => r === 'COMPLETED').length;
    if (completed !== 1 || runs.some((r) => !['COMPLETED', 'CONTINUED_AS_NEW'].includes(r)))
      failures.push(`the campaign's runs ended ${runs.join(', ')} (want one COMPLETED, the rest CONTINUED_AS_NEW)`);
    if (result !== measures) failures.push(`the campaign asked ${result} measures, not ${measures}`);
    const twice = [...reviewed.values()].filter((n) => n > 1).length;
    if (reviewed.size !== measures || twice) failures.push(`${reviewed.size} of ${measures} measures reviewed, ${twice} more than once`);
    return {
      scenario: 'campaign-restart',
      did: `a look-back campaign by selection over ${measures} closed measures (${SIGNALS_PER_RUN} a run); the dev server stopped ${seconds(stoppedAt)} s after the launch, when the campaign had asked ${askedAtStop} and ${reviewsAtStop} reviews had started, and started again on its database 20 s later`,
      figures: {
        measures,
        units,
        askedAtStop,
        reviewsAtStop,
        campaignRuns: runs.length,
        campaignAsked: result,
        campaignSeconds: seconds(completedAt),
        reviews: [...reviewed.values()].reduce((a, b) => a + b, 0),
        ...morningFigures(morning),
      },
      failures,
    };
  });
