/** The deadline as a calendar event (.ics), so that it lands in the recipient's calendar. */
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { Notice } from '../notice';

/** An .ics for notices about a deadline (the measure's, a milestone's or a report's), else undefined. */
export function deadlineIcs(n: Notice, domain: string): { filename: string; content: string } | undefined {
  const m = n.measure;
  let due: number | undefined;
  let what: string;
  if (n.milestone) {
    due = Date.parse(`${n.milestone.deadline}T18:00:00+08:00`);
    what = `阶段节点「${n.milestone.title}」`;
  } else if (n.period) {
    due = Date.parse(`${n.period}T18:00:00+08:00`);
    what = `进展报送(截至 ${n.period})`;
  } else {
    due = m.dueAt ? Date.parse(m.dueAt) : undefined;
    what = '整改时限';
  }
  if (due === undefined || Number.isNaN(due) || n.kind === 'verification-result' || n.kind === 'reassigned') return undefined;
  const calendar = ical({ name: `整改时限 ${m.planId}`, method: ICalCalendarMethod.PUBLISH, prodId: { company: 'rectify', product: 'rectify', language: 'ZH' } });
  calendar.createEvent({
    id: `${m.planId}.${m.id}.v${m.deadlineVersion}.${n.milestone ? `m${n.milestone.index}` : n.period ? `r${n.period}` : 'deadline'}@${domain}`,
    start: new Date(due - 30 * 60_000),
    end: new Date(due),
    summary: `${what}: 措施 ${m.id}「${m.title}」`,
    description: `问题 ${m.problem.no}: ${m.problem.title}\n牵头单位: ${m.leadUnit}\n负责区领导: ${m.leader}`,
    timezone: undefined,
  });
  return { filename: `rectify-${m.planId}-${m.id}.ics`, content: calendar.toString() };
}
