/**
 * A measure workflow's state and everything that reads or changes it, beside the thin workflow
 * function (measure.ts) that registers handlers and runs the loop: the safe-message-handlers
 * sample's shape. Deterministic: workflow time, no I/O; search attributes are upserted here.
 */
import { upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { MeasureDetails, MeasureSummary, MeasureView, MeasureWorkflowInput } from '../contracts/measure';
import { summaryOf } from '../contracts/measure';
import * as SA from '../contracts/search-attributes';
import { runningCalendar, WorkCalendar, type CalendarOptions } from '../domain/calendar';
import { localDate } from '../domain/dates';
import { currentDueAt, deliveryEntry, initialState, type EventNotice, type MeasureState } from '../domain/measure-state';
import type { MeasureSpec } from '../domain/measure';
import type { DeliveryResult, Notice, NoticeMeasure } from '../domain/notice';
import { dueAt as dueInstant, nextActions, trafficLight, type DueNotice } from '../domain/planner';
import { initialProgress } from '../domain/simulate';
import { measureRecord, RECORD_MEMO_KEY, type MeasureRecord } from '../domain/record';
import { timeline, type TimelineEntry } from '../domain/timeline';
import { buildNotice, dueFields, type NoticeFields } from './shared/notices';

/** What the search attributes last said, so that only changes are upserted. */
interface Published {
  light?: string;
  status?: string;
  /** The instant the measure falls due (deadline and policy's due time), ms. */
  dueAt?: number;
  leadUnit?: string;
  leader?: string;
  lookback?: string;
}

/** The actions getState carries (the timeline and getDetails have them all). */
export const RECENT_ACTIONS = 20;

export class MeasureEntity {
  readonly state: MeasureState;
  /** Planning never stops at an unpublished year (statutory holidays there, else Mon–Fri; flagged). */
  calendar!: WorkCalendar;
  /** Requests are checked strictly, under the plan's own rule for unpublished years. */
  strictCalendar!: WorkCalendar;
  /** Set by handlers: plan again before waiting. */
  changed = false;
  nextWakeAt?: number;
  private published: Published;
  /** The record the memo last carried (JSON), so that it is upserted only when it changed. */
  private publishedRecord?: string;

  constructor(
    private readonly input: MeasureWorkflowInput,
    readonly workflowId: string,
  ) {
    this.state = input.state ?? initialState(input.spec, initialProgress(input.spec, Date.now()), Date.now());
    this.useCalendars();
    const s = this.state;
    this.published = input.state
      ? { light: s.trafficLight, status: s.progress.status, dueAt: currentDueAt(s, this.calendar), leadUnit: s.leadUnit, leader: s.leader }
      : {};
  }

  /** The measure as it now stands: as started, with the policy the office last applied. */
  get spec(): MeasureSpec {
    return this.state.spec;
  }

  /** The input's calendar with the years refreshed since (provisional years only where there are any, as before they existed). */
  calendarOptions(): CalendarOptions {
    const { spec } = this;
    const options: CalendarOptions = { ...spec.calendar, years: { ...spec.calendar.years, ...this.state.calendarYears } };
    if (spec.calendar.provisionalYears || this.state.provisionalYears) {
      options.provisionalYears = { ...spec.calendar.provisionalYears, ...this.state.provisionalYears };
    }
    return options;
  }

  useCalendars(): void {
    const options = this.calendarOptions();
    this.calendar = runningCalendar(options);
    this.strictCalendar = new WorkCalendar(options);
  }

  /** Working days to the deadline while the measure is open (a closed one is 已销号, never overdue). */
  private workdaysLeft(): number | undefined {
    const { state, spec } = this;
    if (!state.progress.deadline || spec.kind === 'longterm' || state.progress.status === 'closed') return undefined;
    return this.calendar.workdaysBetween(localDate(Date.now(), spec.timeZone), state.progress.deadline);
  }

  /**
   * When people next hear from the measure: the send time of the next notice, prepared or not (a
   * prepared one is handed to its digest half an hour before; people get it at the send time).
   * For queries only: nothing here is recorded.
   */
  private nextNoticeAt(): string | undefined {
    const now = Date.now();
    const prepared = (this.state.prepared ?? []).map((p) => p.at).filter((at) => at > now);
    const planned = nextActions(this.spec, this.state.progress, this.calendar, now);
    const next = Math.min(...prepared, ...planned.send.map((d) => Math.max(d.at, now)), planned.wakeAt ?? Infinity);
    return Number.isFinite(next) ? new Date(next).toISOString() : undefined;
  }

  /** What getDetails answers: the whole state. */
  details(): MeasureDetails {
    const dueAt = currentDueAt(this.state, this.calendar);
    return {
      ...this.state,
      workflowId: this.workflowId,
      dueAt: dueAt === undefined ? undefined : new Date(dueAt).toISOString(),
      nextWakeAt: this.nextWakeAt === undefined ? undefined : new Date(this.nextWakeAt).toISOString(),
      nextNoticeAt: this.nextNoticeAt(),
      workdaysLeft: this.workdaysLeft(),
    };
  }

  /** What getState answers: small enough for a list of thousands. */
  view(): MeasureView {
    const { calendar: _calendar, ...spec } = this.spec;
    const { handled: _handled, ...progress } = this.state.progress;
    const {
      spec: _s,
      progress: _p,
      calendarYears: _y,
      provisionalYears: _py,
      outgoing: _o,
      deliveries: _d,
      prepared: _pr,
      noDigestsUntil: _nd,
      audit,
      ...rest
    } = this.state;
    const options = this.calendarOptions();
    const published = Object.keys(options.years ?? {}).map(Number);
    const provisional = Object.keys(options.provisionalYears ?? {})
      .map(Number)
      .filter((y) => !published.includes(y));
    const { workflowId, dueAt, nextWakeAt, nextNoticeAt, workdaysLeft } = this.details();
    return {
      ...rest,
      audit: audit.slice(-RECENT_ACTIONS),
      spec,
      progress,
      calendar: { published, provisional },
      workflowId,
      dueAt,
      nextWakeAt,
      nextNoticeAt,
      workdaysLeft,
    };
  }

  /** The record reports count from; `latest` keeps only the last progress note (the memo's form). */
  record(notes: 'all' | 'latest' = 'all'): MeasureRecord {
    const due = (deadline: string) => dueInstant(this.spec, deadline, this.calendar);
    return measureRecord(this.state, this.workflowId, due, { notes });
  }

  timeline(): TimelineEntry[] {
    return timeline(this.state);
  }

  /** The compact record into the memo, when it changed: lists and reports read it from visibility. */
  publishRecord(): void {
    const record = this.record('latest');
    const json = JSON.stringify(record);
    if (json === this.publishedRecord) return;
    upsertMemo({ [RECORD_MEMO_KEY]: record });
    this.publishedRecord = json;
  }

  summary(): MeasureSummary {
    return summaryOf(this.details());
  }

  /** The measure as a notice (or a review) describes it, as it stands now (counted from `at`, by default now). */
  snapshot(at = Date.now()): NoticeMeasure {
    const { state, spec } = this;
    const dueAt = currentDueAt(state, this.calendar);
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
      // Prepared ahead: the light as it will be at the instant (the first reminder's send time turns it yellow).
      trafficLight: at === Date.now() ? state.trafficLight : this.lightAt(at),
      timeZone: spec.timeZone,
      ...this.workdaysCount(at),
    };
  }

  /** Working days to the deadline as this workflow counts them, so that a mail says what the schedule meant. */
  private workdaysCount(at: number): Pick<NoticeMeasure, 'workdaysLeft' | 'provisionalCount'> {
    const deadline = this.state.progress.deadline;
    if (!deadline || this.spec.kind === 'longterm' || this.state.progress.status === 'closed') return {};
    const today = localDate(at, this.spec.timeZone);
    return {
      workdaysLeft: this.calendar.workdaysBetween(today, deadline),
      provisionalCount: this.calendar.isProvisionalBetween(today, deadline),
    };
  }

  /** A notice decided now, or (prepared ahead) as it will be decided at `decidedAt`. */
  notice(stage: string, fields: NoticeFields, plannedAt: number, catchUp: boolean, decidedAt = Date.now()): Notice {
    return buildNotice(this.workflowId, stage, this.snapshot(decidedAt), fields, plannedAt, catchUp, decidedAt);
  }

  /** The next queued event as a notice, numbered within the deadline version. */
  eventNotice(event: EventNotice): Notice {
    this.state.eventSeq += 1;
    const stage = `v${this.state.progress.deadlineVersion}:event:${this.state.eventSeq}:${event.kind}`;
    const { urge, ...fields } = event;
    if (!urge) return this.notice(stage, fields, Date.now(), false);
    // 催办: worded as the stage urged (its date, its rung), sent now as an event.
    const { spec } = this;
    const milestone = urge.milestone === undefined ? undefined : { index: urge.milestone, ...spec.milestones[urge.milestone] };
    const { kind, dueDate, ...rest } = urge;
    const dueAt = new Date(dueInstant(spec, dueDate, this.calendar)).toISOString();
    return this.notice(stage, { ...fields, ...rest, urge: { kind }, dueDate, dueAt, milestone }, Date.now(), false);
  }

  /** What delivery answered, on the measure's record (results recorded before copies were reported name no one). */
  /** A notice that went out now, or (prepared) goes out at `at`. */
  recordDelivery(notice: Notice, result: DeliveryResult | undefined, at = Date.now()): void {
    (this.state.deliveries ??= []).push(deliveryEntry(notice, result, at));
  }

  /** A notice the planner scheduled, with the date it chases. */
  scheduled(n: DueNotice, decidedAt = Date.now()): Notice {
    const { spec } = this;
    const milestone = n.milestone === undefined ? undefined : { index: n.milestone, ...spec.milestones[n.milestone] };
    const dueAt = new Date(dueInstant(spec, n.dueDate, this.calendar)).toISOString();
    return this.notice(n.key, { ...dueFields(n), dueDate: n.dueDate, dueAt, milestone, period: n.period }, n.at, n.catchUp, decidedAt);
  }

  /** The look-back state shown in search: scheduled, in-review, or the last outcome. */
  lookbackStatus(): string | undefined {
    const { state } = this;
    // Only measures that run with look-back reviews (the patched branch sets `lookbacks`) show one.
    if (!state.lookbacks) return undefined;
    const last = state.lookbacks[state.lookbacks.length - 1];
    const sinceClose = state.closedAt ? state.lookbacks.filter((l) => !l.campaign && l.startedAt >= state.closedAt!).length : 0;
    const awaiting = !last || last.startedAt < state.closedAt!;
    if (state.progress.status === 'closed' && awaiting && sinceClose < this.spec.policy.lookback.delaysDays.length) return 'scheduled';
    if (!last) return undefined;
    return last.outcome ?? 'in-review';
  }

  /** The light at an instant, as the planner computes it. */
  private lightAt(at: number): MeasureState['trafficLight'] {
    const { state } = this;
    const submittedAt = state.submission ? Date.parse(state.submission.at) : undefined;
    return trafficLight(this.spec, state.progress, this.calendar, at, submittedAt).light;
  }

  /** Recomputes the light; search attributes are upserted only when something shown changed. When it changes next, if it will. */
  refreshLight(): number | undefined {
    const { state } = this;
    const submittedAt = state.submission ? Date.parse(state.submission.at) : undefined;
    const light = trafficLight(this.spec, state.progress, this.calendar, Date.now(), submittedAt);
    state.trafficLight = light.light;
    const now: Published = {
      light: light.light,
      status: state.progress.status,
      dueAt: currentDueAt(state, this.calendar),
      leadUnit: state.leadUnit,
      leader: state.leader,
      lookback: this.lookbackStatus(),
    };
    const was = this.published;
    const updates: Parameters<typeof upsertSearchAttributes>[0] = [];
    if (now.light !== was.light) updates.push({ key: SA.TrafficLight, value: now.light! });
    if (now.status !== was.status) updates.push({ key: SA.MeasureStatus, value: now.status! });
    if (now.leadUnit !== was.leadUnit) updates.push({ key: SA.LeadUnit, value: now.leadUnit! });
    if (now.leader !== was.leader) updates.push({ key: SA.Leader, value: now.leader! });
    // The due instant, not just the date: a new policy may move the due time.
    if (now.dueAt !== was.dueAt && now.dueAt !== undefined) updates.push({ key: SA.Deadline, value: new Date(now.dueAt) });
    if (now.lookback !== was.lookback && now.lookback) updates.push({ key: SA.LookbackStatus, value: now.lookback });
    if (updates.length) upsertSearchAttributes(updates);
    this.published = now;
    return light.nextChangeAt;
  }

  /** An accepted request: its change, its event notices queued for the loop, the light again. */
  accept<R>(apply: (s: MeasureState, r: R, now: number) => EventNotice[], request: R): MeasureSummary {
    this.state.outgoing.push(...apply(this.state, request, Date.now()));
    this.changed = true;
    this.refreshLight();
    return this.summary();
  }

  /** Shown as withdrawn in search (MeasureStatus), once, before the workflow completes. */
  markWithdrawn(): void {
    upsertSearchAttributes([{ key: SA.MeasureStatus, value: 'withdrawn' }]);
  }

  /** A measure started before the one due rule adopts it (behind a named patch, at a live wake). */
  adoptDueOnWorkday(): void {
    this.state.spec = { ...this.state.spec, dueOnWorkday: true };
  }

  /** What the measure's next run is started with. */
  continuation(): MeasureWorkflowInput {
    return { spec: this.input.spec, state: this.state };
  }
}
