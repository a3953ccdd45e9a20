/**
 * Look-back reviews (回头看) as pure rules: when the reviews of a closed measure start, when each
 * is due, and what an outcome must say. The workflows only wait and record.
 */
import type { WorkCalendar } from './calendar';
import { addDays, isIsoDate, localDate, localInstant, type IsoDate } from './dates';
import { RequestRejected, requirePermission } from './permissions';
import { requireDueAhead } from './requests';
import type { MeasureSpec } from './measure';
import type { Actor } from './notice';

/** A review is due this many working days after it starts. */
export const REVIEW_WORKDAYS = 10;

export type LookbackOutcome = 'sustained' | 'relapsed';

export interface RecordOutcomeRequest {
  actor: Actor;
  outcome: LookbackOutcome;
  notes: string;
  evidence?: string[];
  /** Relapsed: the new deadline the office sets. */
  newDeadline?: IsoDate;
}

export interface LookbackPlan {
  /** Which of the policy's delays (0-based) since the latest close-out. */
  index: number;
  startAt: number;
  dueDate: IsoDate;
}

/**
 * The next review after a close-out on `closedOn`, given how many have started since then:
 * `delaysDays[index]` calendar days later, on the next working day at the send time.
 */
export function nextLookback(
  spec: Pick<MeasureSpec, 'policy' | 'timeZone'>,
  closedOn: IsoDate,
  startedSinceClose: number,
  calendar: WorkCalendar,
): LookbackPlan | undefined {
  const delay = spec.policy.lookback.delaysDays[startedSinceClose];
  if (delay === undefined) return undefined;
  const day = calendar.onOrAfter(addDays(closedOn, delay));
  return {
    index: startedSinceClose,
    startAt: localInstant(day, spec.policy.reminders.sendAt, spec.timeZone),
    dueDate: calendar.addWorkdays(day, REVIEW_WORKDAYS),
  };
}

/** Whether a close-out at the instant `closedAt` fell on a day before `date`, in the plan's zone (not UTC's). */
export function closedBefore(closedAt: string, date: IsoDate, timeZone: string): boolean {
  return localDate(Date.parse(closedAt), timeZone) < date;
}

/** Only the inspection office records an outcome, once, with notes; a relapse needs a new deadline ahead, on a working day. */
export function validateRecordOutcome(
  recorded: LookbackOutcome | undefined,
  r: RecordOutcomeRequest,
  calendar: WorkCalendar,
  timeZone: string,
  now: number,
): void {
  requirePermission('recordLookback', r?.actor);
  if (recorded) throw new RequestRejected(`本次回头看已记录结论：${recorded === 'sustained' ? '巩固' : '反弹回潮'}`);
  if (r.outcome !== 'sustained' && r.outcome !== 'relapsed') throw new RequestRejected('结论应为 sustained（巩固）或 relapsed（反弹回潮）');
  if (typeof r.notes !== 'string' || !r.notes.trim()) throw new RequestRejected('核查说明不能为空');
  if (r.notes.length > 2000) throw new RequestRejected('核查说明过长（最多2000字）');
  if (r.evidence !== undefined && (!Array.isArray(r.evidence) || r.evidence.some((e) => typeof e !== 'string' || !e.trim())))
    throw new RequestRejected('佐证材料应为非空文本列表');
  if (r.outcome === 'sustained') {
    if (r.newDeadline !== undefined) throw new RequestRejected('结论为巩固时不设新时限');
    return;
  }
  if (typeof r.newDeadline !== 'string' || !isIsoDate(r.newDeadline))
    throw new RequestRejected(
      r.newDeadline === undefined || r.newDeadline === ''
        ? '反弹回潮须设新的整改时限'
        : `新的整改时限应为 YYYY-MM-DD: ${String(r.newDeadline)}`,
    );
  requireDueAhead(r.newDeadline, calendar, timeZone, now);
}
