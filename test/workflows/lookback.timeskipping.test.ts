/**
 * Look-back reviews on the time-skipping server: 90 days after close-out a review starts on its
 * own; the office records the outcome; a relapse reopens the measure and the ladder runs again.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import { publishedYears } from '../../domain/calendar-data';
import type { Actor } from '../../domain/notice';
import { measureWorkflow } from '../../workflows';
import * as msg from '../../contracts/messages';
import { rejection } from '../helpers/lives';
import { testSpec } from '../helpers/specs';
import { registerSearchAttributes, testServerExecutable, workflowBundle } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';
import { lookbackWorkflowId, measureWorkflowId } from '../../contracts/ids';

Runtime.install({ logger: new DefaultLogger('WARN') });

const UNIT: Actor = { role: 'unit', who: '区发改委' };
const OFFICE: Actor = { role: 'office', who: '督查科' };
const ZONE = 'Asia/Shanghai';

describe('look-back reviews (回头看)', () => {
  let env: TestWorkflowEnvironment;
  let outbox: FileOutbox;
  let worker: Worker;
  let running: Promise<void>;
  const handles: WorkflowHandle[] = [];

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
    outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-lookback-')));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'lookback',
      workflowBundle: await workflowBundle(),
      activities: createActivities({ delivery: outbox }),
    });
    running = worker.run();
  });

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.terminate('test finished').catch(() => undefined)));
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const sleepUntil = async (t: DateTime) => env.sleep(Math.max(t.toMillis() - (await env.currentTimeMs()), 1));

  async function closedMeasure(id: string) {
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE });
    let deadline = now.plus({ days: 30 });
    while (deadline.weekday !== 3) deadline = deadline.plus({ days: 1 });
    const spec = testSpec({ id, deadline: deadline.toISODate()!, calendar: { unpublishedYears: 'weekdays', years: publishedYears() } });
    const handle = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId('drill', id),
      taskQueue: 'lookback',
      args: [{ spec }],
    });
    handles.push(handle);
    await handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['整改报告'] }] });
    await handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: OFFICE, accept: true }] });
    return { handle, closedOn: now };
  }

  it('starts a review 90 days after close-out; a relapse reopens the measure and escalates again', async () => {
    const { handle, closedOn } = await closedMeasure('1.1');
    let attributes = (await handle.describe()).searchAttributes;
    for (let i = 0; i < 25 && !attributes.LookbackStatus; i++) {
      await new Promise((r) => setTimeout(r, 200)); // the close-out's last workflow task may still be completing
      attributes = (await handle.describe()).searchAttributes;
    }
    expect(attributes).toMatchObject({ MeasureStatus: ['closed'], LookbackStatus: ['scheduled'] });

    await sleepUntil(closedOn.plus({ days: 95 }));
    const review = env.client.workflow.getHandle(lookbackWorkflowId('drill', '1.1', 1));
    handles.push(review);
    const lookback = await review.query(msg.getLookbackQuery);
    expect(lookback).toMatchObject({ round: 1, measureId: '1.1', closedOn: closedOn.toISODate() });
    const started = DateTime.fromISO(lookback.closedOn, { zone: ZONE }).plus({ days: 90 });
    expect(lookback.dueDate > started.toISODate()!).toBe(true);
    const requests = (await outbox.list()).filter((n) => n.kind === 'lookback-request' && n.measure.id === '1.1');
    expect(requests.map((n) => [n.audiences, n.lookback?.round])).toEqual([[['office'], 1]]);
    expect((await handle.describe()).searchAttributes).toMatchObject({ LookbackStatus: ['in-review'] });

    // Only the office records an outcome; a relapse needs a new deadline; nothing else changes.
    expect(
      await rejection(review.executeUpdate(msg.recordOutcomeUpdate, { args: [{ actor: UNIT, outcome: 'sustained', notes: '已巩固' }] })),
    ).toContain('只有巡察办可以记录回头看结论');
    expect(
      await rejection(review.executeUpdate(msg.recordOutcomeUpdate, { args: [{ actor: OFFICE, outcome: 'relapsed', notes: '问题复现' }] })),
    ).toContain('反弹回潮须设新的整改时限');
    expect(
      await rejection(review.executeUpdate(msg.recordOutcomeUpdate, { args: [{ actor: OFFICE, outcome: 'better' as never, notes: 'x' }] })),
    ).toContain('结论应为 sustained');

    const today = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE });
    let newDeadline = today.plus({ days: 21 });
    while (newDeadline.weekday !== 3) newDeadline = newDeadline.plus({ days: 1 });
    await review.executeUpdate(msg.recordOutcomeUpdate, {
      args: [{ actor: OFFICE, outcome: 'relapsed', notes: '台账显示问题复现', newDeadline: newDeadline.toISODate()! }],
    });
    expect(await review.result()).toBe('relapsed');

    const reopened = await handle.query(msg.getStateQuery);
    expect(reopened).toMatchObject({
      progress: { status: 'active', deadline: newDeadline.toISODate(), deadlineVersion: 2 },
      lookbacks: [{ round: 1, outcome: 'relapsed' }],
    });
    expect(reopened.deadlines.at(-1)?.reason).toBe('第1次回头看发现反弹回潮：台账显示问题复现');
    const relapsed = (await outbox.list()).filter((n) => n.kind === 'relapsed');
    expect(relapsed.map((n) => n.audiences)).toEqual([['leadUnit', 'leader', 'leadershipGroup']]);

    // Unmet again: the ladder runs against the new deadline.
    await sleepUntil(newDeadline.plus({ days: 16 }));
    const stages = (await outbox.list()).filter((n) => n.measure.id === '1.1' && n.stage.startsWith('v2:deadline:')).map((n) => n.stage);
    expect(stages).toEqual(
      expect.arrayContaining(['v2:deadline:reminder:0', 'v2:deadline:overdue:0', 'v2:deadline:overdue:1', 'v2:deadline:overdue:2']),
    );
    expect((await handle.describe()).searchAttributes).toMatchObject({
      MeasureStatus: ['active'],
      TrafficLight: ['red'],
      LookbackStatus: ['relapsed'],
    });
    await recordHistory('life-relapsed', handle);
    await recordHistory('lookback-relapsed', review);
  });

  it('chases an unanswered review like a measure: reminders to the office, then the ladder up to leadership', async () => {
    const { closedOn } = await closedMeasure('1.3');
    await sleepUntil(closedOn.plus({ days: 95 }));
    const review = env.client.workflow.getHandle(lookbackWorkflowId('drill', '1.3', 1));
    handles.push(review);
    const { dueDate } = await review.query(msg.getLookbackQuery);
    // Level 3 comes 11 working days after the due date (15 to 17 days), its first repeat a week later.
    await sleepUntil(DateTime.fromISO(dueDate, { zone: ZONE }).plus({ days: 18, hours: 12 }));
    await review.query(msg.getLookbackQuery);
    const sent = (await outbox.list())
      .filter((n) => n.workflowId === lookbackWorkflowId('drill', '1.3', 1))
      .map((n) => [n.stage, n.audiences.join('+')]);
    expect(sent).toEqual([
      ['request', 'office'],
      ['review:reminder:5', 'office'], // the 10-day reminder would fall on the first day: the request stands for it
      ['review:reminder:2', 'office'],
      ['review:reminder:1', 'office'],
      ['review:reminder:0', 'office'],
      ['review:overdue:0', 'office'],
      ['review:overdue:1', 'office'],
      ['review:overdue:2', 'office+leadershipGroup'],
    ]);
  });

  it('keeps a sustained measure closed', async () => {
    const { handle, closedOn } = await closedMeasure('1.2');
    await sleepUntil(closedOn.plus({ days: 95 }));
    const review = env.client.workflow.getHandle(lookbackWorkflowId('drill', '1.2', 1));
    handles.push(review);
    await review.executeUpdate(msg.recordOutcomeUpdate, { args: [{ actor: OFFICE, outcome: 'sustained', notes: '整改成效巩固' }] });
    expect(await review.result()).toBe('sustained');
    expect(
      await rejection(
        review.executeUpdate(msg.recordOutcomeUpdate, {
          args: [{ actor: OFFICE, outcome: 'relapsed', notes: 'x', newDeadline: '2099-01-07' }],
        }),
      ),
    ).toMatch(/本次回头看已记录结论|not found|completed/i);
    const state = await handle.query(msg.getStateQuery);
    expect(state).toMatchObject({ progress: { status: 'closed' }, lookbacks: [{ round: 1, outcome: 'sustained' }] });
    expect((await handle.describe()).searchAttributes).toMatchObject({ LookbackStatus: ['sustained'] });
  });
});
