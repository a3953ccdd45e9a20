/**
 * A measure's record for reports, the ledger, the dashboard and the weekly digest: what it is,
 * where it stands and the dated history the figures are counted from (status changes, deadlines,
 * extensions granted, progress notes, look-back reviews, relapses, escalations). Built from the
 * workflow's state, in the workflow (its memo carries the compact form) and in queries; `standing`
 * reads it as of any instant. Pure.
 */
import { localInstant, type IsoDate } from './dates';
import type { MeasureKind } from './plan/schema';
import type { MeasureStatus, TrafficLight } from './measure';
import type { MeasureState } from './measure-state';
import type { Actor } from './notice';
import { ROLE_LABELS } from './permissions';

/** The memo key under which a measure publishes its compact record. */
export const RECORD_MEMO_KEY = 'record';

/** How long a progress note may be in the compact record (the full text is in the measure). */
export const NOTE_CHARS = 300;
/** How many evidence items of the latest submission the compact record keeps. */
export const EVIDENCE_ITEMS = 10;

export interface RecordNote {
  at: string;
  by: string;
  text: string;
}

/** A completion submitted (提交整改完成): the unit's note and the evidence it named. */
export interface RecordSubmission {
  at: string;
  by: string;
  note?: string;
  evidence: string[];
}

/** The office's verification: accepted (销号) or sent back with its reason. */
export interface RecordVerification {
  at: string;
  by: string;
  accept: boolean;
  reason?: string;
}

export interface MeasureRecord {
  workflowId: string;
  planId: string;
  planTitle: string;
  id: string;
  problem: { no: number; title: string };
  title: string;
  kind: MeasureKind;
  leadUnit: string;
  leader: string;
  participants: string[];
  timeZone: string;
  /** 巡视反馈日期: the measure is part of the plan from then (a report of an earlier date leaves it out). */
  feedbackDate: IsoDate;
  startedAt: string;
  status: MeasureStatus;
  light: TrafficLight;
  /** The deadline in force and when it falls due (ISO instant). */
  deadline?: IsoDate;
  dueAt?: string;
  /** Every status the measure has had, oldest first (the first is where it started). */
  statusChanges: { at: string; status: MeasureStatus }[];
  /** Every deadline, oldest first, with when it fell due under the calendar of the time of the record. */
  deadlines: { deadline: IsoDate; since: string; dueAt?: string }[];
  /** Extensions granted. */
  extensions: { at: string; from?: IsoDate; to: IsoDate; reason?: string }[];
  /** Progress notes, oldest first: every one in a full record, the latest in the compact one. */
  notes: RecordNote[];
  /** The compact form cut the latest note short (the full record has it whole). */
  noteClipped?: boolean;
  /**
   * Completions submitted and verifications, oldest first (the compact form: the latest of each).
   * Absent from records published before they were kept.
   */
  submissions?: RecordSubmission[];
  verifications?: RecordVerification[];
  lookbacks: {
    round: number;
    campaign?: string;
    startedAt: string;
    dueDate?: IsoDate;
    /** When the review falls due (ISO instant). */
    dueAt?: string;
    outcome?: 'sustained' | 'relapsed';
    recordedAt?: string;
  }[];
  /** Relapses that reopened the measure, with the office's findings (notes) and who recorded them. */
  relapses: { at: string; round: number; newDeadline?: IsoDate; notes?: string; by?: string }[];
  /** The first notice of each rung of the overdue ladder, per deadline; `leadership` when the leadership group was told. */
  escalations: { at: string; level: number; leadership: boolean }[];
  pendingExtension?: { newDeadline: IsoDate; at: string };
  closedAt?: string;
  /** 催办: how many times, and the last. */
  urged?: { count: number; last: string };
}

/** The record of a measure's state; `dueOf` turns a deadline into its due instant under the measure's calendar. */
export function measureRecord(
  state: MeasureState,
  workflowId: string,
  dueOf: (deadline: IsoDate) => number | undefined,
  options: { notes: 'all' | 'latest' } = { notes: 'all' },
): MeasureRecord {
  const { spec, progress } = state;
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const statusChanges: MeasureRecord['statusChanges'] = [{ at: state.startedAt, status: 'active' }];
  const extensions: MeasureRecord['extensions'] = [];
  const relapses: MeasureRecord['relapses'] = [];
  let notes: RecordNote[] = [];
  let submissions: RecordSubmission[] = [];
  let verifications: RecordVerification[] = [];
  let urged: MeasureRecord['urged'];
  // The first deadline (the plan may have moved the spec's since).
  let previousDeadline: IsoDate | undefined = state.deadlines[0]?.deadline ?? spec.deadline;
  for (const a of state.audit) {
    const d = a.detail as Record<string, unknown>;
    switch (a.action) {
      case 'submit':
        statusChanges.push({ at: a.at, status: 'submitted' });
        submissions.push({
          at: a.at,
          by: a.actor.who,
          ...(typeof d.note === 'string' && d.note.trim() ? { note: d.note } : {}),
          evidence: Array.isArray(d.evidence) ? d.evidence.map(String) : [],
        });
        break;
      case 'verify':
        statusChanges.push({ at: a.at, status: d.accept ? 'closed' : 'active' });
        verifications.push({
          at: a.at,
          by: actorWords(a.actor),
          accept: !!d.accept,
          ...(typeof d.reason === 'string' && d.reason.trim() ? { reason: d.reason } : {}),
        });
        break;
      case 'relapse':
        if (d.applied !== false) {
          statusChanges.push({ at: a.at, status: 'active' });
          relapses.push({
            at: a.at,
            round: Number(d.round),
            newDeadline: d.newDeadline as IsoDate | undefined,
            ...(typeof d.notes === 'string' && d.notes ? { notes: d.notes } : {}),
            by: actorWords(a.actor),
          });
          previousDeadline = d.newDeadline as IsoDate | undefined;
        }
        break;
      case 'extension-decision':
        if (d.approve) {
          extensions.push({ at: a.at, from: previousDeadline, to: d.newDeadline as IsoDate, reason: requestReason(state, a.at) });
          previousDeadline = d.newDeadline as IsoDate;
        }
        break;
      case 'amend':
        if (d.deadline) previousDeadline = d.deadline as IsoDate;
        break;
      case 'progress':
        notes.push({ at: a.at, by: a.actor.who, text: String(d.note ?? '') });
        break;
      case 'remind':
        urged = { count: (urged?.count ?? 0) + 1, last: a.at };
        break;
    }
  }
  let noteClipped = false;
  if (options.notes === 'latest') {
    noteClipped = (notes.at(-1)?.text.length ?? 0) > NOTE_CHARS;
    notes = notes.slice(-1).map((n) => ({ ...n, text: clip(n.text, NOTE_CHARS) }));
    // The latest of each, as the latest word needs them; long texts cut (the full record has them whole).
    submissions = submissions.slice(-1).map((x) => ({
      ...x,
      ...(x.note ? { note: clip(x.note, NOTE_CHARS) } : {}),
      evidence: x.evidence.slice(0, EVIDENCE_ITEMS).map((e) => clip(e, NOTE_CHARS)),
    }));
    verifications = verifications.slice(-1).map((v) => (v.reason ? { ...v, reason: clip(v.reason, NOTE_CHARS) } : v));
    for (const x of relapses) if (x.notes) x.notes = clip(x.notes, NOTE_CHARS);
  }
  const escalations: MeasureRecord['escalations'] = [];
  const seen = new Set<string>();
  for (const d of state.deliveries ?? []) {
    if (d.kind !== 'overdue' || d.level === undefined || d.review !== undefined) continue;
    const rung = `${d.stage.split(':')[0]}:${d.level}`; // per deadline version and level: repeats are not new rungs
    if (seen.has(rung)) continue;
    seen.add(rung);
    escalations.push({ at: d.at, level: d.level, leadership: d.audiences.includes('leadershipGroup') });
  }
  const longterm = spec.kind === 'longterm';
  return {
    workflowId,
    planId: spec.planId,
    planTitle: spec.planTitle,
    id: spec.id,
    problem: spec.problem,
    title: spec.title,
    kind: spec.kind,
    leadUnit: state.leadUnit,
    leader: state.leader,
    participants: spec.participants,
    timeZone: spec.timeZone,
    feedbackDate: spec.feedbackDate,
    startedAt: state.startedAt,
    status: progress.status,
    light: state.trafficLight,
    ...(progress.deadline && !longterm ? { deadline: progress.deadline, dueAt: iso(dueOf(progress.deadline)) } : {}),
    statusChanges,
    deadlines: longterm ? [] : state.deadlines.map((d) => ({ deadline: d.deadline, since: d.since, dueAt: iso(dueOf(d.deadline)) })),
    extensions,
    notes,
    ...(noteClipped ? { noteClipped } : {}),
    submissions,
    verifications,
    lookbacks: (state.lookbacks ?? []).map((l) => ({
      round: l.round,
      ...(l.campaign ? { campaign: l.campaign } : {}),
      startedAt: l.startedAt,
      ...(l.dueDate ? { dueDate: l.dueDate, dueAt: iso(dueOf(l.dueDate)) } : {}),
      ...(l.outcome ? { outcome: l.outcome } : {}),
      ...(l.recordedAt ? { recordedAt: l.recordedAt } : {}),
    })),
    relapses,
    escalations,
    ...(state.pendingExtension
      ? { pendingExtension: { newDeadline: state.pendingExtension.newDeadline, at: state.pendingExtension.at } }
      : {}),
    ...(state.closedAt ? { closedAt: state.closedAt } : {}),
    ...(urged ? { urged } : {}),
  };
}

/** Who acted, as the record names them: a unit or leader by name, the office as 巡察办·<who>. */
function actorWords(a: Actor): string {
  const role = ROLE_LABELS[a.role];
  return a.role === 'unit' || a.role === 'leader' || a.who.includes(role) ? a.who : `${role}·${a.who}`;
}

/** The reason given with the extension request granted at `decidedAt` (the latest request before it). */
function requestReason(state: MeasureState, decidedAt: string): string | undefined {
  const request = [...state.audit].reverse().find((a) => a.action === 'extension-request' && a.at <= decidedAt);
  const reason = (request?.detail as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

function clip(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** Where a measure stood at an instant, as the report counts it. */
export interface Standing {
  /**
   * The measure was part of the plan by then (from the feedback date; a plan put into rectify later
   * still reports on earlier dates, every measure open until what happened to it in rectify).
   */
  tracked: boolean;
  status: MeasureStatus;
  deadline?: IsoDate;
  dueAt?: string;
  /** Open (整改中), past its due instant, not long-term. */
  overdue: boolean;
  latestNote?: RecordNote;
  /** The latest completion submitted and the latest verification by then. */
  submission?: RecordSubmission;
  verification?: RecordVerification;
  extensions: MeasureRecord['extensions'];
  relapses: MeasureRecord['relapses'];
  lookbacks: (MeasureRecord['lookbacks'][number] & { outcomeKnown: boolean })[];
  closedAt?: string;
}

/** The measure as it stood at `at` (epoch ms): status, deadline and history up to then. */
export function standing(r: MeasureRecord, at: number): Standing {
  const by = (iso: string) => Date.parse(iso) <= at;
  const status = [...r.statusChanges].reverse().find((c) => by(c.at))?.status ?? 'active';
  const deadline = [...r.deadlines].reverse().find((d) => by(d.since)) ?? r.deadlines[0];
  const overdue = status === 'active' && r.kind !== 'longterm' && !!deadline?.dueAt && Date.parse(deadline.dueAt) < at;
  const closes = r.statusChanges.filter((c) => c.status === 'closed' && by(c.at));
  return {
    tracked: localInstant(r.feedbackDate, '00:00', r.timeZone) <= at,
    status,
    deadline: deadline?.deadline,
    dueAt: deadline?.dueAt,
    overdue,
    latestNote: [...r.notes].reverse().find((n) => by(n.at)),
    submission: [...(r.submissions ?? [])].reverse().find((x) => by(x.at)),
    verification: [...(r.verifications ?? [])].reverse().find((x) => by(x.at)),
    extensions: r.extensions.filter((e) => by(e.at)),
    relapses: r.relapses.filter((x) => by(x.at)),
    lookbacks: r.lookbacks
      .filter((l) => by(l.startedAt))
      .map((l) => ({ ...l, outcomeKnown: !!l.outcome && (!l.recordedAt || by(l.recordedAt)) })),
    closedAt: status === 'closed' ? closes[closes.length - 1]?.at : undefined,
  };
}
