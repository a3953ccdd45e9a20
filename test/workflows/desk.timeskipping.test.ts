/**
 * The desk's workflow parts on the time-skipping server: 催办 in the middle of the ladder (the
 * rung the measure is at, to that rung's people, at once; refused again the same day; on the
 * timeline), and the weekly digests (a plan's, and the roll-up's of every district) fired on a
 * Saturday waiting for Monday's working morning.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { FileOutbox } from '../../activities/outbox';
import { measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { chinaCalendar } from '../../domain/calendar-data';
import type { Actor } from '../../domain/notice';
import { RECORD_MEMO_KEY, type MeasureRecord } from '../../domain/record';
import { leadershipDigestWorkflow, measureWorkflow, rollupDigestWorkflow } from '../../workflows';
import { aheadSpec } from '../helpers/specs';
import { MeasureStory } from '../helpers/records';
import { eventually, registerSearchAttributes, testServerExecutable, withWorker } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';

Runtime.install({ logger: new DefaultLogger('WARN') });

const OFFICE: Actor = { role: 'office', who: '巡察办督查科' };
const ZONE = 'Asia/Shanghai';
const calendar = chinaCalendar({ unpublishedYears: 'weekdays' });

describe('the desk’s workflows', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  /** The next Saturday of a plain weekend (Saturday and Sunday off, Monday a working day) after the test server's now. */
  const plainSaturday = async (): Promise<DateTime> => {
    let saturday = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE })
      .startOf('day')
      .plus({ days: 1 });
    while (!(
      saturday.weekday === 6 &&
      !calendar.isWorkday(saturday.toISODate()!) &&
      calendar.isWorkday(saturday.plus({ days: 2 }).toISODate()!)
    ))
      saturday = saturday.plus({ days: 1 });
    return saturday;
  };

  it('urges the rung the measure is at, once a day, and keeps it on the timeline and in the memo', async () => {
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-urge-')));
    await withWorker(env, { taskQueue: 'urge', delivery: outbox }, async () => {
      const t0 = await env.currentTimeMs();
      const spec = aheadSpec(t0);
      const deadline = DateTime.fromISO(spec.deadline!, { zone: ZONE });
      const handle = await env.client.workflow.start(measureWorkflow, {
        workflowId: measureWorkflowId(spec.planId, spec.id),
        taskQueue: 'urge',
        args: [{ spec }],
      });
      // Four working days past the deadline, mid-morning: the ladder's second rung (3 days late) has gone.
      const day = calendar.addWorkdays(deadline.toISODate()!, 4);
      await env.sleep(DateTime.fromISO(`${day}T11:00`, { zone: ZONE }).toMillis() - (await env.currentTimeMs()));
      const before = (await outbox.list()).length;
      await handle.executeUpdate(msg.remindUpdate, { args: [{ actor: OFFICE, note: '请本周内报送整改材料' }] });
      // The Update answers at once; the loop sends the mail right after.
      const urged = await eventually(
        () => handle.query(msg.getTimelineQuery),
        (t) => t.some((e) => e.kind === 'notice' && e.what.includes('催办')),
      );
      const sent = (await outbox.list()).slice(before);
      expect(sent.map((n) => [n.kind, n.audiences, n.urge, n.level])).toEqual([
        ['urged', ['leadUnit', 'leader', 'office'], { kind: 'overdue' }, 1],
      ]);
      expect(sent[0].event).toMatchObject({ actor: OFFICE, note: '请本周内报送整改材料' });
      expect(urged.filter((e) => e.what.includes('催办')).map((e) => e.what)).toEqual([
        '催办（逾期督办·第2级），说明：请本周内报送整改材料',
        '发出“催办”（致牵头单位、负责区领导、巡察办）',
      ]);

      const again = handle.executeUpdate(msg.remindUpdate, { args: [{ actor: OFFICE }] });
      await expect(again).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(again).rejects.toMatchObject({ cause: { message: expect.stringContaining('今天11:00已由巡察办督查科催办过') } });
      // The next working day it may urge again.
      await env.sleep(DateTime.fromISO(`${calendar.addWorkdays(day, 1)}T11:00`, { zone: ZONE }).toMillis() - (await env.currentTimeMs()));
      await handle.executeUpdate(msg.remindUpdate, { args: [{ actor: OFFICE }] });
      const record = (await handle.query(msg.getRecordQuery)) as MeasureRecord;
      expect(record.urged).toEqual({ count: 2, last: expect.any(String) });
      // The memo carries the compact record the ledger and reports read from visibility.
      const memo = await eventually(
        async () => (await handle.describe()).memo?.[RECORD_MEMO_KEY] as MeasureRecord,
        (m) => m?.urged?.count === 2,
      );
      expect(memo).toMatchObject({ id: '1.1', status: 'active', light: 'red', urged: { count: 2 } });
      expect(memo.escalations.map((e) => e.level)).toEqual([0, 1]);
      await recordHistory('life-urged', handle);
      await handle.terminate('test finished');
    });
  });

  it('fired on a Saturday, waits for Monday’s working morning, then mails the week', async () => {
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-weekly-')));
    const records = [
      MeasureStory.of({ id: '1.1', deadline: '2024-06-28' }).record(),
      MeasureStory.of({ id: '1.2', deadline: '2024-03-29' }).record(),
    ];
    const asked: string[] = [];
    const plans = { records: async (planId: string) => (asked.push(planId), records) };
    await withWorker(env, { taskQueue: 'weekly', delivery: outbox, plans }, async () => {
      const fired = (await plainSaturday()).set({ hour: 9 });
      await env.sleep(fired.toMillis() - (await env.currentTimeMs()));
      const handle = await env.client.workflow.start(leadershipDigestWorkflow, {
        workflowId: 'leadership-digest:drill-test',
        taskQueue: 'weekly',
        args: [{ planId: 'drill', timeZone: ZONE, at: '09:00' }],
      });
      const result = await handle.result();
      expect(result).toEqual({ sent: ['outbox'], open: 2 });
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(fired.plus({ days: 2 }).toMillis());
      const [week] = await outbox.weeklies();
      expect([week.from, week.to]).toEqual([fired.minus({ days: 7 }).toISODate(), fired.plus({ days: 2 }).toISODate()]);
      expect(week.totals).toMatchObject({ measures: 2, overdue: 2 });
      expect(asked).toEqual(['drill']);
      await recordHistory('leadership-digest-waits', handle);
    });
  });

  it('the roll-up digest fired on a Saturday waits for Monday, then mails every district’s week to the city office', async () => {
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-rollup-weekly-')));
    const of = (planId: string, id: string, deadline: string) =>
      MeasureStory.of({ planId, planTitle: `${planId}区巡察整改`, id, deadline }).record();
    // The test server's clock is wherever the tests before left it (years ahead): 1.2 falls due a year after the week.
    let later = '';
    const plans = {
      records: async () => [],
      everyPlan: async (planIds?: string[]) =>
        [
          { planId: 'binhu', records: [of('binhu', '1.1', '2024-06-28')] },
          { planId: 'liangxi', records: [of('liangxi', '1.1', '2024-03-29'), of('liangxi', '1.2', later)] },
        ].filter((p) => !planIds || planIds.includes(p.planId)),
    };
    await withWorker(env, { taskQueue: 'rollup-weekly', delivery: outbox, plans }, async () => {
      const fired = (await plainSaturday()).set({ hour: 10 });
      later = fired.plus({ years: 1 }).toISODate()!;
      await env.sleep(fired.toMillis() - (await env.currentTimeMs()));
      const recipients = { name: '市委巡察办', emails: ['sxcb@example.org'] };
      const handle = await env.client.workflow.start(rollupDigestWorkflow, {
        workflowId: 'rollup-digest-test',
        taskQueue: 'rollup-weekly',
        args: [{ recipients, title: '某市委巡察办', planIds: ['liangxi'], timeZone: ZONE, at: '10:00' }],
      });
      const result = await handle.result();
      expect(result).toEqual({ sent: ['outbox'], districts: 1, moved: 0 });
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(fired.plus({ days: 2 }).toMillis());
      const [week] = await outbox.rollupWeeklies();
      expect([week.from, week.to, week.title]).toEqual([
        fired.minus({ days: 7 }).toISODate(),
        fired.plus({ days: 2 }).toISODate(),
        '某市委巡察办',
      ]);
      expect(week.recipients).toEqual(recipients);
      expect(week.rollup.districts.map((d) => [d.planId, d.measures, d.overdue])).toEqual([['liangxi', 2, 1]]);
      await recordHistory('rollup-digest-waits', handle);
    });
  });
});
