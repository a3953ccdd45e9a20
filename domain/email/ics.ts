/** Deadlines as calendar events (.ics), so that they land in the recipients' calendars. */
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { Notice } from '../notice';

const NO_DEADLINE = new Set(['verification-result', 'reassigned', 'submitted']);

/**
 * One calendar for the deadlines the notices chase (the measure's, a milestone's or a report's),
 * or undefined when none does. An event keeps its UID across extensions; the deadline version is
 * its SEQUENCE, so a calendar moves the event instead of adding a second one.
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
    const due = n.dueAt ?? (n.milestone || n.period ? undefined : m.dueAt);
    if (!due || NO_DEADLINE.has(n.kind)) continue;
    const track = n.milestone ? `m${n.milestone.index}` : n.period ? `r${n.period}` : 'deadline';
    const uid = `${m.planId}.${m.id}.${track}@${domain}`;
    if (uids.has(uid)) continue;
    uids.add(uid);
    const what = n.milestone ? `阶段节点「${n.milestone.title}」` : n.period ? `进展报送(截至 ${n.period})` : '整改时限';
    const end = Date.parse(due);
    calendar.createEvent({
      id: uid,
      sequence: track === 'deadline' ? m.deadlineVersion : 0,
      start: new Date(end - 30 * 60_000),
      end: new Date(end),
      summary: `${what}: 措施 ${m.id}「${m.title}」`,
      description: `问题 ${m.problem.no}: ${m.problem.title}\n牵头单位: ${m.leadUnit}\n负责区领导: ${m.leader}`,
    });
  }
  if (!uids.size) return undefined;
  const only = notices.length === 1 ? notices[0].measure : undefined;
  return { filename: only ? `rectify-${only.planId}-${only.id}.ics` : 'rectify-deadlines.ics', content: calendar.toString() };
}
