/**
 * Runs the planner forward in time as if nobody acted: every notice a measure will send
 * between two instants, and when. The same loop the workflow runs, without the waiting.
 */
import { runningCalendar } from './calendar';
import { localDate } from './dates';
import type { MeasureSpec } from './measure';
import { nextActions, type DueNotice, type MeasureProgress } from './planner';

export interface SimulatedNotice extends DueNotice {
  /** When it goes out: its planned instant, or the send window of a catch-up. */
  sentAt: number;
}

export function initialProgress(spec: MeasureSpec, startedAt: number): MeasureProgress {
  const started = localDate(startedAt, spec.timeZone);
  const from = spec.feedbackDate && spec.feedbackDate > started ? spec.feedbackDate : started;
  return {
    status: 'active',
    deadline: spec.deadline,
    deadlineVersion: 1,
    milestonesDone: 0,
    reportsDone: [],
    reportingFrom: from,
    handled: {},
  };
}

export function simulate(spec: MeasureSpec, from: number, to: number, progress = initialProgress(spec, from)): SimulatedNotice[] {
  return advance(spec, { ...progress, handled: { ...progress.handled } }, from, to);
}

/** Like simulate, but records what it sends and supersedes in `progress`, as the workflow does. */
export function advance(spec: MeasureSpec, progress: MeasureProgress, from: number, to: number): SimulatedNotice[] {
  const calendar = runningCalendar(spec.calendar);
  const out: SimulatedNotice[] = [];
  for (let now = from; now <= to;) {
    const next = nextActions(spec, progress, calendar, now);
    for (const key of next.skip) progress.handled[key] = 'skipped';
    for (const notice of next.send) {
      progress.handled[notice.key] = 'sent';
      out.push({ ...notice, sentAt: now });
    }
    if (next.wakeAt === undefined) break;
    now = next.wakeAt;
  }
  return out;
}
