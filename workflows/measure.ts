/**
 * One rectification measure, from assignment to close-out: a loop over the pure planner. Each
 * turn delivers the events people caused, then the notices that are due (one activity call per
 * notice, with its idempotency key), publishes the light, starts look-back reviews that are due,
 * and waits for the next planned instant or a change. Changes arrive as validated Updates; the
 * state and its mutations live in MeasureEntity (measure-entity.ts). One piece: the loop and the
 * steps it calls read in the order they run, and every step is a patch boundary of its own.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type UpdateDefinition } from '@temporalio/common';
import { lookbackWorkflowId } from '../contracts/ids';
import type { MeasureSummary, MeasureWorkflowInput } from '../contracts/measure';
import * as msg from '../contracts/messages';
import * as SA from '../contracts/search-attributes';
import { localDate } from '../domain/dates';
import * as life from '../domain/lifecycle';
import type { EventNotice, MeasureState } from '../domain/measure-state';
import { nextLookback } from '../domain/lookback';
import { currentStage, dueAt as dueInstant, nextActions, PREPARE_LEAD_MS, pruneHandled, SEND_WINDOW_MS } from '../domain/planner';
import { NOTICE_KINDS } from '../domain/vocabulary';
import * as requests from '../domain/requests';
import { lookbackReviewWorkflow } from './lookback';
import { MeasureEntity } from './measure-entity';
import { PATCHES } from './patches';
import { HandOver } from './shared/handover';
import { deliverNotice, prepareNotice, withdrawPrepared } from './shared/proxies';
import { sleepUntilOrChanged } from './shared/timer';

export async function measureWorkflow(input: MeasureWorkflowInput): Promise<void> {
  const m = new MeasureEntity(input, workflowInfo().workflowId);
  const move = new HandOver(
    () => m.continuation(),
    () => (m.changed = true),
    input.held,
  );
  registerHandlers(m, move);
  await move.waitUntilReleased();
  /** A change came since notices were prepared: they are taken back and planned again. */
  let preparedStale = false;
  for (;;) {
    // Moving to another server: notices handed ahead are taken back (the copy hands them to its own digests).
    await move.parkIfAsked(async () => {
      if (m.state.prepared) await settlePrepared(m, true);
    });
    const started = Date.now();
    if (!m.spec.dueOnWorkday && patched(PATCHES.dueOnWorkday)) m.adoptDueOnWorkday();
    await deliverEvents(m);
    if (m.state.prepared) await settlePrepared(m, preparedStale);
    preparedStale = false;
    // Withdrawn from the plan (`plan apply --prune`): nothing more to chase; answered requests finish first.
    if (m.state.withdrawn) {
      m.markWithdrawn();
      await condition(allHandlersFinished);
      return;
    }
    const wakeForNotices = await prepareAhead(m, await deliverDueNotices(m, started));
    const wakeForLight = m.refreshLight();
    const wakeForReview = m.changed ? undefined : await startDueReviews(m);
    if (patched(PATCHES.reportMemo)) m.publishRecord();
    if (!m.changed && !m.state.outgoing.length) {
      const wakes = [wakeForNotices, wakeForLight, wakeForReview].filter((t): t is number => t !== undefined);
      m.nextWakeAt = wakes.length ? Math.min(...wakes) : undefined;
      await continueAsNewIfSuggested(m);
      await sleepUntilOrChanged(() => m.changed || workflowInfo().continueAsNewSuggested, m.nextWakeAt);
    }
    if (m.changed && m.state.prepared) preparedStale = true;
    m.changed = false;
  }
}

/** Queries, Updates (each the lifecycle's validator, then its change) and the look-back signals. */
function registerHandlers(m: MeasureEntity, move: HandOver<MeasureWorkflowInput>): void {
  function handle<R>(
    update: UpdateDefinition<MeasureSummary, [R]>,
    validate: (s: MeasureState, r: R) => void,
    apply: (s: MeasureState, r: R, now: number) => EventNotice[],
  ) {
    setHandler(
      update,
      (request: R) => {
        try {
          return m.accept(apply, request);
        } catch (e) {
          // Validators should have caught it; fail the request, not the workflow.
          log.error('请求未能应用', { planId: m.spec.planId, measureId: m.spec.id, update: update.name, error: (e as Error).message });
          throw ApplicationFailure.nonRetryable(`请求无法处理：${(e as Error).message}`, 'RequestFailed');
        }
      },
      {
        validator: (request: R) => {
          move.refuseWhileMoving();
          validate(m.state, request);
        },
      },
    );
  }

  setHandler(msg.getStateQuery, () => m.view());
  setHandler(msg.getDetailsQuery, () => m.details());
  setHandler(msg.getRecordQuery, () => m.record());
  setHandler(msg.getTimelineQuery, () => m.timeline());
  handle(msg.reportProgressUpdate, requests.validateReportProgress, life.applyReportProgress);
  handle(msg.submitCompletionUpdate, requests.validateSubmitCompletion, life.applySubmitCompletion);
  handle(msg.verifyCompletionUpdate, requests.validateVerifyCompletion, life.applyVerifyCompletion);
  handle(
    msg.requestExtensionUpdate,
    (s, r) => requests.validateRequestExtension(s, r, m.strictCalendar, Date.now()),
    life.applyRequestExtension,
  );
  handle(msg.decideExtensionUpdate, requests.validateDecideExtension, life.applyDecideExtension);
  handle(msg.reassignUpdate, requests.validateReassign, life.applyReassign);
  handle(
    msg.refreshCalendarUpdate,
    (_s, r) => requests.validateRefreshCalendar(r),
    (s, r, now) => {
      const events = life.applyRefreshCalendar(s, r, now);
      m.useCalendars();
      return events;
    },
  );
  handle(msg.updatePolicyUpdate, (_s, r) => requests.validateUpdatePolicy(r), life.applyUpdatePolicy);
  handle(
    msg.remindUpdate,
    (s, r) => requests.validateRemind(s, r, Date.now()),
    (s, r, now) => life.applyRemind(s, r, now, currentStage(m.spec, s.progress, m.calendar, now)),
  );
  handle(msg.requestLinkUpdate, (s, r) => requests.validateRequestLink(s, r, Date.now()), life.applyRequestLink);
  handle(
    msg.amendMeasureUpdate,
    (s, r) => requests.validateAmendMeasure(s, r, m.strictCalendar, Date.now()),
    (s, r, now) => {
      const kind = s.spec.kind;
      const events = life.applyAmendMeasure(s, r, now);
      if (s.spec.kind !== kind) upsertSearchAttributes([{ key: SA.MeasureKind, value: s.spec.kind }]);
      // A new deadline is told (histories recorded before the notice existed replay without it).
      return events.length && patched(PATCHES.deadlineChangedNotice) ? events : [];
    },
  );
  handle(msg.withdrawMeasureUpdate, requests.validateWithdrawMeasure, life.applyWithdrawMeasure);
  // Buffered messages run as soon as their handler is set: everything they use is defined above.
  setHandler(msg.startLookbackSignal, (request) => {
    // A campaign reviews closed measures; one reopened meanwhile has nothing to review.
    if (m.state.progress.status !== 'closed') return;
    (m.state.campaignRequests ??= []).push(request);
    m.changed = true;
  });
  setHandler(msg.lookbackOutcomeSignal, (report) => {
    m.state.outgoing.push(...life.applyLookbackOutcome(m.state, report, Date.now()));
    m.changed = true;
    m.refreshLight();
  });
}

/** Event notices first: people are waiting for the answer to what they just did. */
async function deliverEvents(m: MeasureEntity): Promise<void> {
  while (m.state.outgoing.length) {
    const notice = m.eventNotice(m.state.outgoing[0]);
    m.recordDelivery(notice, await deliverNotice(notice));
    m.state.outgoing.shift();
  }
}

/** The notices the planner says are due now; when it will next have something to send. */
async function deliverDueNotices(m: MeasureEntity, started: number): Promise<number | undefined> {
  const next = nextActions(m.spec, m.state.progress, m.calendar, Date.now());
  for (const key of next.skip) m.state.progress.handled[key] = 'skipped';
  for (const due of next.send) {
    // Plan again if a request changed things, or if delivery has been slow: what was due may be stale.
    if (m.changed || Date.now() - started > SEND_WINDOW_MS) break;
    m.refreshLight();
    const notice = m.scheduled(due);
    m.recordDelivery(notice, await deliverNotice(notice));
    m.state.progress.handled[due.key] = 'sent';
  }
  return next.wakeAt;
}

/**
 * The 09:00 burst, prepared ahead: when the next notices fall due within PREPARE_LEAD_MS, those a
 * digest merges are decided now as of their instant and handed to their recipients' digests, which
 * send them at the instant (without waiting for thousands of measures to wake then). They count as
 * handled and delivered at that instant; a change before it takes them back (settlePrepared).
 * Returns when to wake for notices: to prepare, or for what is left.
 */
async function prepareAhead(m: MeasureEntity, wakeAt: number | undefined): Promise<number | undefined> {
  if (wakeAt === undefined || (m.state.noDigestsUntil ?? 0) > Date.now() || !patched(PATCHES.preparedDigests)) return wakeAt;
  if (wakeAt - Date.now() > PREPARE_LEAD_MS) return wakeAt - PREPARE_LEAD_MS;
  const due = nextActions(m.spec, m.state.progress, m.calendar, wakeAt).send.filter(
    (d) => d.at === wakeAt && !d.catchUp && NOTICE_KINDS[d.kind].digest && !m.state.progress.handled[d.key],
  );
  for (const d of due) {
    if (m.changed) break; // plan again first
    m.refreshLight();
    const notice = m.scheduled(d, wakeAt);
    const outcome = await prepareNotice(notice);
    if (!outcome.prepared) {
      // A worker that merges no digests is not asked again for a while; otherwise it goes at its instant.
      if (outcome.reason === 'no-digests') m.state.noDigestsUntil = Date.now() + NO_DIGESTS_RETRY_MS;
      continue;
    }
    m.state.progress.handled[d.key] = 'sent';
    m.recordDelivery(notice, outcome.result, wakeAt);
    (m.state.prepared ??= []).push({ stage: d.key, key: notice.idempotencyKey, at: wakeAt, copies: outcome.result.sent ?? [] });
  }
  return nextActions(m.spec, m.state.progress, m.calendar, Date.now()).wakeAt;
}

/** A worker without digests is asked again after this long (say, once mail is configured). */
const NO_DIGESTS_RETRY_MS = 30 * 86_400_000;

/**
 * Prepared notices whose instant has come are sent (their digests sent them): forgotten. After a
 * change, those still ahead are taken back from their digests and planned afresh, unless a digest
 * had already sent its copy (a change in the last moments): then that copy stands as delivered.
 */
async function settlePrepared(m: MeasureEntity, stale: boolean): Promise<void> {
  const { state } = m;
  const ahead = (state.prepared ?? []).filter((p) => p.at > Date.now());
  state.prepared = undefined;
  for (const p of ahead) {
    if (!stale) {
      (state.prepared ??= []).push(p);
      continue;
    }
    const { sent } = await withdrawPrepared({ key: p.key, copies: p.copies });
    const at = new Date(p.at).toISOString();
    const entry = state.deliveries?.find((d) => d.stage === p.stage && d.at === at);
    if (sent.length) {
      if (entry) entry.to = sent;
      continue;
    }
    delete state.progress.handled[p.stage];
    state.deliveries = state.deliveries?.filter((d) => d !== entry);
  }
}

/**
 * Look-back reviews of a closed measure: start the next when its time has come, else say when
 * to wake for it. Guarded by a patch: histories recorded before reviews existed replay without
 * them. (A measure that was running then and goes on under this code starts its reviews from its
 * next wake: for a close-out long past, at once.)
 */
async function startDueReviews(m: MeasureEntity): Promise<number | undefined> {
  const { state } = m;
  if (state.progress.status !== 'closed' || !state.closedAt || !patched(PATCHES.lookbackReviews)) return undefined;
  if (!state.lookbacks) {
    state.lookbacks = [];
    m.refreshLight(); // now shown as scheduled
  }
  const lookbacks = state.lookbacks;
  const closedOn = localDate(Date.parse(state.closedAt), m.spec.timeZone);
  // Reviews a campaign asked for go first; each campaign reviews a measure once.
  const request = state.campaignRequests?.shift();
  if (request) {
    if (!lookbacks.some((l) => l.campaign === request.campaign)) await startReview(m, closedOn, request.dueDate, request.campaign);
    return startDueReviews(m);
  }
  const since = lookbacks.filter((l) => !l.campaign && l.startedAt >= state.closedAt!).length;
  const next = nextLookback(m.spec, closedOn, since, m.calendar);
  if (!next) return undefined;
  if (Date.now() < next.startAt) return next.startAt;
  await startReview(m, closedOn, next.dueDate);
  return startDueReviews(m);
}

async function startReview(m: MeasureEntity, closedOn: string, dueDate: string, campaign?: string): Promise<void> {
  const { spec, state } = m;
  const lookbacks = state.lookbacks!;
  const round = lookbacks.length + 1;
  lookbacks.push({ round, startedAt: new Date(Date.now()).toISOString(), ...(campaign ? { campaign } : {}), dueDate });
  const measure = m.snapshot();
  try {
    await startChild(lookbackReviewWorkflow, {
      workflowId: lookbackWorkflowId(spec.planId, spec.id, round),
      args: [
        {
          measureWorkflowId: m.workflowId,
          measure,
          round,
          closedOn,
          dueDate,
          campaign,
          calendar: m.calendarOptions(),
          policy: spec.policy,
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A review with this id may already run (say, after a reset of the measure): then it is the one.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SA.PlanId, value: spec.planId },
        { key: SA.MeasureId, value: spec.id },
        { key: SA.LeadUnit, value: state.leadUnit },
        { key: SA.LookbackStatus, value: 'pending' },
        { key: SA.Deadline, value: new Date(dueInstant(spec, dueDate, m.calendar)) },
        ...(campaign ? [{ key: SA.LookbackCampaign, value: campaign }] : []),
      ],
    });
    log.info('已启动回头看', { planId: spec.planId, measureId: spec.id, round, campaign });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    log.info('回头看已在运行', { planId: spec.planId, measureId: spec.id, round });
  }
  m.refreshLight();
}

/** History stays bounded: when the server suggests it, the measure continues as new with its whole state. */
async function continueAsNewIfSuggested(m: MeasureEntity): Promise<void> {
  if (!workflowInfo().continueAsNewSuggested) return;
  await condition(allHandlersFinished);
  m.state.progress.handled = pruneHandled(m.spec, m.state.progress);
  log.info('措施继续为新的运行（历史保持在限度内）', { planId: m.spec.planId, measureId: m.spec.id, events: workflowInfo().historyLength });
  await continueAsNew<typeof measureWorkflow>(m.continuation());
}
