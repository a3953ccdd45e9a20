/**
 * The office changes a running measure's policy (an Update, validated and audited): from then
 * on its reminders and ladder follow the new policy, notice by notice as the planner says.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { FileOutbox } from '../../activities/outbox';
import { measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { publishedYears } from '../../domain/calendar-data';
import type { Actor } from '../../domain/notice';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy';
import { advance, initialProgress } from '../../domain/simulate';
import { measureWorkflow } from '../../workflows';
import { local, rejection, type Row } from '../helpers/lives';
import { aheadSpec, testSpec } from '../helpers/specs';
import { registerSearchAttributes, testServerExecutable, withWorker } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';

Runtime.install({ logger: new DefaultLogger('WARN') });

const OFFICE: Actor = { role: 'office', who: '巡察办督查科' };
const ZONE = 'Asia/Shanghai';

describe('a running measure takes the policy the office applies', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('plans reminders and the ladder with the new policy from the moment it is applied', async () => {
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-outbox-')));
    await withWorker(env, { taskQueue: 'policy', delivery: outbox }, async () => {
      const t0 = await env.currentTimeMs();
      const spec = aheadSpec(t0);
      const deadline = DateTime.fromISO(spec.deadline!, { zone: ZONE });
      const handle = await env.client.workflow.start(measureWorkflow, {
        workflowId: measureWorkflowId(spec.planId, spec.id),
        taskQueue: 'policy',
        args: [{ spec }],
      });

      // Fewer reminders, later in the morning, a faster ladder.
      const policy: Policy = {
        ...DEFAULT_POLICY,
        reminders: { offsetsWorkdays: [3, 0], sendAt: '10:30' },
        escalation: { ...DEFAULT_POLICY.escalation, repeatEveryWorkdays: 2 },
      };
      const update = (actor: Actor, p: Policy) =>
        handle.executeUpdate(msg.updatePolicyUpdate, { args: [{ actor, policy: p, reason: '按新的督办办法调整' }] });
      expect(await rejection(update({ role: 'unit', who: '区发改委' }, policy))).toContain(
        '只有巡察办可以调整提醒规则；单位“区发改委”无权操作',
      );
      const badLadder = { ...policy, escalation: { ...policy.escalation, levels: [{ afterWorkdays: 1, notify: ['leadUnit' as const] }] } };
      expect(await rejection(update(OFFICE, badLadder))).toContain('提醒规则有误：第一级督办应在逾期当日开始');
      const applyAt = await env.currentTimeMs();
      await update(OFFICE, policy);

      const end = deadline.plus({ days: 14 }).toMillis();
      await env.sleep(end - (await env.currentTimeMs()));
      await handle.query(msg.getStateQuery);
      const sent: Row[] = (await outbox.list())
        .filter((n) => n.workflowId === handle.workflowId)
        .map((n) => [local(Date.parse(n.decidedAt)), n.stage, n.audiences.join('+'), n.catchUp]);
      // Before the update nothing was due; after it, what the planner says for the new policy.
      const progress = initialProgress(spec, t0);
      const expected = [...advance(spec, progress, t0, applyAt), ...advance({ ...spec, policy }, progress, applyAt, end)];
      expect(sent).toEqual(expected.map((n): Row => [local(n.sentAt), n.key, n.audiences.join('+'), n.catchUp]));
      expect(sent.slice(0, 3).map(([when, what]) => `${when.slice(11)} ${what}`)).toEqual([
        '10:30 Fri v1:deadline:reminder:3',
        '10:30 Wed v1:deadline:reminder:0',
        '10:30 Thu v1:deadline:overdue:0',
      ]);
      const state = await handle.query(msg.getStateQuery);
      expect(state.spec.policy.reminders).toEqual({ offsetsWorkdays: [3, 0], sendAt: '10:30' });
      expect(state.audit.at(-1)).toMatchObject({
        action: 'policy',
        actor: OFFICE,
        detail: { reason: '按新的督办办法调整', changed: ['reminders', 'escalation'] },
      });
      await handle.terminate('test finished');
    });
  });

  it('brings a measure started before the one due rule under it at its next wake (a named patch)', async () => {
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-outbox-')));
    await withWorker(env, { taskQueue: 'policy', delivery: outbox }, async () => {
      const t0 = await env.currentTimeMs();
      let sunday = DateTime.fromMillis(t0, { zone: ZONE }).startOf('day').plus({ weeks: 3 });
      while (sunday.weekday !== 7) sunday = sunday.plus({ days: 1 });
      // As `rectify start` built specs before the rule: no dueOnWorkday.
      const spec = testSpec({
        id: '1.2',
        deadline: sunday.toISODate()!,
        dueOnWorkday: false,
        calendar: { unpublishedYears: 'weekdays', years: publishedYears() },
      });
      const handle = await env.client.workflow.start(measureWorkflow, {
        workflowId: measureWorkflowId(spec.planId, spec.id),
        taskQueue: 'policy',
        args: [{ spec }],
      });
      const state = await handle.query(msg.getStateQuery);
      const friday = sunday.minus({ days: 2 }).set({ hour: 18 });
      expect(state.spec.dueOnWorkday).toBe(true);
      expect(state.dueAt).toBe(friday.toUTC().toISO());
      expect((await handle.describe()).searchAttributes.Deadline).toEqual([new Date(friday.toMillis())]);
      await recordHistory('life-due-rule-adopted', handle);
      await handle.terminate('test finished');
    });
  });
});
