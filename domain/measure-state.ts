/**
 * A measure workflow's state, as pure data: what it was started with, where it stands, what
 * people did. lifecycle.ts changes it; requests.ts checks what people ask of it.
 */
import type { CalendarYear, WorkCalendar } from './calendar';
import type { IsoDate } from './dates';
import type { MeasureSpec, TrafficLight } from './measure';
import type { Actor, EventKind, Notice, NoticeAudience } from './notice';
import { dueAt, type MeasureProgress } from './planner';

export interface AuditEntry {
  at: string;
  action: 'progress' | 'submit' | 'verify' | 'extension-request' | 'extension-decision' | 'reassign' | 'calendar' | 'relapse' | 'policy';
  actor: Actor;
  detail: Record<string, unknown>;
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
  /** The latest actions (older ones stay in earlier runs' histories). */
  audit: AuditEntry[];
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
  lookbacks?: { round: number; startedAt: string; campaign?: string; outcome?: 'sustained' | 'relapsed' }[];
  /** Campaign reviews asked for and not yet started (the main loop starts them). */
  campaignRequests?: { campaign: string; dueDate: IsoDate }[];
}

/** What a look-back review tells its measure. */
export interface LookbackOutcomeReport {
  round: number;
  outcome: 'sustained' | 'relapsed';
  notes: string;
  by: Actor;
  newDeadline?: IsoDate;
}

export const AUDIT_KEPT = 200;

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
    audit: [],
    eventSeq: 0,
    outgoing: [],
    calendarYears: {},
  };
}

/** An event notice an accepted request causes: the main loop delivers it. */
export interface EventNotice {
  kind: EventKind;
  audiences: NoticeAudience[];
  event: NonNullable<Notice['event']>;
}
/** The instant the measure falls due under its current deadline. */
export function currentDueAt(state: MeasureState, cal: WorkCalendar): number | undefined {
  return state.progress.deadline && state.spec.kind !== 'longterm' ? dueAt(state.spec, state.progress.deadline, cal) : undefined;
}
