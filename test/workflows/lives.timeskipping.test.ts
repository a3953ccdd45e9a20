/**
 * Whole lives of measures over a year of simulated time on the real time-skipping server:
 * every notice the workflow sends, and when, equals what the pure planner says for the same
 * actions; people's requests go through the client as Updates.
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
import type { MeasureSpec } from '../../domain/measure';
import type { Actor } from '../../domain/notice';
import { measureWorkflow } from '../../workflows';
import * as msg from '../../contracts/messages';
import { expectedLife, local, rejection, type Action, type Row } from '../helpers/lives';
import { testSpec } from '../helpers/specs';
import { publishedYears } from '../../domain/calendar-data';
import { registerSearchAttributes, testServerExecutable, workflowBundle } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';
import { lookbackWorkflowId, measureWorkflowId, parseMeasureWorkflowId } from '../../contracts/ids';

Runtime.install({ logger: new DefaultLogger('WARN') });

const UNIT: Actor = { role: 'unit', who: '区发改委' };
const OFFICE: Actor = { role: 'office', who: '巡察办督查科' };
const ZONE = 'Asia/Shanghai';

/** Test server time is today's date, so lives run in years the holiday data may not cover yet: Mon–Fri there. */
function lifeSpec(overrides: Partial<MeasureSpec> & Parameters<typeof testSpec>[0]): MeasureSpec {
  return testSpec({ calendar: { unpublishedYears: 'weekdays', years: publishedYears() }, ...overrides });
}

/** The Wednesday `weeks` weeks after the week of `now`, as a date. */
function wednesday(now: number, weeks: number): DateTime {
  let d = DateTime.fromMillis(now, { zone: ZONE }).startOf('day').plus({ weeks });
  while (d.weekday !== 3) d = d.plus({ days: 1 });
  return d;
}

describe('measure lives on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let outbox: FileOutbox;
  let worker: Worker;
  let running: Promise<void>;
  let queue = 0;
  let taskQueue: string;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
  });

  beforeEach(async () => {
    outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-outbox-')));
    taskQueue = `lives-${++queue}`;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ delivery: outbox }),
    });
    running = worker.run();
  });

  // A workflow left running with no worker would hold the test server's clock: end each one.
  let started: WorkflowHandle<typeof measureWorkflow>[] = [];
  afterEach(async () => {
    const reviews = started.map((h) => {
      const { planId, measureId } = parseMeasureWorkflowId(h.workflowId)!;
      return env.client.workflow.getHandle(lookbackWorkflowId(planId, measureId, 1));
    });
    await Promise.all([...started, ...reviews].map((h) => h.terminate('test finished').catch(() => undefined)));
    started = [];
    worker.shutdown();
    await running;
  });

  afterAll(async () => {
    await env?.teardown();
  });

  const now = () => env.currentTimeMs();
  async function sleepUntil(t: DateTime | number): Promise<void> {
    const target = typeof t === 'number' ? t : t.toMillis();
    const ms = target - (await now());
    if (ms > 0) await env.sleep(ms);
  }

  async function start(spec: MeasureSpec): Promise<WorkflowHandle<typeof measureWorkflow>> {
    const handle = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId(spec.planId, spec.id),
      taskQueue,
      args: [{ spec }],
    });
    started.push(handle);
    return handle;
  }

  async function sent(handle: WorkflowHandle<typeof measureWorkflow>): Promise<Row[]> {
    await handle.query(msg.getStateQuery); // the workflow has caught up with the clock
    // The measure's own notices (its look-back reviews, which follow close-out, have theirs).
    return (await outbox.list())
      .filter((n) => n.workflowId === handle.workflowId)
      .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt) || a.stage.localeCompare(b.stage))
      .map((n) => [
        local(Date.parse(n.decidedAt)),
        n.stage.includes(':event:') ? `event:${n.kind}` : n.stage,
        n.audiences.join('+'),
        n.catchUp,
      ]);
  }

  async function record(handle: WorkflowHandle<typeof measureWorkflow>, name: string): Promise<void> {
    await recordHistory(name, handle);
  }

  it('a deadline measure: reminders, the ladder, an extension approved mid-ladder, a rejection, then close-out', async () => {
    const t0 = await now();
    const D = wednesday(t0, 9);
    const spec = lifeSpec({ id: '1.1', deadline: D.toISODate()! });
    const handle = await start(spec);

    // Mid-ladder (level 2 went out on Thursday D+15), the lead unit asks for four more weeks.
    const ask = D.plus({ days: 16 }).set({ hour: 10 });
    const approve = ask.plus({ hours: 1 });
    const D2 = D.plus({ weeks: 6 });
    await sleepUntil(ask);
    await handle.executeUpdate(msg.requestExtensionUpdate, {
      args: [{ actor: UNIT, newDeadline: D2.toISODate()!, reason: '需协调省级部门,材料未齐' }],
    });
    const afterApproval = await handle.executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: OFFICE, approve: true }] });
    expect(afterApproval).toMatchObject({ trafficLight: 'green', deadline: D2.toISODate(), deadlineVersion: 2 });
    const { deadlines } = await handle.query(msg.getStateQuery);
    expect(deadlines.map((d) => [d.deadline, d.reason])).toEqual([
      [D.toISODate(), undefined],
      [D2.toISODate(), '需协调省级部门,材料未齐'],
    ]);

    // Submitted three days before the new deadline; the office sends it back; done a week late.
    const submit1 = D2.minus({ days: 3 }).set({ hour: 15 });
    const reject = submit1.plus({ days: 1 });
    const submit2 = D2.plus({ days: 8 }).set({ hour: 15 });
    const accept = submit2.plus({ days: 1 });
    await sleepUntil(submit1);
    expect(
      (await handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['《若干政策措施》印发文件'] }] })).status,
    ).toBe('submitted');
    await sleepUntil(reject);
    const rejected = await handle.executeUpdate(msg.verifyCompletionUpdate, {
      args: [{ actor: OFFICE, accept: false, reason: '缺少落实情况的佐证' }],
    });
    expect(rejected).toMatchObject({ status: 'active' });
    expect((await handle.query(msg.getStateQuery)).rejections).toMatchObject([{ reason: '缺少落实情况的佐证' }]);
    await sleepUntil(submit2);
    await handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['落实情况报告', '政策兑现台账'] }] });
    await sleepUntil(accept);
    const closed = await handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: OFFICE, accept: true }] });
    expect(closed).toMatchObject({ status: 'closed', trafficLight: 'green' });

    const end = t0 + 365 * 86_400_000;
    await sleepUntil(end);
    const actions: Action[] = [
      { at: ask.toMillis(), events: [['extension-requested', 'office']] },
      {
        at: approve.toMillis(),
        change: (p) => ((p.deadline = D2.toISODate()!), (p.deadlineVersion = 2)),
        events: [['extension-decided', 'leadUnit+leader']],
      },
      { at: submit1.toMillis(), change: (p) => (p.status = 'submitted'), events: [['submitted', 'office']] },
      { at: reject.toMillis(), change: (p) => (p.status = 'active'), events: [['verification-result', 'leadUnit+leader']] },
      { at: submit2.toMillis(), change: (p) => (p.status = 'submitted'), events: [['submitted', 'office']] },
      { at: accept.toMillis(), change: (p) => (p.status = 'closed'), events: [['verification-result', 'leadUnit+leader']] },
    ];
    // Updates happen at "now" of the test clock, which the actions above mirror.
    const rows = await sent(handle);
    const expected = expectedLife(spec, t0, end, actions);
    expect(rows.map(([, what]) => what)).toEqual(expected.map(([, what]) => what));
    expect(rows.filter(([, what]) => !what.startsWith('event:'))).toEqual(expected.filter(([, what]) => !what.startsWith('event:')));
    // Hand-checkable shape: a Wednesday deadline, Mon–Fri: reminders 2 weeks, 1 week, Mon, Tue, Wed before; ladder Thu, Tue, Thu.
    expect(rows.slice(0, 8).map(([when, what]) => `${when.slice(11)} ${what}`)).toEqual([
      '09:00 Wed v1:deadline:reminder:10',
      '09:00 Wed v1:deadline:reminder:5',
      '09:00 Mon v1:deadline:reminder:2',
      '09:00 Tue v1:deadline:reminder:1',
      '09:00 Wed v1:deadline:reminder:0',
      '09:00 Thu v1:deadline:overdue:0',
      '09:00 Tue v1:deadline:overdue:1',
      '09:00 Thu v1:deadline:overdue:2',
    ]);
    // After the rejection the new deadline passed unmet: the v2 ladder ran until the second submission.
    expect(rows.map(([, w]) => w)).toEqual(expect.arrayContaining(['v2:deadline:overdue:0', 'v2:deadline:overdue:1']));
    expect(rows.map(([, w]) => w)).not.toContain('v2:deadline:overdue:2');
    await record(handle, 'life-deadline');
  });

  it('an immediate measure reassigned mid-way, then overdue all year: the ladder repeats at the top', async () => {
    const t0 = await now();
    const D = wednesday(t0, 3);
    const spec = lifeSpec({ id: '1.2', kind: 'immediate', deadline: D.toISODate()! });
    const handle = await start(spec);
    const reassign = D.minus({ days: 8 }).set({ hour: 11 });
    await sleepUntil(reassign);
    const moved = await handle.executeUpdate(msg.reassignUpdate, {
      args: [{ actor: OFFICE, leadUnit: '区财政局', leader: '副区长(分管发展改革、商务)', reason: '职责调整' }],
    });
    expect(moved).toMatchObject({ leadUnit: '区财政局', leader: '副区长(分管发展改革、商务)' });
    // The old lead unit may no longer act.
    expect(await rejection(handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['x'] }] }))).toContain(
      '只有本措施的牵头单位（区财政局）可以这样做',
    );

    const end = t0 + 365 * 86_400_000;
    await sleepUntil(end);
    const rows = await sent(handle);
    expect(rows).toEqual(
      expectedLife(spec, t0, end, [
        { at: reassign.toMillis(), events: [['reassigned', 'leadUnit+leader+previousLeadUnit+previousLeader']] },
      ]),
    );
    const notices = await outbox.list();
    expect(notices.find((n) => n.kind === 'reassigned')).toMatchObject({
      measure: { leadUnit: '区财政局' },
      event: { previousLeadUnit: '区发改委', reason: '职责调整' },
    });
    // Every notice after the reassignment names the new lead unit.
    expect(notices.filter((n) => Date.parse(n.decidedAt) > reassign.toMillis()).every((n) => n.measure.leadUnit === '区财政局')).toBe(true);
    expect(rows.filter(([, w]) => w.includes(':repeat:')).length).toBeGreaterThan(40);
    const state = await handle.query(msg.getStateQuery);
    expect(state.trafficLight).toBe('red');
    expect((await handle.describe()).searchAttributes).toMatchObject({ TrafficLight: ['red'], LeadUnit: ['区财政局'] });
    await record(handle, 'life-immediate-reassigned');
  });

  it('a phased measure: milestones completed one by one, one late', async () => {
    const t0 = await now();
    const M1 = wednesday(t0, 4);
    const M2 = wednesday(t0, 12);
    const D = wednesday(t0, 20);
    const spec = lifeSpec({
      id: '1.3',
      kind: 'phased',
      deadline: D.toISODate()!,
      milestones: [
        { title: '摸清底数', deadline: M1.toISODate()! },
        { title: '集中整治', deadline: M2.toISODate()! },
      ],
    });
    const handle = await start(spec);
    const done1 = M1.minus({ days: 1 }).set({ hour: 16 });
    const done2 = M2.plus({ days: 6 }).set({ hour: 16 }); // after the late-report ladder began
    const submit = D.minus({ days: 2 }).set({ hour: 10 });
    const accept = submit.plus({ hours: 2 });
    await sleepUntil(done1);
    await handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '已完成摸排', completesMilestone: true }] });
    expect((await handle.query(msg.getStateQuery)).progress.milestonesDone).toBe(1);
    await sleepUntil(M2.plus({ days: 1 }).set({ hour: 12 }));
    expect((await handle.query(msg.getStateQuery)).trafficLight).toBe('yellow'); // a milestone report is late
    await sleepUntil(done2);
    await handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '集中整治完成', completesMilestone: true }] });
    await sleepUntil(submit);
    await handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['验收报告'] }] });
    await sleepUntil(accept);
    await handle.executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: OFFICE, accept: true }] });
    const end = t0 + 365 * 86_400_000;
    await sleepUntil(end);
    const rows = await sent(handle);
    expect(rows).toEqual(
      expectedLife(spec, t0, end, [
        { at: done1.toMillis(), change: (p) => (p.milestonesDone = 1) },
        { at: done2.toMillis(), change: (p) => (p.milestonesDone = 2) },
        { at: submit.toMillis(), change: (p) => (p.status = 'submitted'), events: [['submitted', 'office']] },
        { at: accept.toMillis(), change: (p) => (p.status = 'closed'), events: [['verification-result', 'leadUnit+leader']] },
      ]),
    );
    expect(rows.map(([, w]) => w)).toEqual(expect.arrayContaining(['milestone:1:overdue:0', 'milestone:1:overdue:1']));
    expect(rows.map(([, w]) => w).filter((w) => w.startsWith('milestone:0:overdue'))).toEqual([]);
    await record(handle, 'life-phased');
  });

  it('a long-term measure reports every quarter for a year, one report late, and never closes', async () => {
    const t0 = await now();
    const spec = lifeSpec({ id: '1.4', kind: 'longterm', feedbackDate: DateTime.fromMillis(t0, { zone: ZONE }).toISODate()! });
    const handle = await start(spec);
    const state0 = await handle.query(msg.getStateQuery);
    const quarters = state0.progress.reportingFrom;
    expect(quarters).toBe(DateTime.fromMillis(t0, { zone: ZONE }).toISODate());
    const { periodEnds } = await import('../../domain/planner');
    const [q1, q2, q3] = periodEnds('quarterly', quarters, DateTime.fromMillis(t0, { zone: ZONE }).plus({ months: 7 }).toISODate()!);
    const at = (date: string, days: number, hour: number) => DateTime.fromISO(date, { zone: ZONE }).plus({ days }).set({ hour }).toMillis();
    const reports = [at(q1, -3, 14), at(q2, 9, 14), at(q3, -1, 14)]; // Q2's report comes late
    const periods = [q1, q2, q3];
    for (const r of reports) {
      await sleepUntil(r);
      await handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: UNIT, note: '本季度整改进展' }] });
    }
    expect(await rejection(handle.executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['x'] }] }))).toContain(
      '长期坚持类措施不销号',
    );
    const end = t0 + 365 * 86_400_000;
    await sleepUntil(end);
    const rows = await sent(handle);
    expect(rows).toEqual(
      expectedLife(
        spec,
        t0,
        end,
        reports.map((r, i) => ({ at: r, change: (p) => void p.reportsDone.push(periods[i]) })),
      ),
    );
    // Each quarter is asked for; the late one is chased up the ladder.
    expect(rows.map(([, w]) => w)).toEqual(
      expect.arrayContaining([...periods.map((q) => `report:${q}:reminder:5`), `report:${q2}:overdue:0`, `report:${q2}:overdue:1`]),
    );
    const final = await handle.query(msg.getStateQuery);
    expect(final.progress.reportsDone).toEqual(periods);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await record(handle, 'life-longterm');
  });
});
