/**
 * A measure's traffic light over months of simulated time, on the real time-skipping test server.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { effectivePolicy } from '../../domain/policy';
import type { MeasureSpec } from '../../domain/measure';
import { measureWorkflow } from '../../workflows';
import { getStateQuery } from '../../workflows/messages';
import { registerSearchAttributes, testServerExecutable, workflowBundle } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

/** A Wednesday at least 40 days after `now`, in Shanghai. */
function wednesdayAfter(now: number): DateTime {
  let d = DateTime.fromMillis(now, { zone: 'Asia/Shanghai' }).plus({ days: 40 }).startOf('day');
  while (d.weekday !== 3) d = d.plus({ days: 1 });
  return d;
}

function spec(deadline: string): MeasureSpec {
  return {
    planId: 'drill',
    planTitle: '演练',
    timeZone: 'Asia/Shanghai',
    // Test server time is the real date; years after the data package's are counted Mon–Fri,
    // so 10 working days before a Wednesday is exactly two weeks before it.
    calendar: { unpublishedYears: 'weekdays' },
    id: '1.1',
    problem: { no: 1, title: '高质量发展成效不显' },
    title: '健全政策机制',
    text: '健全政策机制。',
    kind: 'deadline',
    leader: '区委常委、常务副区长',
    leadUnit: '区发改委',
    participants: [],
    deadline,
    milestones: [],
    policy: effectivePolicy({}, 'deadline'),
  };
}

describe('measureWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('turns yellow at the first reminder and red at 18:00 on the deadline, and stays up', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'timeskipping-measure',
      workflowBundle: await workflowBundle(),
    });
    await worker.runUntil(async () => {
      const deadline = wednesdayAfter(await env.currentTimeMs());
      const handle = await env.client.workflow.start(measureWorkflow, {
        workflowId: 'measure:drill:1.1',
        taskQueue: 'timeskipping-measure',
        args: [{ spec: spec(deadline.toISODate()!) }],
      });
      const at = async () => (await handle.query(getStateQuery));
      const first = await at();
      expect(first).toMatchObject({ status: 'active', trafficLight: 'green', deadline: deadline.toISODate() });
      expect(first.dueAt).toBe(deadline.set({ hour: 18 }).toUTC().toISO({ suppressMilliseconds: false }));
      expect(first.nextChangeAt).toBe(deadline.minus({ days: 14 }).set({ hour: 9 }).toUTC().toISO());

      const sleepUntil = async (t: DateTime) => env.sleep(t.toMillis() - (await env.currentTimeMs()));
      await sleepUntil(deadline.minus({ days: 14 }).set({ hour: 8, minute: 59 }));
      expect((await at()).trafficLight).toBe('green');
      await sleepUntil(deadline.minus({ days: 14 }).set({ hour: 9, minute: 1 }));
      expect((await at()).trafficLight).toBe('yellow');
      await sleepUntil(deadline.set({ hour: 17, minute: 59 }));
      expect((await at()).trafficLight).toBe('yellow');
      await sleepUntil(deadline.set({ hour: 18, minute: 1 }));
      const overdue = await at();
      expect(overdue).toMatchObject({ trafficLight: 'red', status: 'active' });
      expect(overdue.nextChangeAt).toBeUndefined();

      // Months later the measure is still open and waiting (nothing closes it on its own).
      await env.sleep('180 days');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect((await at()).trafficLight).toBe('red');

      if (process.env.RECORD_HISTORIES) {
        const history = await handle.fetchHistory();
        writeFileSync(join(__dirname, '../histories/measure-deadline-red.json'), historyToJSON(history));
      }
    });
  });
});
