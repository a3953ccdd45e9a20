/**
 * One rectification measure, from assignment to close-out: a loop over the pure planner.
 * Wait (condition) until the next planned instant or a change; send what is due, each notice
 * one activity call with its idempotency key; plan again. Changes arrive as validated Updates.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  patched,
  startChild,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { runningCalendar, WorkCalendar, type CalendarOptions } from '../domain/calendar';
import { localDate } from '../domain/dates';
import * as life from '../domain/lifecycle';
import type { EventNotice } from '../domain/lifecycle';
import type { Notice, NoticeMeasure } from '../domain/notice';
import { dueAt as dueInstant, nextActions, pruneHandled, SEND_WINDOW_MS, trafficLight, type DueNotice } from '../domain/planner';
import { initialProgress } from '../domain/simulate';
import { nextLookback } from '../domain/lookback';
import { lookbackReviewWorkflow } from './lookback';
import * as msg from './messages';
import { summaryOf, type MeasureState, type MeasureSummary, type MeasureView, type MeasureWorkflowInput } from './measure-state';
import * as SA from './search-attributes';

// Notices must not be lost: retry without limit, backing off to once every ten minutes.
const { deliverNotice } = proxyActivities<Activities>({
  // Longer than a send may take (the transport gives up on a connection after a minute), so that a
  // timed-out attempt is not still sending when the next one starts.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function measureWorkflow(input: MeasureWorkflowInput): Promise<void> {
  const { spec } = input;
  const state: MeasureState = input.state ?? life.initialState(spec, initialProgress(spec, Date.now()), Date.now());
  // Planning never stops at an unpublished year (statutory holidays there, else Mon–Fri; flagged);
  // requests are checked strictly.
  let calendar!: WorkCalendar;
  let strictCalendar!: WorkCalendar;
  /** The input's calendar with the years refreshed since (provisional years only where there are any, as before they existed). */
  const calendarOptions = (): CalendarOptions => {
    const options: CalendarOptions = { ...spec.calendar, years: { ...spec.calendar.years, ...state.calendarYears } };
    if (spec.calendar.provisionalYears || state.provisionalYears)
      options.provisionalYears = { ...spec.calendar.provisionalYears, ...state.provisionalYears };
    return options;
  };
  const useCalendars = () => {
    const options = calendarOptions();
    calendar = runningCalendar(options);
    strictCalendar = new WorkCalendar(options);
  };
  useCalendars();
  const workflowId = workflowInfo().workflowId;
  let changed = false;
  let nextWakeAt: number | undefined;
  let published: { light?: string; status?: string; deadline?: string; leadUnit?: string; leader?: string; lookback?: string } = input.state
    ? {
        light: state.trafficLight,
        status: state.progress.status,
        deadline: state.progress.deadline,
        leadUnit: state.leadUnit,
        leader: state.leader,
      }
    : {};

  const view = (): MeasureView => {
    const dueAt = life.currentDueAt(state);
    const workdaysLeft =
      state.progress.deadline && spec.kind !== 'longterm'
        ? calendar.workdaysBetween(localDate(Date.now(), spec.timeZone), state.progress.deadline)
        : undefined;
    return {
      ...state,
      workflowId,
      dueAt: dueAt === undefined ? undefined : new Date(dueAt).toISOString(),
      nextWakeAt: nextWakeAt === undefined ? undefined : new Date(nextWakeAt).toISOString(),
      workdaysLeft,
    };
  };

  /** The measure as a notice (or a review) describes it, as it stands now. */
  const snapshot = (): NoticeMeasure => {
    const dueAt = life.currentDueAt(state);
    return {
      planId: spec.planId,
      id: spec.id,
      problem: spec.problem,
      title: spec.title,
      kind: spec.kind,
      status: state.progress.status,
      leadUnit: state.leadUnit,
      leader: state.leader,
      participants: spec.participants,
      deadline: state.progress.deadline,
      deadlineVersion: state.progress.deadlineVersion,
      dueAt: dueAt === undefined ? undefined : new Date(dueAt).toISOString(),
      trafficLight: state.trafficLight,
      timeZone: spec.timeZone,
      ...workdaysCount(),
    };
  };

  /** Working days to the deadline as this workflow counts them, so that a mail says what the schedule meant. */
  const workdaysCount = (): Pick<NoticeMeasure, 'workdaysLeft' | 'provisionalCount'> => {
    const deadline = state.progress.deadline;
    if (!deadline || spec.kind === 'longterm' || state.progress.status === 'closed') return {};
    const today = localDate(Date.now(), spec.timeZone);
    return { workdaysLeft: calendar.workdaysBetween(today, deadline), provisionalCount: calendar.isProvisionalBetween(today, deadline) };
  };

  const notice = (
    stage: string,
    fields: Partial<Notice> & Pick<Notice, 'kind' | 'audiences'>,
    plannedAt: number,
    catchUp: boolean,
  ): Notice => ({
    idempotencyKey: `${workflowId}:${stage}`,
    workflowId,
    stage,
    plannedAt: new Date(plannedAt).toISOString(),
    decidedAt: new Date(Date.now()).toISOString(),
    catchUp,
    measure: snapshot(),
    ...fields,
  });

  const scheduled = (n: DueNotice): Notice => {
    const { key, kind, audiences, at, catchUp, provisional, dueDate, workdaysBefore, workdaysOverdue, level, repeat, milestone, period } =
      n;
    const ms = milestone === undefined ? undefined : { index: milestone, ...spec.milestones[milestone] };
    const due = new Date(dueInstant(spec, dueDate)).toISOString();
    return notice(
      key,
      {
        kind,
        audiences,
        dueDate,
        dueAt: due,
        workdaysBefore,
        workdaysOverdue,
        level,
        repeat,
        milestone: ms,
        period,
        provisionalCalendar: provisional,
      },
      at,
      catchUp,
    );
  };

  /** The look-back state shown in search: scheduled, in-review, or the last outcome. */
  const lookbackStatus = (): string | undefined => {
    // Only measures that run with look-back reviews (the patched branch sets `lookbacks`) show one.
    if (!state.lookbacks) return undefined;
    const last = state.lookbacks[state.lookbacks.length - 1];
    const sinceClose = state.closedAt ? state.lookbacks.filter((l) => !l.campaign && l.startedAt >= state.closedAt!).length : 0;
    if (
      state.progress.status === 'closed' &&
      (!last || last.startedAt < state.closedAt!) &&
      sinceClose < spec.policy.lookback.delaysDays.length
    )
      return 'scheduled';
    if (!last) return undefined;
    return last.outcome ?? 'in-review';
  };

  /**
   * Look-back reviews of a closed measure: start the next when its time has come, else say when
   * to wake for it. Guarded by a patch: measures that ran before reviews existed replay unchanged.
   */
  async function lookbacksDue(): Promise<number | undefined> {
    if (state.progress.status !== 'closed' || !state.closedAt || !patched('lookback-reviews')) return undefined;
    if (!state.lookbacks) {
      state.lookbacks = [];
      refreshLight(); // now shown as scheduled
    }
    const lookbacks = state.lookbacks;
    const closedOn = localDate(Date.parse(state.closedAt), spec.timeZone);
    // Reviews a campaign asked for go first; each campaign reviews a measure once.
    const request = state.campaignRequests?.shift();
    if (request) {
      if (!lookbacks.some((l) => l.campaign === request.campaign)) await startReview(closedOn, request.dueDate, request.campaign);
      return lookbacksDue();
    }
    const since = lookbacks.filter((l) => !l.campaign && l.startedAt >= state.closedAt!).length;
    const next = nextLookback(spec, closedOn, since, calendar);
    if (!next) return undefined;
    if (Date.now() < next.startAt) return next.startAt;
    await startReview(closedOn, next.dueDate);
    return lookbacksDue();
  }

  async function startReview(closedOn: string, dueDate: string, campaign?: string): Promise<void> {
    const lookbacks = state.lookbacks!;
    const round = lookbacks.length + 1;
    lookbacks.push({ round, startedAt: new Date(Date.now()).toISOString(), ...(campaign ? { campaign } : {}) });
    const measure = snapshot();
    try {
      await startChild(lookbackReviewWorkflow, {
        workflowId: `lookback:${spec.planId}:${spec.id}:${round}`,
        args: [
          { measureWorkflowId: workflowId, measure, round, closedOn, dueDate, campaign, calendar: calendarOptions(), policy: spec.policy },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // A review with this id may already run (say, after a reset of the measure): then it is the one.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.PlanId, value: spec.planId },
          { key: SA.MeasureId, value: spec.id },
          { key: SA.LeadUnit, value: state.leadUnit },
          { key: SA.LookbackStatus, value: 'pending' },
          { key: SA.Deadline, value: new Date(dueInstant(spec, dueDate)) },
          ...(campaign ? [{ key: SA.LookbackCampaign, value: campaign }] : []),
        ],
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    refreshLight();
  }

  /** Registers an Update: the lifecycle's validator, then its change; event notices are queued for the main loop. */
  function handle<R>(
    update: UpdateDefinition<MeasureSummary, [R]>,
    validate: (s: MeasureState, r: R) => void,
    apply: (s: MeasureState, r: R, now: number) => EventNotice[],
  ) {
    setHandler(
      update,
      (request: R) => {
        try {
          state.outgoing.push(...apply(state, request, Date.now()));
        } catch (e) {
          // Validators should have caught it; fail the request, not the workflow.
          throw ApplicationFailure.nonRetryable(`请求无法处理: ${(e as Error).message}`, 'RequestFailed');
        }
        changed = true;
        refreshLight();
        return summaryOf(view());
      },
      { validator: (request: R) => validate(state, request) },
    );
  }

  setHandler(msg.getStateQuery, view);
  handle(msg.reportProgressUpdate, life.validateReportProgress, life.applyReportProgress);
  handle(msg.submitCompletionUpdate, life.validateSubmitCompletion, life.applySubmitCompletion);
  handle(msg.verifyCompletionUpdate, life.validateVerifyCompletion, life.applyVerifyCompletion);
  handle(msg.requestExtensionUpdate, (s, r) => life.validateRequestExtension(s, r, strictCalendar, Date.now()), life.applyRequestExtension);
  handle(msg.decideExtensionUpdate, life.validateDecideExtension, life.applyDecideExtension);
  handle(msg.reassignUpdate, life.validateReassign, life.applyReassign);
  handle(
    msg.refreshCalendarUpdate,
    (_s, r) => life.validateRefreshCalendar(r),
    (s, r, now) => {
      const events = life.applyRefreshCalendar(s, r, now);
      useCalendars();
      return events;
    },
  );
  // Buffered messages run as soon as their handler is set: everything they use is defined above.
  setHandler(msg.startLookbackSignal, (request) => {
    // A campaign reviews closed measures; one reopened meanwhile has nothing to review.
    if (state.progress.status !== 'closed') return;
    (state.campaignRequests ??= []).push(request);
    changed = true;
  });
  setHandler(msg.lookbackOutcomeSignal, (report) => {
    state.outgoing.push(...life.applyLookbackOutcome(state, report, Date.now()));
    changed = true;
    refreshLight();
  });

  /** Recomputes the light; search attributes are upserted only when something shown changed. */
  function refreshLight(): number | undefined {
    const submittedAt = state.submission ? Date.parse(state.submission.at) : undefined;
    const light = trafficLight(spec, state.progress, calendar, Date.now(), submittedAt);
    state.trafficLight = light.light;
    const now = {
      light: light.light,
      status: state.progress.status,
      deadline: state.progress.deadline,
      leadUnit: state.leadUnit,
      leader: state.leader,
      lookback: lookbackStatus(),
    };
    const updates: Parameters<typeof upsertSearchAttributes>[0] = [];
    if (now.light !== published.light) updates.push({ key: SA.TrafficLight, value: now.light });
    if (now.status !== published.status) updates.push({ key: SA.MeasureStatus, value: now.status });
    if (now.leadUnit !== published.leadUnit) updates.push({ key: SA.LeadUnit, value: now.leadUnit });
    if (now.leader !== published.leader) updates.push({ key: SA.Leader, value: now.leader });
    if (now.deadline !== published.deadline && now.deadline) {
      updates.push({ key: SA.Deadline, value: new Date(life.currentDueAt(state) ?? Date.parse(now.deadline)) });
    }
    if (now.lookback !== published.lookback && now.lookback) updates.push({ key: SA.LookbackStatus, value: now.lookback });
    if (updates.length) upsertSearchAttributes(updates);
    published = now;
    return light.nextChangeAt;
  }

  for (;;) {
    const started = Date.now();
    // Event notices first: people are waiting for the answer to what they just did.
    while (state.outgoing.length) {
      const event = state.outgoing[0];
      state.eventSeq += 1;
      await deliverNotice(notice(`v${state.progress.deadlineVersion}:event:${state.eventSeq}:${event.kind}`, event, Date.now(), false));
      state.outgoing.shift();
    }
    const next = nextActions(spec, state.progress, calendar, Date.now());
    for (const key of next.skip) state.progress.handled[key] = 'skipped';
    for (const due of next.send) {
      // Plan again if a request changed things, or if delivery has been slow: what was due may be stale.
      if (changed || Date.now() - started > SEND_WINDOW_MS) break;
      refreshLight();
      await deliverNotice(scheduled(due));
      state.progress.handled[due.key] = 'sent';
    }
    const lightChangeAt = refreshLight();
    const lookbackAt = changed ? undefined : await lookbacksDue();
    if (!changed && !state.outgoing.length) {
      const wakes = [next.wakeAt, lightChangeAt, lookbackAt].filter((t): t is number => t !== undefined);
      nextWakeAt = wakes.length ? Math.min(...wakes) : undefined;
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        state.progress.handled = pruneHandled(spec, state.progress);
        await continueAsNew<typeof measureWorkflow>({ spec, state });
      }
      const until = () => changed || workflowInfo().continueAsNewSuggested;
      if (nextWakeAt === undefined) await condition(until);
      else await condition(until, Math.max(nextWakeAt - Date.now(), 1));
    }
    changed = false;
  }
}
