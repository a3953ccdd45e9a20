/** `rectify simulate`: the whole plan's notices over a period, from the pure planner, starting nothing. */
import { localDate } from '../domain/dates';
import { measureSpecs } from '../domain/measure';
import type { Audience, Plan } from '../domain/plan/schema';
import type { DeliveryChannel } from '../domain/notice';
import { noticeChannels } from '../domain/email/recipients';
import type { ScheduledKind } from '../domain/planner';
import { simulate } from '../domain/simulate';
import { measureWorkflowId } from '../contracts/ids';

export interface ScheduledNotice {
  /** ISO instant (UTC) it goes out. */
  at: string;
  /** ISO instant it was planned for (differs from `at` for a catch-up). */
  plannedAt: string;
  measureId: string;
  workflowId: string;
  stage: string;
  kind: ScheduledKind;
  audiences: Audience[];
  /** What would carry it, from the plan's directory: mail, and the recipients' group robots. */
  channels: DeliveryChannel[];
  leadUnit: string;
  leader: string;
  dueDate: string;
  workdaysBefore?: number;
  level?: number;
  repeat?: number;
  catchUp: boolean;
  provisionalCalendar: boolean;
}

export function planSchedule(plan: Plan, from: number, to: number): ScheduledNotice[] {
  const out: ScheduledNotice[] = [];
  for (const spec of measureSpecs(plan, localDate(from, plan.timeZone))) {
    for (const n of simulate(spec, from, to)) {
      out.push({
        at: new Date(n.sentAt).toISOString(),
        plannedAt: new Date(n.at).toISOString(),
        measureId: spec.id,
        workflowId: measureWorkflowId(spec.planId, spec.id),
        stage: n.key,
        kind: n.kind,
        audiences: n.audiences,
        channels: noticeChannels(plan.directory, { audiences: n.audiences, measure: spec }),
        leadUnit: spec.leadUnit,
        leader: spec.leader,
        dueDate: n.dueDate,
        workdaysBefore: n.workdaysBefore,
        level: n.level,
        repeat: n.repeat,
        catchUp: n.catchUp,
        provisionalCalendar: n.provisional,
      });
    }
  }
  const order = (id: string) => id.split('.').map(Number);
  return out.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      order(a.measureId)[0] - order(b.measureId)[0] ||
      order(a.measureId)[1] - order(b.measureId)[1] ||
      a.stage.localeCompare(b.stage),
  );
}
