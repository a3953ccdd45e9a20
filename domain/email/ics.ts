/** Deadlines as calendar events (.ics), so that they land in the recipients' calendars. */
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { Notice } from '../notice';
import { NOTICE_KINDS } from '../vocabulary';
import { plainDateZh } from '../dates';
import { measureName } from '../measure-words';

/** The event a notice's date is: its track's id in the measure, what it is called, its date and sequence. */
function eventOf(n: Notice): { track: string; what: string; due?: string; sequence: number } | undefined {
  const m = n.measure;
  switch (NOTICE_KINDS[n.kind].track) {
    case 'deadline':
      return { track: 'deadline', what: '整改时限', due: m.dueAt, sequence: m.deadlineVersion };
    case 'milestone':
      return n.milestone && { track: `m${n.milestone.index}`, what: `阶段节点“${n.milestone.title}”`, due: n.dueAt, sequence: 0 };
    case 'report':
      return n.period ? { track: `r${n.period}`, what: `进展报送（截至${plainDateZh(n.period)}）`, due: n.dueAt, sequence: 0 } : undefined;
    case 'review':
      // A review is an event of its own: never the measure's deadline event moved to the review's date.
      return n.lookback && { track: `lookback${n.lookback.round}`, what: `第${n.lookback.round}次回头看时限`, due: n.dueAt, sequence: 0 };
    case 'none':
      return undefined;
  }
}

/**
 * One calendar for the dates the notices chase (the measure's deadline, a milestone's, a report's,
 * a look-back review's), or undefined when none does. An event keeps its UID across extensions;
 * the deadline version is its SEQUENCE, so a calendar moves the event instead of adding a second.
 */
export function deadlineIcs(notices: Notice[], domain: string): { filename: string; content: string } | undefined {
  const calendar = ical({
    name: '整改时限',
    method: ICalCalendarMethod.PUBLISH,
    prodId: { company: 'rectify', product: 'rectify', language: 'ZH' },
  });
  const uids = new Set<string>();
  for (const n of notices) {
    const m = n.measure;
    const event = eventOf(n);
    if (!event?.due) continue;
    const uid = `${m.planId}.${m.id}.${event.track}@${domain}`;
    if (uids.has(uid)) continue;
    uids.add(uid);
    const end = Date.parse(event.due);
    calendar.createEvent({
      id: uid,
      sequence: event.sequence,
      start: new Date(end - 30 * 60_000),
      end: new Date(end),
      summary: `${event.what}：${measureName(m.id, m.title)}`,
      description: `问题${m.problem.no}：${m.problem.title}\n牵头单位：${m.leadUnit}\n负责区领导：${m.leader}`,
    });
  }
  if (!uids.size) return undefined;
  const only = notices.length === 1 ? notices[0].measure : undefined;
  return { filename: only ? `rectify-${only.planId}-${only.id}.ics` : 'rectify-deadlines.ics', content: calendar.toString() };
}
