/**
 * Every request the workflow refuses, sent through the client: the validator's message comes
 * back, and the workflow's history does not change. On the real dev server: the time-skipping
 * test server records a workflow task even for a rejected update, a real server does not.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import fc from 'fast-check';
import { createActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import type { Actor } from '../../domain/notice';
import { measureWorkflow } from '../../workflows';
import * as msg from '../../contracts/messages';
import { rejection } from '../helpers/lives';
import { testSpec } from '../helpers/specs';
import { publishedYears } from '../../domain/calendar-data';
import { devServerExecutable, workflowBundle } from '../helpers/temporal';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { measureWorkflowId } from '../../contracts/ids';

Runtime.install({ logger: new DefaultLogger('WARN') });

const UNIT: Actor = { role: 'unit', who: '区发改委' };
const OTHER_UNIT: Actor = { role: 'unit', who: '区财政局' };
const OFFICE: Actor = { role: 'office', who: '巡察办' };
const LEADERSHIP: Actor = { role: 'leadership', who: '领导小组办公室' };

describe('validators reject bad requests without touching history', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const handles: WorkflowHandle<typeof measureWorkflow>[] = [];

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: devServerExecutable(),
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        extraArgs: ['--ui-disable-news-fetch', '--headless'],
      },
    });
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-validators-')));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'validators',
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

  async function start(id: string, kind: 'deadline' | 'longterm' = 'deadline') {
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'Asia/Shanghai' });
    let deadline = now.plus({ days: 60 });
    while (deadline.weekday !== 3) deadline = deadline.plus({ days: 1 });
    const spec = testSpec({
      id,
      kind,
      calendar: { unpublishedYears: 'weekdays', years: publishedYears() },
      ...(kind === 'deadline' ? { deadline: deadline.toISODate()! } : {}),
    });
    const handle = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId('drill', id),
      taskQueue: 'validators',
      args: [{ spec }],
    });
    handles.push(handle);
    await handle.query(msg.getStateQuery);
    return { handle, deadline };
  }

  const length = async (h: WorkflowHandle<typeof measureWorkflow>) => (await h.fetchHistory()).events?.length;
  /** The history length once the workflow has delivered what an accepted request caused. */
  async function settled(h: WorkflowHandle<typeof measureWorkflow>): Promise<number | undefined> {
    for (let last = -1; ;) {
      const state = await h.query(msg.getDetailsQuery);
      const now = await length(h);
      if (!state.outgoing.length && now === last) return now;
      last = now ?? -1;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('rejects each bad request with a message naming what is wrong', async () => {
    const { handle, deadline } = await start('1.1');
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'progress by another unit',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: OTHER_UNIT, note: '进展' }] }),
        '只有本措施的牵头单位（区发改委）可以这样做；单位“区财政局”无权操作',
      ],
      [
        'progress without a note',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: ' ' }] }),
        '进展说明不能为空',
      ],
      [
        'a milestone on a deadline measure',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '进展', completesMilestone: true }] }),
        '只有分阶段整改措施才有阶段节点',
      ],
      [
        'progress by leadership',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: LEADERSHIP, note: '进展' }] }),
        '领导小组“领导小组办公室”无权操作',
      ],
      [
        'a request without an actor',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ note: '进展' } as never] }),
        '缺少操作人',
      ],
      [
        'completion without evidence',
        () => handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: [] }] }),
        '提交整改完成必须附佐证材料',
      ],
      [
        'completion by the office',
        () => handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: OFFICE, evidence: ['x'] }] }),
        '只有本措施的牵头单位',
      ],
      [
        'verification of nothing submitted',
        () => handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: OFFICE, accept: true }] }),
        '措施当前状态为“整改中”，不能核验',
      ],
      [
        'verification by the unit',
        () => handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: UNIT, accept: true }] }),
        '只有巡察办可以核验销号',
      ],
      [
        'an extension to an earlier date',
        () =>
          handle.executeUpdate(msg.requestExtensionUpdate, {
            args: [{ actor: UNIT, newDeadline: deadline.minus({ days: 7 }).toISODate()!, reason: '原因' }],
          }),
        '应晚于当前时限',
      ],
      [
        'an extension without a reason',
        () =>
          handle.executeUpdate(msg.requestExtensionUpdate, {
            args: [{ actor: UNIT, newDeadline: deadline.plus({ days: 14 }).toISODate()!, reason: '' }],
          }),
        '延期理由不能为空',
      ],
      [
        'an extension to no date',
        () => handle.executeUpdate(msg.requestExtensionUpdate, { args: [{ actor: UNIT, newDeadline: '下个月', reason: '原因' }] }),
        '新时限应为 YYYY-MM-DD',
      ],
      [
        'an extension asked by the office',
        () =>
          handle.executeUpdate(msg.requestExtensionUpdate, {
            args: [{ actor: OFFICE, newDeadline: deadline.plus({ days: 14 }).toISODate()!, reason: '原因' }],
          }),
        '只有本措施的牵头单位',
      ],
      [
        'a decision with nothing pending',
        () => handle.executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: OFFICE, approve: true }] }),
        '没有待审批的延期申请',
      ],
      [
        'a reassignment by a unit',
        () => handle.executeUpdate(msg.reassignUpdate, { args: [{ actor: UNIT, leadUnit: '区财政局', reason: '调整' }] }),
        '只有巡察办可以调整牵头单位或负责区领导',
      ],
      [
        'a reassignment to an unknown unit',
        () => handle.executeUpdate(msg.reassignUpdate, { args: [{ actor: OFFICE, leadUnit: '区统计局', reason: '调整' }] }),
        '牵头单位不在计划名录中或没有联系邮箱：区统计局',
      ],
      [
        'a reassignment to the same unit',
        () => handle.executeUpdate(msg.reassignUpdate, { args: [{ actor: OFFICE, leadUnit: '区发改委', reason: '调整' }] }),
        '与当前相同',
      ],
      [
        'evidence that is not text',
        () => handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['印发文件', 1 as never] }] }),
        '第2项佐证材料不能为空',
      ],
      [
        'a milestone flag that is not a boolean',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '进展', completesMilestone: 'yes' as never }] }),
        'completesMilestone 应为 true 或 false',
      ],
      [
        'a note far too long',
        () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '长'.repeat(2001) }] }),
        '进展说明过长（最多2000字）',
      ],
      [
        'a calendar refresh by a unit',
        () => handle.executeUpdate(msg.refreshCalendarUpdate, { args: [{ actor: UNIT, years: {} }] }),
        '只有巡察办可以更新节假日安排',
      ],
      [
        'a calendar refresh with a bad date',
        () =>
          handle.executeUpdate(msg.refreshCalendarUpdate, {
            args: [{ actor: OFFICE, years: { '2031': { holidays: ['2031-02-30'], workdays: [] } } }],
          }),
        '2031年的日期无效：2031-02-30',
      ],
      [
        'a reassignment without a reason',
        () => handle.executeUpdate(msg.reassignUpdate, { args: [{ actor: OFFICE, leadUnit: '区财政局', reason: '' }] }),
        '调整理由不能为空',
      ],
    ];
    const before = await settled(handle);
    for (const [name, update, message] of cases) {
      expect([name, await rejection(update())]).toEqual([name, expect.stringContaining(message)]);
    }
    expect(await length(handle)).toBe(before);

    // States that make otherwise good requests wrong: an extension pending, then completion submitted.
    await handle.executeUpdate(msg.requestExtensionUpdate, {
      args: [{ actor: UNIT, newDeadline: deadline.plus({ days: 14 }).toISODate()!, reason: '原因' }],
    });
    const pending = await settled(handle);
    const whilePending: [string, () => Promise<unknown>, string][] = [
      [
        'a second extension request',
        () =>
          handle.executeUpdate(msg.requestExtensionUpdate, {
            args: [{ actor: UNIT, newDeadline: deadline.plus({ days: 21 }).toISODate()!, reason: '原因' }],
          }),
        '已有待审批的延期申请',
      ],
      [
        'a denial without a reason',
        () => handle.executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: OFFICE, approve: false }] }),
        '不批准的理由不能为空',
      ],
      [
        'a decision by the unit',
        () => handle.executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: UNIT, approve: true }] }),
        '只有巡察办可以审批延期',
      ],
    ];
    for (const [name, update, message] of whilePending) {
      expect([name, await rejection(update())]).toEqual([name, expect.stringContaining(message)]);
    }
    expect(await length(handle)).toBe(pending);
    await handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['材料'] }] });
    const afterGood = await settled(handle);
    const later: [string, () => Promise<unknown>, string][] = [
      [
        'a second submission',
        () => handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['材料'] }] }),
        '措施当前状态为“已提交待核验”，不能提交整改完成',
      ],
      [
        'a rejection without a reason',
        () => handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: OFFICE, accept: false }] }),
        '退回理由不能为空',
      ],
      [
        'a decision once completion is submitted',
        () => handle.executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: OFFICE, approve: true }] }),
        '措施当前状态为“已提交待核验”，不能审批延期',
      ],
    ];
    for (const [name, update, message] of later) {
      expect([name, await rejection(update())]).toEqual([name, expect.stringContaining(message)]);
    }
    expect(await length(handle)).toBe(afterGood);
  });

  it('refuses an extension to a date already past, even if later than the deadline', async () => {
    const spec = testSpec({ id: '1.3', deadline: '2024-06-28', calendar: { years: publishedYears() } });
    const handle = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId('drill', '1.3'),
      taskQueue: 'validators',
      args: [{ spec }],
    });
    handles.push(handle);
    expect(
      await rejection(
        handle.executeUpdate(msg.requestExtensionUpdate, { args: [{ actor: UNIT, newDeadline: '2024-07-31', reason: '原因' }] }),
      ),
    ).toMatch(/新时限2024年7月31日应晚于今天（\d{4}年\d{1,2}月\d{1,2}日）/);
    // A date in a year with no published arrangement is refused under the plan's strict rule.
    const unpublished = Math.max(...Object.keys(publishedYears()).map(Number)) + 1;
    expect(
      await rejection(
        handle.executeUpdate(msg.requestExtensionUpdate, { args: [{ actor: UNIT, newDeadline: `${unpublished}-03-03`, reason: '原因' }] }),
      ),
    ).toContain(
      `新时限${unpublished}年3月3日所在的${unpublished}年节假日安排尚未公布，暂不能定为时限；请选${unpublished - 1}年内的日期，或待该年安排公布并导入后再定`,
    );
  });

  it('refuses close-out and extensions for long-term measures', async () => {
    const { handle } = await start('1.2', 'longterm');
    const before = await length(handle);
    expect(await rejection(handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['x'] }] }))).toContain(
      '长期坚持类措施不销号',
    );
    expect(
      await rejection(
        handle.executeUpdate(msg.requestExtensionUpdate, { args: [{ actor: UNIT, newDeadline: '2099-01-05', reason: 'x' }] }),
      ),
    ).toContain('本措施没有整改时限');
    expect(await length(handle)).toBe(before);
  });
  it('refuses 150 fuzzed requests (wrong types, wrong roles, past dates, oversized and control-character text), history untouched', async () => {
    const { handle } = await start('9.1');
    const before = await settled(handle);
    const control = fc.constantFrom('\u0000', '\u001b[2J', '\u202Eevil', 'a\u0007b', '\u007f');
    const badText = fc.oneof(
      fc.constantFrom(undefined, null, 0, 42, true, [], {}, '', '   '),
      control.map((c) => `说明${c}`),
      fc.string({ minLength: 2001, maxLength: 4000 }).map((x) => x.padEnd(2001, '长')),
    );
    const badActor = fc.oneof(
      fc.constantFrom(undefined, null, 7, 'unit:区发改委', [], { role: 'unit' }, { who: '区发改委' }),
      fc.record({ role: fc.string().filter((r) => !['unit', 'office', 'leader', 'leadership'].includes(r)), who: fc.constant('区发改委') }),
      control.map((c) => ({ role: 'unit', who: `区发改委${c}` })),
      fc.constant({ role: 'unit', who: '区'.repeat(101) }),
      fc.constant(OTHER_UNIT),
    );
    const anyActor = fc.oneof(badActor, fc.constant(UNIT));
    type Attempt = { update: string; run: () => Promise<unknown> };
    const attempts: fc.Arbitrary<Attempt> = fc.oneof(
      fc.record({ actor: badActor, note: fc.oneof(badText, fc.constant('进展')) }).map((r) => ({
        update: 'reportProgress',
        run: () => handle.executeUpdate(msg.reportProgressUpdate, { args: [r as never] }),
      })),
      fc.record({ note: badText }).map((r) => ({
        update: 'reportProgress',
        run: () => handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: r.note } as never] }),
      })),
      fc
        .oneof(badText, fc.array(badText, { minLength: 1, maxLength: 3 }), fc.constant(Array.from({ length: 51 }, () => '报告')))
        .map((evidence) => ({
          update: 'submitCompletion',
          run: () => handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence } as never] }),
        })),
      fc.record({ actor: anyActor, accept: fc.anything() }).map((r) => ({
        update: 'verifyCompletion',
        run: () => handle.executeUpdate(msg.verifyCompletionUpdate, { args: [r as never] }),
      })),
      fc
        .record({
          newDeadline: fc.oneof(
            fc.constantFrom('2020-01-08', '1999-12-31', 'tomorrow', '2024-13-01', '', 20251231),
            fc.date({ max: new Date('2025-12-31') }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString().slice(0, 10))),
          ),
          reason: fc.oneof(badText, fc.constant('原因')),
        })
        .map((r) => ({
          update: 'requestExtension',
          run: () => handle.executeUpdate(msg.requestExtensionUpdate, { args: [{ actor: UNIT, ...r } as never] }),
        })),
      fc.record({ actor: anyActor, approve: fc.anything() }).map((r) => ({
        update: 'decideExtension',
        run: () => handle.executeUpdate(msg.decideExtensionUpdate, { args: [r as never] }),
      })),
      fc.record({ actor: badActor, reason: fc.oneof(badText, fc.constant('调整')) }).map((r) => ({
        update: 'reassign',
        run: () => handle.executeUpdate(msg.reassignUpdate, { args: [{ ...r, leadUnit: '区财政局' } as never] }),
      })),
      fc.record({ actor: fc.oneof(badActor, fc.constant(UNIT)), note: fc.oneof(badText, fc.constant(undefined)) }).map((r) => ({
        update: 'remind',
        run: () => handle.executeUpdate(msg.remindUpdate, { args: [r as never] }),
      })),
    );
    const refused = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(attempts, async (a) => {
        const message = await rejection(a.run());
        expect(message.trim().length).toBeGreaterThan(0);
        expect(message).not.toMatch(/TypeError|undefined is not|Cannot read/);
        refused.set(a.update, (refused.get(a.update) ?? 0) + 1);
      }),
      { numRuns: 150 },
    );
    expect([...refused.keys()].sort()).toEqual(
      ['decideExtension', 'reassign', 'remind', 'reportProgress', 'requestExtension', 'submitCompletion', 'verifyCompletion'].sort(),
    );
    // Control characters are named as such (a terminal escape in a note would reach the office's screen).
    expect(await rejection(handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '已完成\u001b[2J' }] }))).toContain(
      '进展说明含有控制字符',
    );
    expect(await length(handle)).toBe(before);
    expect((await handle.query(msg.getStateQuery)).progress.status).toBe('active');
  });
});
