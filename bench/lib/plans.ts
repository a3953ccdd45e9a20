/** Synthetic plans for the benchmarks: validated like any plan file, role titles and example.org addresses only. */
import { DateTime } from 'luxon';
import type { Client } from '@temporalio/client';
import { publishedYears } from '../../domain/calendar-data';
import { validatePlanData } from '../../domain/plan/load';
import type { ChatChannel } from '../../domain/chat/platforms';
import type { Plan } from '../../domain/plan/schema';
import { sleep } from './harness';

export const ZONE = 'Asia/Shanghai';
const LEADERS = ['区委常委、常务副区长', '区委常委、组织部部长', '副区长', '区委常委、宣传部部长', '区人大常委会副主任'];

/** `channels(n)`: the group robots of unit n (numbered from 1), if any. */
function directory(units: string[], domain: string, channels: (unit: number) => ChatChannel[] = () => []) {
  return {
    units: units.map((name, u) => {
      const robots = channels(u + 1);
      return { name, emails: [`unit-${u + 1}@${domain}`], ...(robots.length ? { channels: robots } : {}) };
    }),
    leaders: LEADERS.map((role, i) => ({ role, email: `leader-${i + 1}@${domain}` })),
    office: { name: '区委巡察办', emails: [`office@${domain}`] },
    leadershipGroup: { name: '整改工作领导小组', emails: [`group@${domain}`] },
  };
}

export function validPlan(data: unknown): Plan {
  const { plan, issues } = validatePlanData(data, 'bench', (path) => ({ field: path.join('.') }));
  if (!plan) throw new Error(issues.map((x) => x.message).join('\n'));
  return plan;
}

/**
 * The 09:00 burst: `measures` final reminders for `units` lead units, all due at the instant `at`
 * (today, made a working day for the run whatever the calendar says); the units' group robots, if
 * `channels` gives them (bench/lib/robots.ts).
 */
export function burstPlan(measures: number, units: number, at: DateTime, channels?: (unit: number) => ChatChannel[]): Plan {
  return validPlan(burstPlanData(measures, units, at, channels));
}

/** The burst plan as its file says it (what `rectify start` reads). */
export function burstPlanData(
  measures: number,
  units: number,
  at: DateTime,
  channels?: (unit: number) => ChatChannel[],
): Record<string, unknown> {
  const today = at.toISODate()!;
  const year = String(at.year);
  const published = publishedYears()[year] ?? { holidays: [], workdays: [] };
  return {
    id: 'burst',
    title: '压力测试计划',
    feedbackDate: today,
    timeZone: ZONE,
    calendar: {
      unpublishedYears: 'weekdays',
      // A weekend day made a working day (调休); a weekday only stops being a holiday.
      years: {
        [year]: {
          holidays: published.holidays.filter((d) => d !== today),
          workdays: at.weekday >= 6 ? [...published.workdays, today] : published.workdays,
        },
      },
    },
    directory: directory(
      Array.from({ length: units }, (_, u) => `单位${u + 1}`),
      'bench.example.org',
      channels,
    ),
    policy: { reminders: { offsetsWorkdays: [0], sendAt: at.toFormat('HH:mm') }, dueAt: '23:59' },
    problems: [{ no: 1, title: '压力测试' }],
    measures: Array.from({ length: measures }, (_, i) => ({
      id: `1.${i + 1}`,
      problem: 1,
      title: `措施${i + 1}`,
      text: `措施${i + 1}。`,
      kind: 'deadline',
      leader: LEADERS[0],
      leadUnit: `单位${(i % units) + 1}`,
      participants: [],
      deadline: today,
    })),
  };
}

/**
 * A district's plan as the seed's: 34 problems, 159 measures, its own units (20) and leaders;
 * kinds as in real plans (a fifth immediate, half with a deadline, a fifth phased, the rest long-term),
 * deadlines spread over the next year from `today`.
 */
export function districtPlan(district: number, today: DateTime, size = 159): Plan {
  const units = Array.from({ length: Math.max(20, Math.round(size / 8)) }, (_, u) => `区${district}单位${u + 1}`);
  const feedback = today.minus({ months: 2 });
  const day = (n: number) => today.plus({ days: n }).toISODate()!;
  const measures = Array.from({ length: size }, (_, i) => {
    const problem = (i % 34) + 1;
    const base = {
      id: `${problem}.${Math.floor(i / 34) + 1}`,
      problem,
      title: `措施${i + 1}`,
      text: `第${district}区第${problem}个问题的整改措施${i + 1}：建立台账，明确责任，按期销号。`,
      leader: LEADERS[i % LEADERS.length],
      leadUnit: units[i % units.length],
      participants: [units[(i + 7) % units.length]],
    };
    const k = i % 10;
    if (k < 2) return { ...base, kind: 'immediate', deadline: day(3 + (i % 20)) };
    if (k < 7) return { ...base, kind: 'deadline', deadline: day(20 + ((i * 7) % 340)) };
    if (k < 9)
      return {
        ...base,
        kind: 'phased',
        milestones: [
          { title: '第一阶段', deadline: day(30 + (i % 60)) },
          { title: '第二阶段', deadline: day(120 + (i % 120)) },
        ],
      };
    return { ...base, kind: 'longterm', cadence: 'quarterly' };
  });
  return validPlan({
    id: `district-${String(district).padStart(3, '0')}`,
    title: `第${district}区巡视整改方案`,
    feedbackDate: feedback.toISODate(),
    timeZone: ZONE,
    calendar: { unpublishedYears: 'statutory' },
    directory: directory(units, `district-${district}.example.org`),
    problems: Array.from({ length: 34 }, (_, p) => ({ no: p + 1, title: `问题${p + 1}` })),
    measures,
  });
}

/** Enough districts for `measures` (the last one cut short). */
export function provincePlans(measures: number, today = DateTime.now().setZone(ZONE)): Plan[] {
  const plans: Plan[] = [];
  for (let d = 1, left = measures; left > 0; d++, left -= 159) {
    const plan = districtPlan(d, today);
    plans.push(left >= 159 ? plan : { ...plan, measures: plan.measures.slice(0, left) });
  }
  return plans;
}

/** Waits until `count(query)` reaches `n` (polling every `everyMs`); the instant it did. */
export async function untilCount(client: Client, query: string, n: number, timeoutMs: number, everyMs = 1000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count >= n) return Date.now();
    if (Date.now() > deadline) throw new Error(`${query}: ${count} of ${n} after ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}
