/**
 * One look-back review (回头看) of a closed measure: asks the office to check for relapse,
 * chases once when the review is overdue, records the outcome, and tells the measure, which
 * reopens on a relapse.
 */
import { condition, getExternalWorkflowHandle, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { LookbackStatus } from './search-attributes';
import type { Activities } from '../activities';
import { WorkCalendar, type CalendarOptions } from '../domain/calendar';
import { localInstant, type IsoDate } from '../domain/dates';
import { validateRecordOutcome, type LookbackOutcome } from '../domain/lookback';
import type { Notice, NoticeMeasure } from '../domain/notice';
import type { Audience } from '../domain/plan/schema';
import { getLookbackQuery, lookbackOutcomeSignal, recordOutcomeUpdate, type LookbackView } from './messages';

export interface LookbackInput {
  measureWorkflowId: string;
  measure: NoticeMeasure;
  round: number;
  closedOn: IsoDate;
  dueDate: IsoDate;
  /** The measure's calendar and due time, to judge dates the way the measure does. */
  calendar: CalendarOptions;
  dueAt: string;
  campaign?: string;
}

const { deliverNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function lookbackReviewWorkflow(input: LookbackInput): Promise<LookbackOutcome> {
  const { workflowId } = workflowInfo();
  const calendar = new WorkCalendar(input.calendar);
  const view: LookbackView = { workflowId, round: input.round, measureId: input.measure.id, closedOn: input.closedOn, dueDate: input.dueDate };
  let measureTold = false;
  setHandler(getLookbackQuery, () => view);
  setHandler(
    recordOutcomeUpdate,
    async (r) => {
      view.outcome = r.outcome;
      view.notes = r.notes;
      view.recordedBy = r.actor.who;
      view.recordedAt = new Date(Date.now()).toISOString();
      await getExternalWorkflowHandle(input.measureWorkflowId).signal(lookbackOutcomeSignal, { round: input.round, outcome: r.outcome, notes: r.notes, by: r.actor, newDeadline: r.newDeadline });
      measureTold = true;
      upsertSearchAttributes([{ key: LookbackStatus, value: r.outcome }]);
      return view;
    },
    { validator: (r) => validateRecordOutcome(view.outcome, r, calendar, input.measure.timeZone, Date.now()) },
  );

  const notice = (kind: 'lookback-request' | 'lookback-overdue', audiences: Audience[]): Notice => ({
    idempotencyKey: `${workflowId}:${kind}`,
    workflowId,
    stage: kind,
    kind,
    audiences,
    plannedAt: new Date(Date.now()).toISOString(),
    decidedAt: new Date(Date.now()).toISOString(),
    catchUp: false,
    measure: input.measure,
    dueDate: input.dueDate,
    lookback: { round: input.round, closedOn: input.closedOn, dueDate: input.dueDate, campaign: input.campaign },
  });

  await deliverNotice(notice('lookback-request', ['office']));
  const due = localInstant(input.dueDate, input.dueAt, input.measure.timeZone);
  if (!(await condition(() => view.outcome !== undefined, Math.max(due - Date.now(), 1)))) {
    await deliverNotice(notice('lookback-overdue', ['office', 'leadershipGroup']));
    await condition(() => view.outcome !== undefined);
  }
  await condition(() => measureTold);
  return view.outcome!;
}
