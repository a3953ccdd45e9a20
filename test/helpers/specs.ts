/** Measure specs for tests, built the way measureSpecs builds them from a plan. */
import { DateTime } from 'luxon';
import type { MeasureSpec } from '../../domain/measure';
import { effectivePolicy } from '../../domain/policy';
import { publishedYears } from '../../domain/calendar-data';
import type { MeasureKind, PolicyOverride } from '../../domain/plan/schema';

export function testSpec(overrides: Partial<MeasureSpec> & { kind?: MeasureKind; policyOverride?: PolicyOverride } = {}): MeasureSpec {
  const { policyOverride, ...rest } = overrides;
  const kind = rest.kind ?? 'deadline';
  return {
    planId: 'drill',
    planTitle: '演练计划',
    timeZone: 'Asia/Shanghai',
    feedbackDate: '2024-01-15',
    calendar: { years: publishedYears() },
    directory: { units: ['区发改委', '区财政局', '区商务局'], leaders: ['区委常委、常务副区长', '副区长(分管发展改革、商务)'] },
    id: '1.1',
    problem: { no: 1, title: '高质量发展成效不显' },
    title: '健全政策机制',
    text: '健全政策机制。出台若干政策措施。',
    leader: '区委常委、常务副区长',
    leadUnit: '区发改委',
    participants: ['区财政局'],
    deadline: kind === 'longterm' ? undefined : '2024-10-15',
    milestones: [],
    cadence: kind === 'longterm' ? 'quarterly' : undefined,
    ...rest,
    kind,
    policy: effectivePolicy({}, kind, policyOverride),
    dueOnWorkday: rest.dueOnWorkday ?? true,
  };
}

/** A Wednesday some weeks after `from` (epoch ms) in the zone: a working day ahead in any year's arrangement. */
export function wednesdayAhead(from: number, weeks = 6, zone = 'Asia/Shanghai'): string {
  let day = DateTime.fromMillis(from, { zone }).startOf('day').plus({ weeks });
  while (day.weekday !== 3) day = day.plus({ days: 1 });
  return day.toISODate()!;
}

/** A deadline measure due a Wednesday six weeks after `from`, planning unpublished years Monday to Friday. */
export function aheadSpec(from: number): MeasureSpec {
  return testSpec({ id: '1.1', deadline: wednesdayAhead(from), calendar: { unpublishedYears: 'weekdays', years: publishedYears() } });
}
