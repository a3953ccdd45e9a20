/**
 * What each accepted request changes in a measure's state (measure-state.ts), as pure functions
 * returning the event notices it causes. The requests and their validators are in requests.ts;
 * the workflow runs the validators before anything reaches history.
 */
import type { Actor } from './notice';
import { periodForReport } from './planner';
import { type AuditEntry, type EventNotice, type LookbackOutcomeReport, type MeasureState } from './measure-state';
import type {
  DecideExtensionRequest,
  ReassignRequest,
  RefreshCalendarRequest,
  ReportProgressRequest,
  RequestExtensionRequest,
  SubmitCompletionRequest,
  UpdatePolicyRequest,
  VerifyCompletionRequest,
  RemindRequest,
  RequestLinkRequest,
  AmendMeasureRequest,
  WithdrawMeasureRequest,
} from './requests';
import type { Stage } from './planner';

function audit(state: MeasureState, now: number, action: AuditEntry['action'], actor: Actor, detail: Record<string, unknown>): string {
  const at = new Date(now).toISOString();
  state.audit.push({ at, action, actor, detail });
  return at;
}

export function applyReportProgress(state: MeasureState, r: ReportProgressRequest, now: number): EventNotice[] {
  const detail: Record<string, unknown> = { note: r.note };
  if (r.completesMilestone) {
    detail.milestone = state.progress.milestonesDone;
    state.progress.milestonesDone += 1;
  } else if (state.spec.kind === 'longterm') {
    const period = periodForReport(state.spec, state.progress, now);
    if (period) {
      state.progress.reportsDone.push(period);
      detail.period = period;
    }
  }
  audit(state, now, 'progress', r.actor, detail);
  return [];
}

export function applySubmitCompletion(state: MeasureState, r: SubmitCompletionRequest, now: number): EventNotice[] {
  const evidence = r.evidence.filter((e) => e.trim());
  const at = audit(state, now, 'submit', r.actor, { evidence, note: r.note });
  state.submission = { evidence, note: r.note, by: r.actor, at };
  state.progress.status = 'submitted';
  return [{ kind: 'submitted', audiences: ['office'], event: { actor: r.actor, evidence, note: r.note } }];
}

export function applyVerifyCompletion(state: MeasureState, r: VerifyCompletionRequest, now: number): EventNotice[] {
  const at = audit(state, now, 'verify', r.actor, { accept: r.accept, reason: r.reason });
  if (r.accept) {
    state.progress.status = 'closed';
    state.closedAt = at;
    state.pendingExtension = undefined; // nothing left to extend
  } else {
    state.progress.status = 'active';
    state.rejections.push({ reason: r.reason!, by: r.actor, at });
    state.submission = undefined;
  }
  return [
    { kind: 'verification-result', audiences: ['leadUnit', 'leader'], event: { actor: r.actor, accepted: r.accept, reason: r.reason } },
  ];
}

export function applyRequestExtension(state: MeasureState, r: RequestExtensionRequest, now: number): EventNotice[] {
  const at = audit(state, now, 'extension-request', r.actor, { newDeadline: r.newDeadline, reason: r.reason });
  state.pendingExtension = { newDeadline: r.newDeadline, reason: r.reason, by: r.actor, at };
  return [
    {
      kind: 'extension-requested',
      audiences: ['office'],
      event: { actor: r.actor, reason: r.reason, requestedDeadline: r.newDeadline, previousDeadline: state.progress.deadline },
    },
  ];
}

export function applyDecideExtension(state: MeasureState, r: DecideExtensionRequest, now: number): EventNotice[] {
  const request = state.pendingExtension!;
  const previousDeadline = state.progress.deadline;
  const at = audit(state, now, 'extension-decision', r.actor, { approve: r.approve, reason: r.reason, newDeadline: request.newDeadline });
  state.pendingExtension = undefined;
  if (r.approve) {
    state.progress.deadline = request.newDeadline;
    state.progress.deadlineVersion += 1;
    state.deadlines.push({ deadline: request.newDeadline, version: state.progress.deadlineVersion, since: at, reason: request.reason });
  }
  return [
    {
      kind: 'extension-decided',
      audiences: ['leadUnit', 'leader'],
      event: {
        actor: r.actor,
        approved: r.approve,
        reason: r.reason ?? request.reason,
        previousDeadline,
        requestedDeadline: request.newDeadline,
      },
    },
  ];
}

export function applyReassign(state: MeasureState, r: ReassignRequest, now: number): EventNotice[] {
  const previousLeadUnit = state.leadUnit;
  const previousLeader = state.leader;
  audit(state, now, 'reassign', r.actor, { leadUnit: r.leadUnit, leader: r.leader, reason: r.reason, previousLeadUnit, previousLeader });
  state.leadUnit = r.leadUnit ?? state.leadUnit;
  state.leader = r.leader ?? state.leader;
  // The new and the old: the unit and leader it moved from hear that it is no longer theirs.
  const audiences: EventNotice['audiences'] = ['leadUnit', 'leader'];
  if (state.leadUnit !== previousLeadUnit) audiences.push('previousLeadUnit');
  if (state.leader !== previousLeader) audiences.push('previousLeader');
  return [
    {
      kind: 'reassigned',
      audiences,
      event: { actor: r.actor, reason: r.reason, previousLeadUnit, previousLeader },
    },
  ];
}

export function applyRefreshCalendar(state: MeasureState, r: RefreshCalendarRequest, now: number): EventNotice[] {
  const provisional = Object.keys(r.provisionalYears ?? {});
  audit(state, now, 'calendar', r.actor, { years: Object.keys(r.years), ...(provisional.length ? { provisionalYears: provisional } : {}) });
  Object.assign(state.calendarYears, r.years);
  if (provisional.length) state.provisionalYears = { ...state.provisionalYears, ...r.provisionalYears };
  return [];
}

/**
 * 催办: the measure's current reminder or rung of the ladder goes out now, as an event mail to that
 * stage's audiences (the lead unit at least), with the office's note. `stage` is where the
 * planner says the measure is (planner.currentStage).
 */
export function applyRemind(state: MeasureState, r: RemindRequest, now: number, stage: Stage | undefined): EventNotice[] {
  const kind = stage?.kind ?? 'reminder';
  const audiences = stage?.audiences.includes('leadUnit') ? stage.audiences : ['leadUnit' as const, ...(stage?.audiences ?? [])];
  audit(state, now, 'remind', r.actor, { note: r.note, stage: kind, level: stage?.level, audiences, force: r.force || undefined });
  const urge = stage
    ? {
        kind,
        level: stage.level,
        dueDate: stage.dueDate,
        workdaysOverdue: stage.workdaysOverdue,
        workdaysBefore: stage.workdaysBefore,
        repeat: stage.repeat,
        milestone: stage.milestone,
        period: stage.period,
      }
    : undefined;
  return [{ kind: 'urged', audiences, event: { actor: r.actor, note: r.note }, ...(urge ? { urge } : {}) }];
}

/** A new link for the lead unit, on its request: a mail to its registered addresses, with the links a notice carries. */
export function applyRequestLink(state: MeasureState, r: RequestLinkRequest, now: number): EventNotice[] {
  audit(state, now, 'relink', r.actor, {});
  return [{ kind: 'link-sent', audiences: ['leadUnit'], event: { actor: r.actor } }];
}

/** The office's new policy for the running measure: reminders and the ladder are planned again with it. */
export function applyUpdatePolicy(state: MeasureState, r: UpdatePolicyRequest, now: number): EventNotice[] {
  const changed = (Object.keys(r.policy) as (keyof typeof r.policy)[]).filter(
    (k) => JSON.stringify(r.policy[k]) !== JSON.stringify(state.spec.policy[k]),
  );
  audit(state, now, 'policy', r.actor, { reason: r.reason, changed });
  state.spec = { ...state.spec, policy: r.policy };
  return [];
}

/** A review's outcome: a relapse reopens the closed measure with the office's new deadline. */
export function applyLookbackOutcome(state: MeasureState, r: LookbackOutcomeReport, now: number): EventNotice[] {
  const review = state.lookbacks?.find((l) => l.round === r.round);
  if (review) Object.assign(review, { outcome: r.outcome, recordedAt: new Date(now).toISOString(), by: r.by, notes: r.notes });
  if (r.deliveries?.length) (state.deliveries ??= []).push(...r.deliveries.map((d) => ({ ...d, review: r.round })));
  if (r.outcome !== 'relapsed' || !r.newDeadline) return [];
  // A review of an earlier close-out, or one that finds the measure already reopened: kept on record, nothing moves.
  const stale = !review || !state.closedAt || review.startedAt < state.closedAt;
  if (state.progress.status !== 'closed' || stale) {
    audit(state, now, 'relapse', r.by, { round: r.round, notes: r.notes, newDeadline: r.newDeadline, applied: false });
    return [];
  }
  const at = audit(state, now, 'relapse', r.by, { round: r.round, notes: r.notes, newDeadline: r.newDeadline });
  state.campaignRequests = []; // reopened: nothing left for a campaign to review
  state.progress.status = 'active';
  state.submission = undefined;
  state.progress.deadline = r.newDeadline;
  state.progress.deadlineVersion += 1;
  state.deadlines.push({
    deadline: r.newDeadline,
    version: state.progress.deadlineVersion,
    since: at,
    reason: `第${r.round}次回头看发现反弹回潮：${r.notes}`,
  });
  return [
    {
      kind: 'relapsed',
      audiences: ['leadUnit', 'leader', 'leadershipGroup'],
      event: { actor: r.by, reason: r.notes, requestedDeadline: r.newDeadline, outcome: 'relapsed' },
    },
  ];
}

/**
 * The plan's changes to a running measure: a new deadline as an office decision (a pending
 * extension request is then moot), the rest into its spec; what the plan says of deadline, lead
 * unit and leader is kept as planned, so that a later stale file does not undo what happened since.
 */
export function applyAmendMeasure(state: MeasureState, r: AmendMeasureRequest, now: number): EventNotice[] {
  const previousDeadline = state.progress.deadline;
  const newDeadline = r.deadline !== undefined && r.deadline !== previousDeadline ? r.deadline : undefined;
  const changed = (['title', 'text', 'participants', 'milestones', 'kind'] as const).filter((k) => r[k] !== undefined);
  const dropped = newDeadline ? state.pendingExtension : undefined;
  // Only what people see goes on the timeline; the plan's bookkeeping (planned values, names) does not.
  const at =
    newDeadline || changed.length
      ? audit(state, now, 'amend', r.actor, {
          reason: r.reason,
          changed: changed.map((k) => AMEND_LABELS[k]),
          ...(newDeadline ? { deadline: newDeadline, previousDeadline } : {}),
          ...(dropped ? { droppedExtension: dropped.newDeadline } : {}),
        })
      : new Date(now).toISOString();
  // Stages from the first that changed are planned afresh: their reminders and chasing start again.
  if (r.milestones !== undefined) {
    const from = r.milestones.findIndex((m, i) => JSON.stringify(m) !== JSON.stringify(state.spec.milestones[i]));
    const first = from < 0 ? Math.min(r.milestones.length, state.spec.milestones.length) : from;
    for (const key of Object.keys(state.progress.handled)) {
      const i = /^(?:v\d+:)?milestone:(\d+):/.exec(key)?.[1];
      if (i !== undefined && Number(i) >= first) delete state.progress.handled[key];
    }
  }
  state.spec = {
    ...state.spec,
    ...(r.title !== undefined ? { title: r.title } : {}),
    ...(r.text !== undefined ? { text: r.text } : {}),
    ...(r.participants !== undefined ? { participants: r.participants } : {}),
    ...(r.milestones !== undefined ? { milestones: r.milestones } : {}),
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.deadline !== undefined ? { deadline: r.deadline } : {}),
    ...(r.plannedLeadUnit !== undefined ? { leadUnit: r.plannedLeadUnit } : {}),
    ...(r.plannedLeader !== undefined ? { leader: r.plannedLeader } : {}),
    ...(r.directory !== undefined ? { directory: r.directory } : {}),
  };
  if (!newDeadline) return [];
  state.pendingExtension = undefined;
  state.progress.deadline = newDeadline;
  state.progress.deadlineVersion += 1;
  state.deadlines.push({ deadline: newDeadline, version: state.progress.deadlineVersion, since: at, reason: `按计划调整：${r.reason}` });
  // The unit and the leader learn of it as of an approved extension: a mail with the new date and its calendar event.
  return [
    {
      kind: 'deadline-changed',
      audiences: ['leadUnit', 'leader'],
      event: { actor: r.actor, reason: r.reason, previousDeadline, requestedDeadline: newDeadline },
    },
  ];
}

const AMEND_LABELS = { title: '措施名称', text: '措施内容', participants: '参与单位', milestones: '阶段节点', kind: '整改类别' } as const;

/** Withdrawn from the plan: reminders stop; the workflow completes once its queued notices are out. */
export function applyWithdrawMeasure(state: MeasureState, r: WithdrawMeasureRequest, now: number): EventNotice[] {
  const at = audit(state, now, 'withdraw', r.actor, { reason: r.reason });
  state.withdrawn = { at, by: r.actor, reason: r.reason };
  return [];
}
