/** One notice builder for tests: a measure as notices describe it, and a notice about it. */
import { measureWorkflowId, noticeKey } from '../../contracts/ids';
import type { Notice, NoticeMeasure } from '../../domain/notice';

/** Measure 1.1 of the drill plan (test/fixtures/small-plan.yaml), due 2024-10-15 18:00 in Shanghai. */
export function testMeasure(overrides: Partial<NoticeMeasure> = {}): NoticeMeasure {
  return {
    planId: 'drill-2024',
    id: '1.1',
    problem: { no: 1, title: '高质量发展成效不显' },
    title: '健全政策机制',
    kind: 'deadline',
    status: 'active',
    leadUnit: '区发改委',
    leader: '区委常委、常务副区长',
    participants: ['区财政局'],
    deadline: '2024-10-15',
    deadlineVersion: 1,
    dueAt: '2024-10-15T10:00:00.000Z',
    trafficLight: 'yellow',
    timeZone: 'Asia/Shanghai',
    ...overrides,
  };
}

/** The 5-day reminder of that measure (planned 2024-10-09 09:00), with whatever the test changes. */
export function testNotice(overrides: Partial<Notice> = {}, measure: Partial<NoticeMeasure> = {}): Notice {
  const m = testMeasure(measure);
  const workflowId = measureWorkflowId(m.planId, m.id);
  const stage = overrides.stage ?? 'v1:deadline:reminder:5';
  return {
    idempotencyKey: noticeKey(workflowId, stage),
    workflowId,
    stage,
    kind: 'reminder',
    audiences: ['leadUnit'],
    plannedAt: '2024-10-09T01:00:00.000Z',
    decidedAt: '2024-10-09T01:00:00.000Z',
    catchUp: false,
    dueDate: '2024-10-15',
    dueAt: m.dueAt,
    workdaysBefore: 5,
    measure: m,
    ...overrides,
  };
}
