/**
 * A measure workflow's state, as pure data: what it was started with, where it stands, what
 * people did. lifecycle.ts changes it; requests.ts checks what people ask of it.
 */
import type { CalendarYear, WorkCalendar } from './calendar';
import type { IsoDate } from './dates';
import type { MeasureSpec, TrafficLight } from './measure';
import type { Actor, DeliveryResult, EventKind, Notice, NoticeAudience, NoticeKind, SentCopy } from './notice';
import { dueAt, type MeasureProgress, type Stage } from './planner';

export interface AuditEntry {
  at: string;
  action:
    | 'progress'
    | 'submit'
    | 'verify'
    | 'extension-request'
    | 'extension-decision'
    | 'reassign'
    | 'calendar'
    | 'relapse'
    | 'policy'
    | 'remind'
    | 'relink'
    | 'amend'
    | 'withdraw';
  actor: Actor;
  detail: Record<string, unknown>;
}

/** A notice that went out for the measure (by the measure, or by one of its look-back reviews). */
export interface DeliveryEntry {
  /** When it went (workflow time, once delivery answered). */
  at: string;
  /** The notice's stage, unique within its workflow (the idempotency key's tail). */
  stage: string;
  kind: NoticeKind;
  level?: number;
  audiences: NoticeAudience[];
  /** Each recipient, with the mail's Message-ID or the digest it joined (unknown before copies were reported). */
  to?: SentCopy[];
  /** Recipients it could not reach (the office was told). */
  problems?: string[];
  /** Sent by the measure's look-back review of this round. */
  review?: number;
}

export interface MeasureState {
  /** The measure as started; its policy is replaced when the office applies a new one (updatePolicy). */
  spec: MeasureSpec;
  progress: MeasureProgress;
  leadUnit: string;
  leader: string;
  trafficLight: TrafficLight;
  startedAt: string;
  submission?: { evidence: string[]; note?: string; by: Actor; at: string };
  pendingExtension?: { newDeadline: IsoDate; reason: string; by: Actor; at: string };
  /** Every deadline the measure has had, oldest first, with why it changed. */
  deadlines: { deadline: IsoDate; version: number; since: string; reason?: string }[];
  rejections: { reason: string; by: Actor; at: string }[];
  /**
   * Every action people took, oldest first, for the measure's whole life: it travels with the state
   * when the workflow continues as new (measures started before it kept the last 200).
   */
  audit: AuditEntry[];
  /** Every notice that went out, oldest first (since this record began; see the timeline in the README). */
  deliveries?: DeliveryEntry[];
  /** Numbers event notices, for their idempotency keys. */
  eventSeq: number;
  /** Event notices decided but not yet delivered: the main loop sends them, so requests return at once. */
  outgoing: EventNotice[];
  /** Holiday arrangements published after the workflow started, delivered by `rectify calendar refresh`. */
  calendarYears: Record<string, CalendarYear>;
  /** Statutory arrangements of still unpublished years, delivered with them (years the input did not carry). */
  provisionalYears?: Record<string, CalendarYear>;
  /** When the office last closed the measure (销号). */
  closedAt?: string;
  /** Look-back reviews started, oldest first, with their outcome once recorded. */
  lookbacks?: {
    round: number;
    startedAt: string;
    campaign?: string;
    /** The review's due date. */
    dueDate?: IsoDate;
    outcome?: 'sustained' | 'relapsed';
    /** Who recorded the outcome, when, and what they found. */
    recordedAt?: string;
    by?: Actor;
    notes?: string;
  }[];
  /** Withdrawn from the plan by the office (`plan apply --prune`): reminders stop and the workflow completes. */
  withdrawn?: { at: string; by: Actor; reason: string };
  /** Campaign reviews asked for and not yet started (the main loop starts them). */
  campaignRequests?: { campaign: string; dueDate: IsoDate }[];
  /**
   * Scheduled notices handed to their digests ahead of their send instant (already counted as
   * handled and delivered), until that instant: a change before it takes them back.
   */
  prepared?: PreparedEntry[];
  /** The worker's delivery merges no digests (workflow tests' notice log): not asked to prepare again before this instant. */
  noDigestsUntil?: number;
}

export interface PreparedEntry {
  /** The planner's stage key, as in `handled`. */
  stage: string;
  /** The notice's idempotency key, as the digests know it. */
  key: string;
  /** Its send instant, epoch ms. */
  at: number;
  copies: SentCopy[];
}

/** What a look-back review tells its measure. */
export interface LookbackOutcomeReport {
  round: number;
  outcome: 'sustained' | 'relapsed';
  notes: string;
  by: Actor;
  newDeadline?: IsoDate;
  /** The notices the review sent (reminders and its chasing), for the measure's timeline. */
  deliveries?: DeliveryEntry[];
}

export function initialState(spec: MeasureSpec, progress: MeasureProgress, now: number): MeasureState {
  const at = new Date(now).toISOString();
  return {
    spec,
    progress,
    leadUnit: spec.leadUnit,
    leader: spec.leader,
    trafficLight: 'green',
    startedAt: at,
    deadlines: spec.deadline ? [{ deadline: spec.deadline, version: 1, since: at }] : [],
    rejections: [],
    // What the ledger already said of its progress, as the lead unit's first note.
    audit: spec.ledgerNote
      ? [{ at, action: 'progress', actor: { role: 'unit', who: spec.leadUnit }, detail: { note: spec.ledgerNote, source: 'ledger' } }]
      : [],
    eventSeq: 0,
    outgoing: [],
    calendarYears: {},
    deliveries: [],
  };
}

/** An event notice an accepted request causes: the main loop delivers it. */
export interface EventNotice {
  kind: EventKind;
  audiences: NoticeAudience[];
  event: NonNullable<Notice['event']>;
  /** 催办: the stage urged (what the planner would send at this point), to word the mail as that stage's. */
  urge?: Pick<Stage, 'kind' | 'level' | 'dueDate' | 'workdaysOverdue' | 'workdaysBefore' | 'repeat' | 'milestone' | 'period'>;
}
/** The instant the measure falls due under its current deadline. */
export function currentDueAt(state: MeasureState, cal: WorkCalendar): number | undefined {
  return state.progress.deadline && state.spec.kind !== 'longterm' ? dueAt(state.spec, state.progress.deadline, cal) : undefined;
}

/** A delivered notice as the measure records it (results recorded before copies were reported name no one). */
export function deliveryEntry(notice: Notice, result: DeliveryResult | undefined, now: number): DeliveryEntry {
  return {
    at: new Date(now).toISOString(),
    stage: notice.stage,
    kind: notice.kind,
    ...(notice.level === undefined ? {} : { level: notice.level }),
    audiences: notice.audiences,
    ...(result?.sent ? { to: result.sent } : {}),
    ...(result?.problems?.length ? { problems: result.problems } : {}),
  };
}
