/**
 * Which forms a measure's page offers and what they say: the office's (verify, decide an
 * extension, urge, reassign, record a look-back outcome) from the measure's state, and a lead
 * unit's (report progress, submit completion, ask for an extension) from its link. The
 * workflow's validators still decide; these only leave out what cannot apply. Pure.
 */
import { officialText } from '../../domain/typography';
import type { MeasureDetails } from '../../contracts/measure';
import type { WorkCalendar } from '../../domain/calendar';
import { plainDateZh } from '../../domain/dates';
import { evidenceFiles } from '../../domain/evidence';
import { LINK_ACTION_PATHS, linkActionLabel, unitActions, type LinkAction, type LinkClaims } from '../../domain/links';
import { PERMISSIONS } from '../../domain/permissions';
import { periodForReport } from '../../domain/planner';
import { ledgerRow, type LedgerRow } from '../../domain/report/ledger';
import type { MeasureRecord } from '../../domain/record';
import { MEASURE_KIND_LABELS, STATUS_LABELS } from '../../domain/vocabulary';
import { measureName } from '../../domain/measure-words';
import { ATTACHMENT_FIELD } from '../../domain/evidence';

/** The office's actions on a measure page, by the path segment of their form's address. */
export const OFFICE_ACTIONS = {
  verify: 'verifyCompletion',
  extension: 'decideExtension',
  remind: 'remind',
  reassign: 'reassign',
  lookback: 'recordLookback',
} as const satisfies Record<string, keyof typeof PERMISSIONS>;
export type OfficeAction = keyof typeof OFFICE_ACTIONS;

/** What the page says after an action went through (`?done=`). */
export const DONE_WORDS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(OFFICE_ACTIONS).map(([path, action]) => [path, `已${PERMISSIONS[action].label}。`])),
  ...Object.fromEntries(
    Object.entries(LINK_ACTION_PATHS).map(([action, path]) => [path, `已${linkActionLabel(action as LinkAction)}，巡察办可以看到。`]),
  ),
};

export interface OfficeForms {
  verify?: { evidence: string[]; files: { name: string; sha256: string }[]; note?: string; by: string; at: string };
  extension?: { newDeadline: string; reason: string; by: string };
  remind: boolean;
  reassign?: { units: string[]; leaders: string[]; leadUnit: string; leader: string };
  lookbacks: { round: number; dueDate?: string; campaign?: string }[];
}

export function officeForms(d: MeasureDetails, record: MeasureRecord): OfficeForms {
  const status = d.progress.status;
  return {
    verify:
      status === 'submitted' && d.submission
        ? {
            evidence: d.submission.evidence,
            files: evidenceFiles(d.submission.evidence.join('\n')),
            note: d.submission.note,
            by: d.submission.by.who,
            at: d.submission.at,
          }
        : undefined,
    extension:
      d.pendingExtension && status === 'active'
        ? { newDeadline: plainDateZh(d.pendingExtension.newDeadline), reason: d.pendingExtension.reason, by: d.pendingExtension.by.who }
        : undefined,
    remind: status === 'active',
    reassign:
      status === 'closed'
        ? undefined
        : { units: d.spec.directory.units, leaders: d.spec.directory.leaders, leadUnit: d.leadUnit, leader: d.leader },
    lookbacks: record.lookbacks
      .filter((l) => !l.outcome)
      .map((l) => ({ round: l.round, dueDate: l.dueAt ? plainDateZh(l.dueAt.slice(0, 10)) : undefined, campaign: l.campaign })),
  };
}

/** A lead unit's page from its link: the measure, what is due, and the forms its link allows now. */
export interface UnitPage {
  row: LedgerRow;
  /** As every surface names it (measureName). */
  name: string;
  /** The upload field's hint and accepted types, from the evidence limits. */
  attachment: typeof ATTACHMENT_FIELD;
  text: string;
  problem: string;
  kind: string;
  status: string;
  /** What is due next, in words. */
  due: string[];
  /** The forms: allowed by the link and by the measure as it stands. */
  actions: { action: LinkAction; path: string; label: string }[];
  milestoneLeft: boolean;
  lastRejection?: { reason: string; at: string };
  submitted?: { at: string; files: { name: string; sha256: string }[]; evidence: string[] };
  files: { name: string; sha256: string }[];
}

export function unitPage(d: MeasureDetails, record: MeasureRecord, claims: LinkClaims, now: number, calendar: WorkCalendar): UnitPage {
  const row = ledgerRow(record, now, calendar);
  const allowed = unitActions({
    status: d.progress.status,
    kind: d.spec.kind,
    deadline: d.progress.deadline,
    pendingExtension: d.pendingExtension,
  }).filter((a) => claims.actions.includes(a));
  const due: string[] = [];
  const nextMilestone = d.spec.kind === 'phased' ? d.spec.milestones[d.progress.milestonesDone] : undefined;
  if (d.progress.status === 'submitted') due.push('已提交整改完成，等待巡察办核验销号。');
  else if (nextMilestone)
    due.push(`第${d.progress.milestonesDone + 1}阶段“${nextMilestone.title}”，节点时限${plainDateZh(nextMilestone.deadline)}。`);
  if (d.spec.kind === 'longterm') {
    const period = periodForReport(d.spec, d.progress, now);
    due.push(period ? `长期坚持：请报送截至${plainDateZh(period)}的一期整改进展。` : '长期坚持：本期进展已报送，请按期继续报送。');
  } else if (d.progress.status === 'active' && d.progress.deadline)
    due.push(`整改时限${row.deadlineZh}，${row.leftWords}：完成后请提交整改完成及佐证材料。`);
  if (d.pendingExtension) due.push(`已申请延期至${plainDateZh(d.pendingExtension.newDeadline)}，等待巡察办审批。`);
  const lastRejection = d.rejections.at(-1);
  const timelineText = [...d.audit.filter((a) => a.action === 'progress' || a.action === 'submit').map((a) => JSON.stringify(a.detail))];
  return {
    row,
    name: measureName(row.id, row.title),
    attachment: ATTACHMENT_FIELD,
    text: officialText(d.spec.text),
    problem: `${d.spec.problem.no}. ${officialText(d.spec.problem.title)}`,
    kind: MEASURE_KIND_LABELS[d.spec.kind],
    status: STATUS_LABELS[d.progress.status],
    due,
    actions: allowed.map((a) => ({ action: a, path: LINK_ACTION_PATHS[a], label: linkActionLabel(a) })),
    milestoneLeft: !!nextMilestone,
    lastRejection: lastRejection && d.progress.status === 'active' ? { reason: lastRejection.reason, at: lastRejection.at } : undefined,
    submitted: d.submission
      ? { at: d.submission.at, evidence: d.submission.evidence, files: evidenceFiles(d.submission.evidence.join('\n')) }
      : undefined,
    files: evidenceFiles(timelineText.join('\n')),
  };
}

/** A submitted form or query: its fields as they came. */
export type Body = Record<string, unknown>;

/** A field's text, trimmed; undefined when absent or blank. */
export const text = (b: Body, key: string): string | undefined => {
  const v = b[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};
