/** Notices as measures and look-back reviews build them: one shape, one key scheme. */
import { noticeKey } from '../../contracts/ids';
import type { Notice, NoticeMeasure } from '../../domain/notice';
import type { DueNotice } from '../../domain/planner';

export type NoticeFields = Partial<Notice> & Pick<Notice, 'kind' | 'audiences'>;

/** A notice of `workflowId` at `stage`, decided now (workflow time). */
export function buildNotice(
  workflowId: string,
  stage: string,
  measure: NoticeMeasure,
  fields: NoticeFields,
  plannedAt = Date.now(),
  catchUp = false,
  decidedAt = Date.now(),
): Notice {
  return {
    idempotencyKey: noticeKey(workflowId, stage),
    workflowId,
    stage,
    plannedAt: new Date(plannedAt).toISOString(),
    decidedAt: new Date(decidedAt).toISOString(),
    catchUp,
    measure,
    ...fields,
  };
}

/** What a planned notice says of itself, whichever track planned it. */
export function dueFields(n: DueNotice): NoticeFields {
  return {
    kind: n.kind,
    audiences: n.audiences,
    provisionalCalendar: n.provisional,
    level: n.level,
    repeat: n.repeat,
    workdaysBefore: n.workdaysBefore,
    workdaysOverdue: n.workdaysOverdue,
  };
}
