/**
 * One look-back review (回头看) of a closed measure: asks the office to check for relapse,
 * chases once when the review is overdue, records the outcome, and tells the measure, which
 * reopens on a relapse.
 */
import { condition, getExternalWorkflowHandle, metricMeter, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { LookbackInput } from '../contracts/inputs';
import { getLookbackQuery, lookbackOutcomeSignal, recordOutcomeUpdate, type LookbackView } from '../contracts/messages';
import { LookbackStatus } from '../contracts/search-attributes';
import { runningCalendar, WorkCalendar } from '../domain/calendar';
import { validateRecordOutcome, type LookbackOutcome } from '../domain/lookback';
import type { Notice } from '../domain/notice';
import { deliveryEntry, type DeliveryEntry } from '../domain/measure-state';
import { dueAt as dueInstant, reviewStages, selectDue, type DueNotice } from '../domain/planner';
import { deliverNotice } from './shared/proxies';
import { buildNotice, dueFields, type NoticeFields } from './shared/notices';
import { HandOver } from './shared/handover';
import { sleepUntilOrChanged } from './shared/timer';

export async function lookbackReviewWorkflow(input: LookbackInput): Promise<LookbackOutcome> {
  const { workflowId } = workflowInfo();
  const calendar = new WorkCalendar(input.calendar);
  const planning = runningCalendar(input.calendar);
  const timing = { policy: input.policy, timeZone: input.measure.timeZone };
  const view: LookbackView = {
    workflowId,
    round: input.round,
    measureId: input.measure.id,
    closedOn: input.closedOn,
    dueDate: input.dueDate,
  };
  const carried = input.carried;
  if (carried?.view) Object.assign(view, carried.view);
  let measureTold = carried?.view?.outcome !== undefined;
  // What the review sent, told to the measure with the outcome (its timeline outlives this workflow).
  const deliveries: DeliveryEntry[] = carried?.deliveries ?? [];
  const deliver = async (n: Notice) => {
    deliveries.push(deliveryEntry(n, await deliverNotice(n), Date.now()));
  };
  // Stages sent or skipped; carried by a copy on another server.
  const handled: Record<string, 'sent' | 'skipped'> = carried?.handled ?? {};
  let woken = false;
  const move = new HandOver<LookbackInput>(
    () => ({ ...input, held: undefined, carried: { view: { ...view }, handled, deliveries } }),
    () => (woken = true),
    input.held,
  );
  setHandler(getLookbackQuery, () => view);
  let recording = false;
  setHandler(
    recordOutcomeUpdate,
    async (r) => {
      recording = true;
      // The measure first: only once it knows does the review count as decided.
      try {
        await getExternalWorkflowHandle(input.measureWorkflowId).signal(lookbackOutcomeSignal, {
          round: input.round,
          outcome: r.outcome,
          notes: r.notes,
          by: r.actor,
          newDeadline: r.newDeadline,
          deliveries,
        });
      } catch {
        // The measure is gone (terminated, or its plan withdrawn): the review still records its finding.
      }
      view.outcome = r.outcome;
      view.notes = r.notes;
      view.evidence = r.evidence;
      view.recordedBy = r.actor.who;
      view.recordedAt = new Date(Date.now()).toISOString();
      measureTold = true;
      upsertSearchAttributes([{ key: LookbackStatus, value: r.outcome }]);
      // Counted once (the SDK does not count again on replay), exported by the worker's /metrics.
      metricMeter.createCounter('rectify_lookback_outcomes', '1', 'Look-back reviews decided, by outcome').add(1, { outcome: r.outcome });
      return view;
    },
    {
      validator: (r) => {
        move.refuseWhileMoving();
        validateRecordOutcome(recording ? (view.outcome ?? r.outcome) : view.outcome, r, calendar, input.measure.timeZone, Date.now());
      },
    },
  );

  const notice = (stage: string, fields: NoticeFields, plannedAt = Date.now(), catchUp = false): Notice =>
    buildNotice(
      workflowId,
      stage,
      input.measure,
      {
        dueDate: input.dueDate,
        dueAt: new Date(dueInstant(timing, input.dueDate, planning)).toISOString(),
        lookback: { round: input.round, closedOn: input.closedOn, dueDate: input.dueDate, campaign: input.campaign },
        ...fields,
      },
      plannedAt,
      catchUp,
    );
  const scheduled = (n: DueNotice) => notice(n.key, dueFields(n), n.at, n.catchUp);

  await move.waitUntilReleased();
  if (!carried) {
    await deliver(notice('request', { kind: 'lookback-request', audiences: ['office'] }));
    // The request itself stands for whatever the schedule had up to now (the 10-day reminder falls on the first day).
    for (const stage of reviewStages(timing, input.dueDate, planning, Date.now()))
      if (stage.at <= Date.now()) handled[stage.key] = 'skipped';
  }
  // Chased until the outcome is in: the same planner as a measure's, over the review's own track.
  while (view.outcome === undefined) {
    await move.parkIfAsked();
    woken = false;
    const next = selectDue(timing, reviewStages(timing, input.dueDate, planning, Date.now()), handled, planning, Date.now());
    for (const key of next.skip) handled[key] = 'skipped';
    for (const due of next.send) {
      if (view.outcome !== undefined) break;
      await deliver(scheduled(due));
      handled[due.key] = 'sent';
    }
    if (view.outcome !== undefined) break;
    await sleepUntilOrChanged(() => view.outcome !== undefined || woken, next.wakeAt);
  }
  await condition(() => measureTold);
  return view.outcome!;
}
