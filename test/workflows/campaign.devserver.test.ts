/**
 * A look-back campaign over 30 closed measures on a real dev server, through the CLI: one review
 * each, mixed outcomes counted, relapses reopened, and a second launch that doubles nothing.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { FileOutbox } from '../../activities/outbox';
import { publishedYears } from '../../domain/calendar-data';
import type { Actor } from '../../domain/notice';
import { createWorker } from '../../worker/worker';
import { lookbackCampaignWorkflow, measureWorkflow } from '../../workflows';
import { campaignQuery, campaignSource, closedMeasures } from '../../client/lookback';
import * as msg from '../../contracts/messages';
import * as SA from '../../contracts/search-attributes';
import { runCli } from '../helpers/cli';
import { testSpec } from '../helpers/specs';
import { eventually, settledHistoryLength, testTemporal, workflowBundle, type TestTemporal } from '../helpers/temporal';
import { campaignWorkflowId, lookbackWorkflowId, measureWorkflowId, ofType, TASK_QUEUE, WORKFLOW } from '../../contracts/ids';
import { recordHistory } from '../helpers/histories';

Runtime.install({ logger: new DefaultLogger('WARN') });

const UNIT: Actor = { role: 'unit', who: '区发改委' };
const OFFICE: Actor = { role: 'office', who: '督查科' };

describe('look-back campaign', () => {
  let env: TestWorkflowEnvironment;
  let server: TestTemporal;
  let worker: Worker;
  let running: Promise<void>;
  const ids = Array.from({ length: 30 }, (_, i) => `1.${i + 1}`);

  beforeAll(async () => {
    server = await testTemporal(mkdtempSync(join(tmpdir(), 'rectify-server-')));
    env = server.env;
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: server.namespace,
      workflowBundle: await workflowBundle(),
      delivery: new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-campaign-'))),
      campaigns: campaignSource(env.client),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await server?.teardown();
  });

  it('opens one review per closed measure, counts outcomes, and does not double on a second launch', async () => {
    let deadline = DateTime.now().setZone('Asia/Shanghai').plus({ days: 30 });
    while (deadline.weekday !== 3) deadline = deadline.plus({ days: 1 });
    for (const id of ids) {
      const spec = testSpec({ id, deadline: deadline.toISODate()!, calendar: { unpublishedYears: 'weekdays', years: publishedYears() } });
      const handle = await env.client.workflow.start(measureWorkflow, {
        workflowId: measureWorkflowId('drill', id),
        taskQueue: TASK_QUEUE,
        args: [{ spec }],
        typedSearchAttributes: [
          { key: SA.PlanId, value: 'drill' },
          { key: SA.MeasureId, value: id },
          { key: SA.MeasureKind, value: 'deadline' },
          { key: SA.LeadUnit, value: '区发改委' },
          { key: SA.ProblemNo, value: 1 },
        ],
      });
      await handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['整改报告'] }] });
      await handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: OFFICE, accept: true }] });
    }
    const closed = await eventually(
      () => env.client.workflow.count(`${ofType(WORKFLOW.measure)} AND MeasureStatus = 'closed'`),
      (c) => c.count === 30,
    );
    expect(closed.count).toBe(30);

    let due = DateTime.now().setZone('Asia/Shanghai').plus({ days: 14 });
    while (due.weekday > 5) due = due.plus({ days: 1 });
    const launch = await runCli(
      'lookback',
      'launch',
      '--plan',
      'drill',
      '--name',
      '2026年冬季回头看',
      '--due',
      due.toISODate()!,
      '--kind',
      'deadline',
    );
    expect([launch.code, launch.err]).toEqual([0, '']);
    expect(launch.out).toContain('计划 drill“2026年冬季回头看”：已启动，覆盖30项已销号措施');

    const reviews = `${ofType(WORKFLOW.lookbackReview)} AND LookbackCampaign = '2026年冬季回头看'`;
    expect(
      (
        await eventually(
          () => env.client.workflow.count(reviews),
          (c) => c.count === 30,
        )
      ).count,
    ).toBe(30);

    // A bad outcome changes nothing, not even the review's history.
    const first = env.client.workflow.getHandle(lookbackWorkflowId('drill', '1.1', 1));
    const length = async () => (await first.fetchHistory()).events?.length;
    // Settled: the request mail went out and the history is at rest.
    const before = await settledHistoryLength(first);
    for (const bad of [
      { actor: UNIT, outcome: 'sustained' as const, notes: 'x' },
      { actor: OFFICE, outcome: 'relapsed' as const, notes: 'x' },
      { actor: OFFICE, outcome: 'sustained' as const, notes: ' ' },
    ]) {
      await expect(first.executeUpdate(msg.recordOutcomeUpdate, { args: [bad] })).rejects.toThrow();
    }
    expect(await length()).toBe(before);

    // Ten sustained, five relapsed, fifteen still open.
    let newDeadline = DateTime.now().setZone('Asia/Shanghai').plus({ days: 40 });
    while (newDeadline.weekday !== 3) newDeadline = newDeadline.plus({ days: 1 });
    for (const [i, id] of ids.slice(0, 15).entries()) {
      const review = env.client.workflow.getHandle(lookbackWorkflowId('drill', id, 1));
      const outcome =
        i < 10
          ? { outcome: 'sustained' as const, notes: '巩固' }
          : { outcome: 'relapsed' as const, notes: '复查发现问题反弹', newDeadline: newDeadline.toISODate()! };
      await review.executeUpdate(msg.recordOutcomeUpdate, { args: [{ actor: OFFICE, ...outcome }] });
    }
    const status = await eventually(
      async () => JSON.parse((await runCli('lookback', 'status', '2026年冬季回头看', '--plan', 'drill', '--json')).out),
      (s) => s.done === 15,
    );
    expect(status).toMatchObject({ reviews: 30, done: 15, pending: 15, overdue: 0, sustained: 10, relapsed: 5 });
    expect(status.waiting.map((w: { measureId: string }) => w.measureId)).toHaveLength(15);
    expect((await runCli('lookback', 'status', '2026年冬季回头看')).out).toBe(
      '回头看“2026年冬季回头看”：共30项，已完成15（巩固10，反弹回潮5），待完成15（其中逾期0）',
    );
    const relapsedRows = await eventually(
      async () => JSON.parse((await runCli('status', '--plan', 'drill', '--lookback', 'relapsed', '--json')).out),
      (r) => r.length === 5,
    );
    expect(relapsedRows.map((r: { measureId: string }) => r.measureId)).toEqual(['1.11', '1.12', '1.13', '1.14', '1.15']);
    expect((await runCli('status', '--lookback', 'maybe')).err).toContain(
      '--lookback 应为 scheduled | in-review | sustained | relapsed：maybe',
    );
    const reopened = await env.client.workflow.getHandle(measureWorkflowId('drill', '1.11')).query(msg.getStateQuery);
    expect(reopened.progress).toMatchObject({ status: 'active', deadline: newDeadline.toISODate(), deadlineVersion: 2 });

    // A second outcome for a decided review says so, with who decided it; --list names the pending ones.
    const again = await runCli(
      'lookback',
      'record',
      '1.1',
      '--round',
      '1',
      '--plan',
      'drill',
      '--as',
      'office:督查科',
      '--sustained',
      '--notes',
      '再核',
    );
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /^rectify: 措施1\.1第1次回头看已记录结论：巩固（督查科，\d{4}年\d{1,2}月\d{1,2}日（周.）\d{2}:\d{2}），不再重复记录$/,
    );
    const listed = await runCli('lookback', 'status', '2026年冬季回头看', '--list');
    expect(listed.out.split('\n').filter((l) => l.startsWith('待完成\t措施'))).toHaveLength(15);
    expect((await runCli('lookback', 'status', '2025年回头看')).err).toBe(
      'rectify: 没有名为“2025年回头看”的回头看专项（已有：2026年冬季回头看）',
    );
    // A due date on a day off is taken by the one rule, as deadlines are (due the working day before);
    // measures named with --ids that are still open are named as skipped.
    let sunday = due;
    while (sunday.weekday !== 7) sunday = sunday.plus({ days: 1 });
    const picked = await runCli(
      'lookback',
      'launch',
      '--plan',
      'drill',
      '--name',
      '抽查',
      '--due',
      sunday.toISODate()!,
      '--ids',
      '1.11,1.16,9.9',
    );
    expect(picked.out).toContain('计划 drill“抽查”：已启动，覆盖1项已销号措施');
    expect(picked.out).toContain('未纳入：措施1.11（尚未销号（整改中））');
    expect(picked.out).toContain('未纳入：措施9.9（没有这项运行中的措施）');
    const [review] = await eventually(
      async () => {
        const found = [];
        for await (const wf of env.client.workflow.list({ query: `${ofType(WORKFLOW.lookbackReview)} AND LookbackCampaign = '抽查'` }))
          found.push(wf);
        return found;
      },
      (found) => found.length === 1,
    );
    const dueAt = DateTime.fromJSDate(review.typedSearchAttributes.get(SA.Deadline)!).setZone('Asia/Shanghai');
    expect([dueAt.toISODate(), dueAt.toFormat('HH:mm')]).toEqual([sunday.minus({ days: 2 }).toISODate(), '18:00']);

    // Launched again, or a measure asked again: nothing doubles.
    expect((await runCli('lookback', 'launch', '--plan', 'drill', '--name', '2026年冬季回头看', '--due', due.toISODate()!)).out).toContain(
      '此前已启动，未重复启动',
    );
    await env.client.workflow
      .getHandle(measureWorkflowId('drill', '1.20'))
      .signal(msg.startLookbackSignal, { campaign: '2026年冬季回头看', dueDate: due.toISODate()! });
    await env.client.workflow.getHandle(measureWorkflowId('drill', '1.20')).query(msg.getStateQuery);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await env.client.workflow.count(reviews)).count).toBe(30);
    const measure = await env.client.workflow.getHandle(measureWorkflowId('drill', '1.20')).query(msg.getStateQuery);
    expect(measure.lookbacks).toEqual([expect.objectContaining({ round: 1, campaign: '2026年冬季回头看' })]);
    const campaign = env.client.workflow.getHandle(campaignWorkflowId('drill', '2026年冬季回头看'));
    expect(await campaign.query(msg.getCampaignQuery)).toMatchObject({ total: 30, asked: 30 });
    await recordHistory('campaign-30', campaign);
  });

  it('continues as new between batches, so that a campaign of thousands stays within history limits', async () => {
    // The measures of the first test are closed again or still closed; a campaign of ten per run covers them in runs.
    const ids30 = (await closedMeasures(env.client, { planId: 'drill' })).get('drill') ?? [];
    expect(ids30.length).toBeGreaterThanOrEqual(25); // the five relapsed are active again
    const handle = await env.client.workflow.start(lookbackCampaignWorkflow, {
      workflowId: campaignWorkflowId('drill', '分批测试'),
      taskQueue: TASK_QUEUE,
      args: [{ planId: 'drill', name: '分批测试', dueDate: '2099-01-07', measureWorkflowIds: ids30, perRun: 10 }],
    });
    const firstRun = handle.firstExecutionRunId;
    expect(await handle.result()).toBe(ids30.length);
    expect((await env.client.workflow.getHandle(campaignWorkflowId('drill', '分批测试'), firstRun).describe()).status.name).toBe(
      'CONTINUED_AS_NEW',
    );
    const reviews = `${ofType(WORKFLOW.lookbackReview)} AND LookbackCampaign = '分批测试'`;
    expect(
      (
        await eventually(
          () => env.client.workflow.count(reviews),
          (c) => c.count === ids30.length,
        )
      ).count,
    ).toBe(ids30.length);
  });

  it('by selection: pages through the closed measures a page per run, its input small for any number of measures', async () => {
    const ids = (await closedMeasures(env.client, { planId: 'drill' })).get('drill') ?? [];
    const select = { query: campaignQuery({ planId: 'drill' }) };
    const handle = await env.client.workflow.start(lookbackCampaignWorkflow, {
      workflowId: campaignWorkflowId('drill', '按条件分页'),
      taskQueue: TASK_QUEUE,
      args: [{ planId: 'drill', name: '按条件分页', dueDate: '2099-01-07', select, expected: ids.length, perRun: 10 }],
    });
    const firstRun = handle.firstExecutionRunId;
    expect(await handle.result()).toBe(ids.length);
    expect(await handle.query(msg.getCampaignQuery)).toMatchObject({ total: ids.length, asked: ids.length });
    expect((await env.client.workflow.getHandle(campaignWorkflowId('drill', '按条件分页'), firstRun).describe()).status.name).toBe(
      'CONTINUED_AS_NEW',
    );
    // Each run's input: the query and a page token, never the list of measures.
    const first = await env.client.workflow.getHandle(campaignWorkflowId('drill', '按条件分页'), firstRun).fetchHistory();
    const input = JSON.stringify(first.events![0].workflowExecutionStartedEventAttributes?.input);
    expect(input.length).toBeLessThan(2000);
    const reviews = `${ofType(WORKFLOW.lookbackReview)} AND LookbackCampaign = '按条件分页'`;
    expect(
      (
        await eventually(
          () => env.client.workflow.count(reviews),
          (c) => c.count === ids.length,
        )
      ).count,
    ).toBe(ids.length);
    await recordHistory('campaign-by-selection', handle);
  });

  it('stops when the office cancels it, instead of swallowing the cancellation', async () => {
    // Measures long gone (each signal fails): the campaign would skip them all and complete.
    const gone = Array.from({ length: 3000 }, (_, i) => measureWorkflowId('gone', `1.${i + 1}`));
    const handle = await env.client.workflow.start(lookbackCampaignWorkflow, {
      workflowId: campaignWorkflowId('gone', '取消测试'),
      taskQueue: TASK_QUEUE,
      args: [{ planId: 'gone', name: '取消测试', dueDate: '2099-01-07', measureWorkflowIds: gone, perRun: gone.length }],
    });
    await eventually(
      () => handle.query(msg.getCampaignQuery),
      (v) => v.asked > 0,
    );
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const { status } = await handle.describe();
    expect(status.name).toBe('CANCELLED');
    expect((await handle.query(msg.getCampaignQuery)).asked).toBeLessThan(gone.length);
  });

  it('refuses a campaign without a sensible name or due date before doing anything', async () => {
    expect((await runCli('lookback', 'launch', '--name', 'x', '--due', '2020-01-06')).err).toContain(
      '--due：回头看时限2020年1月6日应晚于今天',
    );
    expect((await runCli('lookback', 'launch', '--name', 'a:b', '--due', '2099-01-06')).err).toContain('--name 不能为空，也不能含冒号');
    expect((await runCli('lookback', 'launch', '--name', 'x', '--due', '2099-01-06', '--problem', 'two')).err).toContain(
      '--problem 应为问题序号：two',
    );
  });
});
