/**
 * `rectify migrate` between two real Temporal servers (two dev servers, each with its workers and
 * digests, mail to one real SMTP server): a plan with a measure in every state moves with its
 * plan workflow, calendar watch, Schedules (its own, and the roll-up digest when every plan moves),
 * open and decided look-back reviews; every measure's continuation, record and timeline are the
 * same after; the sources end with a note naming the target; the copies act (a review decided on
 * the target reopens its measure there); nothing was sent twice; a run interrupted after any step,
 * run again, finishes the move; a notice handed ahead to tomorrow's digest before the move goes
 * out once, from the target. One piece: the cases share the two servers and their workers, started
 * once (each takes seconds).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { StoredPlans } from '../../activities/mail/stored-plans';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { handOver, startHeldCopy, endSource, type Servers } from '../../client/migrate/copy';
import { campaignSource } from '../../client/lookback';
import { cancelHandOverSignal, getContinuationQuery, movedNote } from '../../contracts/handover';
import {
  calendarWatchWorkflowId,
  leadershipDigestScheduleId,
  ROLLUP_DIGEST_SCHEDULE_ID,
  lookbackWorkflowId,
  MAIL_TASK_QUEUE,
  measureWorkflowId,
  planWorkflowId,
  TASK_QUEUE,
  WORKFLOW,
} from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { DateTime } from 'luxon';
import { createMailWorker, createWorker } from '../../worker/worker';
import { runCli } from '../helpers/cli';
import { recordHistory } from '../helpers/histories';
import { drillPlan } from '../helpers/plans';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { devServerExecutable, freePort, testTemporal, workflowBundle } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });
jest.setTimeout(300_000);

const PLAN = 'move-2026';
const unit = (who = '区发改委') => ({ role: 'unit', who }) as const;
const office = { role: 'office', who: '督查科' } as const;
const M = (n: number, extra = '') =>
  `{ id: "1.${n}", problem: 1, title: 措施${n}, text: 措施${n}的内容。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2027-06-30${extra} }`;
const planText = drillPlan({
  id: PLAN,
  title: '迁移演练计划',
  problems: ['高质量发展成效不显'],
  measures: [
    ...[1, 2, 3, 4, 5, 6, 7].map((n) => M(n)),
    M(8).replace('kind: deadline', 'kind: phased').replace(' }', ', milestones: [{ title: 摸清底数, deadline: 2027-03-31 }] }'),
    M(9).replace('kind: deadline', 'kind: longterm').replace(', deadline: 2027-06-30', ''),
    ...[10, 11, 12].map((n) => M(n)),
  ],
}).replace('feedbackDate: 2024-01-15', 'feedbackDate: 2026-11-02');

interface Side {
  env: TestWorkflowEnvironment;
  address: string;
  namespace: string;
  /** As notes name it: address/namespace. */
  name: string;
  client: Client;
  stop(): Promise<void>;
}

/** The source: a dev server, as the embedded default runs; the target: the same, or a namespace on the cluster in the cluster tier. */
async function side(dir: string, smtp: TestSmtp, mailers: Mailer[], where: 'source' | 'target'): Promise<Side> {
  let env: TestWorkflowEnvironment;
  let address: string;
  let namespace = 'default';
  let teardown: () => Promise<void>;
  if (where === 'target') {
    const t = await testTemporal(dir);
    ({ env, address, namespace } = t);
    teardown = () => t.teardown();
  } else {
    const port = await freePort();
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), port, searchAttributes: ALL_SEARCH_ATTRIBUTES, extraArgs: ['--headless'] },
    });
    address = `127.0.0.1:${port}`;
    teardown = () => env.teardown();
  }
  const mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
  mailers.push(mailer);
  const delivery = new MailDelivery({
    mailer,
    plans: new StoredPlans(env.client, undefined, 0),
    ledger: new SentLedger(join(dir, 'sent')),
    from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
    digests: { client: env.client, taskQueue: MAIL_TASK_QUEUE },
  });
  const deps = { connection: env.nativeConnection, namespace, delivery, campaigns: campaignSource(env.client) };
  const workers: Worker[] = [await createWorker({ ...deps, workflowBundle: await workflowBundle() }), await createMailWorker(deps)];
  const runs = workers.map((w) => w.run());
  return {
    env,
    address,
    namespace,
    name: `${address}/${namespace}`,
    client: env.client,
    stop: async () => {
      for (const w of workers) w.shutdown();
      await Promise.all(runs);
      await teardown();
    },
  };
}

describe('rectify migrate', () => {
  let smtp: TestSmtp;
  const mailers: Mailer[] = [];
  let source: Side;
  let target: Side;
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'rectify-migrate-'));
  const id = (n: number) => measureWorkflowId(PLAN, `1.${n}`);
  const on = (s: Side, n: number) => s.client.workflow.getHandle(id(n));
  const to = () => ['--to', target.address, '--to-namespace', target.namespace];
  /** The two servers as the migration's own steps take them. */
  const both = (): Servers => ({
    source: source.client,
    target: target.client,
    sourceName: source.name,
    targetName: target.name,
    taskQueue: TASK_QUEUE,
  });

  beforeAll(async () => {
    smtp = await startTestSmtp();
    target = await side(join(dir, 'b'), smtp, mailers, 'target');
    source = await side(join(dir, 'a'), smtp, mailers, 'source');
    // The CLI's source is the configured server (here the first); the target is --to.
    process.env.TEMPORAL_ADDRESS = source.address;
    process.env.TEMPORAL_NAMESPACE = 'default';
    process.env.TEMPORAL_CONFIG_FILE = join(dir, 'none.toml');
  }, 180_000);

  afterAll(async () => {
    await source?.stop();
    await target?.stop();
    process.env = saved;
    for (const m of mailers) m.close();
    await smtp?.close();
  });

  it('moves a plan with a measure in every state; the copies go on; nothing is sent twice', async () => {
    writeFileSync(join(dir, 'plan.yaml'), planText);
    expect((await runCli('start', join(dir, 'plan.yaml'))).code).toBe(0);
    const s = (n: number) => on(source, n);
    await s(1).executeUpdate(msg.reportProgressUpdate, { args: [{ actor: unit(), note: '已完成初稿，正在征求意见' }] });
    await s(2).executeUpdate(msg.requestExtensionUpdate, {
      args: [{ actor: unit(), newDeadline: '2027-09-30', reason: '需待上级政策出台' }],
    });
    await s(3).executeUpdate(msg.requestExtensionUpdate, {
      args: [{ actor: unit(), newDeadline: '2027-09-30', reason: '需待上级政策出台' }],
    });
    await s(3).executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: office, approve: true }] });
    await s(4).executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: unit(), evidence: ['整改报告.pdf'], note: '已完成' }] });
    for (const n of [5, 6, 7]) {
      await s(n).executeUpdate(msg.submitCompletionUpdate, { args: [{ actor: unit(), evidence: ['整改报告.pdf'] }] });
      await s(n).executeUpdate(msg.verifyCompletionUpdate, { args: [{ actor: office, accept: true }] });
    }
    for (const n of [6, 7]) await s(n).signal(msg.startLookbackSignal, { campaign: '专项回头看', dueDate: '2027-01-29' });
    const review = (n: number) => lookbackWorkflowId(PLAN, `1.${n}`, 1);
    await until(async () => expect((await source.client.workflow.getHandle(review(7)).describe()).status.name).toBe('RUNNING'));
    await source.client.workflow.getHandle(review(7)).executeUpdate(msg.recordOutcomeUpdate, {
      args: [{ actor: office, outcome: 'relapsed', notes: '问题反弹', newDeadline: '2027-04-30' }],
    });
    await s(8).executeUpdate(msg.reportProgressUpdate, { args: [{ actor: unit(), note: '底数已摸清', completesMilestone: true }] });
    await s(9).executeUpdate(msg.reportProgressUpdate, { args: [{ actor: unit(), note: '本季度已开展学习4次' }] });
    await s(10).executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '请加快进度' }] });
    await s(11).executeUpdate(msg.reassignUpdate, { args: [{ actor: office, leadUnit: '区财政局', reason: '职能调整' }] });
    await s(12).executeUpdate(msg.withdrawMeasureUpdate, { args: [{ actor: office, reason: '并入措施1.1' }] });
    await until(async () => expect((await on(source, 12).describe()).status.name).toBe('COMPLETED'));
    await until(async () => expect((await source.client.workflow.getHandle(review(6)).describe()).status.name).toBe('RUNNING'));
    // Everything people did has been told (the mail has gone): the state to compare is settled.
    const mailsBefore = await settledMailCount(smtp);
    expect(mailsBefore).toBeGreaterThan(8);

    const before = new Map<number, { record: unknown; timeline: unknown; continuation: unknown; timers: unknown }>();
    // When each next wakes and sends, and its light: the copy's timers resume at the same instants.
    const timers = async (h: ReturnType<typeof on>) => {
      const v = await h.query(msg.getStateQuery);
      return {
        nextWakeAt: v.nextWakeAt,
        nextNoticeAt: v.nextNoticeAt,
        dueAt: v.dueAt,
        light: v.trafficLight,
        workdaysLeft: v.workdaysLeft,
      };
    };
    for (let n = 1; n <= 12; n++) {
      const h = on(source, n);
      before.set(n, {
        record: await h.query(msg.getRecordQuery),
        timeline: await h.query(msg.getTimelineQuery),
        continuation: await h.query(getContinuationQuery),
        timers: await timers(h),
      });
    }
    expect(before.get(1)!.timers).toMatchObject({ nextNoticeAt: expect.any(String), dueAt: expect.any(String) });
    // What the office reads: the report as of yesterday, and the live ledger (as a CSV file).
    const yesterday = DateTime.now().setZone('Asia/Shanghai').minus({ days: 1 }).toISODate()!;
    const desk = async (tag: string) => {
      const report = await runCli('report', '--plan', PLAN, '--as-of', yesterday, '--format', 'md');
      const ledger = join(dir, `ledger-${tag}.csv`);
      expect((await runCli('ledger', 'export', '--plan', PLAN, '--out', ledger)).code).toBe(0);
      return { report: report.out, ledger: readFileSync(ledger, 'utf8') };
    };
    const deskBefore = await desk('before');
    expect(deskBefore.report).toContain('迁移演练计划');

    const dry = await runCli('migrate', ...to(), '--plan', PLAN, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('措施：运行中11项，已结束（撤销）1项');
    expect(dry.out).toContain('回头看：进行中1项，已完成1项');
    expect(dry.out).toContain('未做任何改动');
    expect(await exists(target.client, id(1))).toBe(false);

    // The deployment's roll-up digest moves with the plans when they all move (no --plan).
    expect((await runCli('rollup', 'digest', '--name', '市委巡察办', '--to', 'sxcb@example.org', '--at', '10:30')).code).toBe(0);
    const run = await runCli('migrate', ...to());
    expect([run.code, run.err.replace(/措施.*\n?/g, '')]).toEqual([0, '']);
    expect(run.out).toContain('各地区周报：定时任务 rollup-digest');
    expect(run.out).toContain('措施：迁移12，已在目标0');
    expect(run.out).toContain('回头看：迁移2，已在目标0');
    expect(run.out).toContain('计划工作流：迁移1');
    expect(run.out).toContain('日历提醒：迁移1');
    expect(run.out).toContain('周报定时任务：迁移2');

    const note = movedNote(target.name);
    for (let n = 1; n <= 12; n++) {
      const was = before.get(n)!;
      const copy = on(target, n);
      expect([n, await copy.query(msg.getRecordQuery)]).toEqual([n, was.record]);
      expect([n, await copy.query(msg.getTimelineQuery)]).toEqual([n, was.timeline]);
      expect([n, await copy.query(getContinuationQuery)]).toEqual([n, was.continuation]);
      // A withdrawn measure has completed: it has no timers to resume (its old run still shows its last plan).
      if (n !== 12) expect([n, await timers(copy)]).toEqual([n, was.timers]);
      const ended = await on(source, n).describe();
      if (n === 12) expect([ended.status.name, (await copy.describe()).status.name]).toEqual(['COMPLETED', 'COMPLETED']);
      else {
        expect([n, ended.status.name]).toEqual([n, 'TERMINATED']);
        expect(JSON.stringify((await on(source, n).fetchHistory()).events?.at(-1))).toContain(note);
      }
    }
    for (const wf of [planWorkflowId(PLAN), calendarWatchWorkflowId(PLAN)]) {
      expect((await source.client.workflow.getHandle(wf).describe()).status.name).toBe('TERMINATED');
      expect((await target.client.workflow.getHandle(wf).describe()).status.name).toBe('RUNNING');
    }
    expect((await source.client.schedule.getHandle(leadershipDigestScheduleId(PLAN)).describe()).state).toMatchObject({
      paused: true,
      note,
    });
    expect((await target.client.schedule.getHandle(leadershipDigestScheduleId(PLAN)).describe()).state.paused).toBe(false);
    const rollupSource = await source.client.schedule.getHandle(ROLLUP_DIGEST_SCHEDULE_ID).describe();
    const rollupTarget = await target.client.schedule.getHandle(ROLLUP_DIGEST_SCHEDULE_ID).describe();
    expect([rollupSource.state.paused, rollupSource.state.note, rollupTarget.state.paused]).toEqual([true, note, false]);
    expect(rollupTarget.action).toMatchObject({
      args: [expect.objectContaining({ recipients: { name: '市委巡察办', emails: ['sxcb@example.org'] }, at: '10:30' })],
    });
    expect(rollupTarget.spec).toEqual(rollupSource.spec);

    // The office's report and ledger read the same from the target.
    process.env.TEMPORAL_ADDRESS = target.address;
    process.env.TEMPORAL_NAMESPACE = target.namespace;
    try {
      expect(await desk('after')).toEqual(deskBefore);
    } finally {
      process.env.TEMPORAL_ADDRESS = source.address;
      process.env.TEMPORAL_NAMESPACE = 'default';
    }

    // The copies act: the open review, decided on the target, reopens its measure there; requests are taken.
    await target.client.workflow.getHandle(review(6)).executeUpdate(msg.recordOutcomeUpdate, {
      args: [{ actor: office, outcome: 'relapsed', notes: '问题反弹', newDeadline: '2027-05-31' }],
    });
    await until(async () => expect((await on(target, 6).query(msg.getStateQuery)).progress.status).not.toBe('closed'));
    const decided = await on(target, 2).executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: office, approve: true }] });
    expect(decided.deadline).toBe('2027-09-30');
    await settledMailCount(smtp);
    const ids = (await smtp.parsed()).map((m) => m.messageId);
    expect(ids.length).toBeGreaterThan(mailsBefore);
    expect(ids.filter((m, i) => ids.indexOf(m) !== i)).toEqual([]);

    await recordHistory('migrated-measure-source', on(source, 6));
    await recordHistory('migrated-measure-copy', on(target, 6));
    await recordHistory('migrated-review-copy', target.client.workflow.getHandle(review(6)));
    await recordHistory('migrated-calendar-watch-source', source.client.workflow.getHandle(calendarWatchWorkflowId(PLAN)));

    // Run again: everything is there already; nothing changes.
    const again = await runCli('migrate', ...to(), '--plan', PLAN);
    expect(again.code).toBe(0);
    expect(again.out).toContain('措施：迁移0，已在目标12');
  });

  it('a run interrupted after any step finishes the move when run again', async () => {
    const servers = both();
    const plan = 'move-again';
    writeFileSync(join(dir, 'again.yaml'), planText.replaceAll(PLAN, plan));
    expect((await runCli('start', join(dir, 'again.yaml'))).code).toBe(0);
    const wid = (n: number) => measureWorkflowId(plan, `1.${n}`);
    const described = (n: number) => source.client.workflow.getHandle(wid(n)).describe();
    // 1.1 parked; 1.2 parked and copied (held); 1.3 parked, copied, and its source ended: each where a kill could leave it.
    await handOver(servers, wid(1));
    const input2 = await handOver<object>(servers, wid(2));
    await startHeldCopy(servers, WORKFLOW.measure, wid(2), input2, await described(2));
    const input3 = await handOver<object>(servers, wid(3));
    await startHeldCopy(servers, WORKFLOW.measure, wid(3), input3, await described(3));
    await endSource(servers, wid(3));
    // A parked source refuses requests, naming the target; a held copy refuses them too.
    const refusal = (client: Client, workflowId: string) =>
      client.workflow
        .getHandle(workflowId)
        .executeUpdate(msg.remindUpdate, { args: [{ actor: office }] })
        .then(
          () => 'taken',
          (e: Error) => (e.cause as Error | undefined)?.message ?? e.message,
        );
    expect(await refusal(source.client, wid(1))).toBe(`该事项正在迁移至 ${target.name}，请在迁移完成后到新的服务器办理`);
    expect(await refusal(target.client, wid(2))).toBe('该事项是迁移来的副本，尚未启用：请在迁移完成后再办理');

    // A move given up: the source goes on where it parked and takes requests again.
    await handOver(servers, wid(12));
    await source.client.workflow.getHandle(wid(12)).signal(cancelHandOverSignal);
    await until(async () => expect(await refusal(source.client, wid(12))).toBe('taken'));
    await recordHistory('handover-cancelled', source.client.workflow.getHandle(wid(12)));

    const run = await runCli('migrate', ...to(), '--plan', plan);
    expect(run.code).toBe(0);
    expect(run.out).toContain('措施：迁移10，已在目标2');
    for (let n = 1; n <= 12; n++) {
      expect([n, (await described(n)).status.name]).toEqual([n, 'TERMINATED']);
      expect([n, (await target.client.workflow.getHandle(wid(n)).describe()).status.name]).toEqual([n, 'RUNNING']);
    }
    // Released: the copies take requests.
    const urged = await target.client.workflow.getHandle(wid(3)).executeUpdate(msg.remindUpdate, { args: [{ actor: office }] });
    expect(urged.measureId).toBe('1.3');
  });

  it('a copy that does not match its source stops the run, naming the measure; the source goes on', async () => {
    const servers = both();
    const plan = 'move-mismatch';
    writeFileSync(join(dir, 'mismatch.yaml'), planText.replaceAll(PLAN, plan).replace(/measures:\n[\s\S]*$/, `measures:\n  - ${M(1)}\n`));
    expect((await runCli('start', join(dir, 'mismatch.yaml'))).code).toBe(0);
    const wid = measureWorkflowId(plan, '1.1');
    await source.client.workflow.getHandle(wid).executeUpdate(msg.remindUpdate, { args: [{ actor: office }] });
    // On the target, under its id, a held workflow with another state (say, an earlier botched copy).
    const theirs = await source.client.workflow.getHandle(wid).query(getContinuationQuery);
    const other = JSON.parse(JSON.stringify(theirs.input)) as { state: { leadUnit: string } };
    other.state.leadUnit = '区财政局';
    await startHeldCopy(servers, WORKFLOW.measure, wid, other, await source.client.workflow.getHandle(wid).describe());

    const run = await runCli('migrate', ...to(), '--plan', plan);
    expect(run.code).toBe(1);
    expect(run.out).toContain('措施：迁移0，已在目标0，失败1');
    // Named with the first place the states differ (the lead unit, or the urging's delivery if it was still going out when read).
    expect(run.out).toMatch(new RegExp(`未迁移：${wid}：目标服务器上的副本与源端状态不一致（state\\.(leadUnit|deliveries\\.\\d+)）`));
    // The source goes on where it parked: it takes requests again; the mismatched copy is gone.
    await until(async () => expect((await source.client.workflow.getHandle(wid).describe()).status.name).toBe('RUNNING'));
    const urged = await source.client.workflow.getHandle(wid).executeUpdate(msg.remindUpdate, { args: [{ actor: office, force: true }] });
    expect(urged.leadUnit).toBe('区发改委');
    expect((await target.client.workflow.getHandle(wid).describe()).status.name).toBe('TERMINATED');
    // The plan's own workflow stays on the source too (the run stopped before its end).
    expect((await source.client.workflow.getHandle(planWorkflowId(plan)).describe()).status.name).toBe('RUNNING');
  });

  it('a migration killed (SIGKILL) halfway, run again, ends with one copy of each workflow and nothing sent twice', async () => {
    const plan = 'move-killed';
    const count = 60;
    const measures = Array.from({ length: count }, (_, i) => `  - ${M(i + 1)}`);
    writeFileSync(
      join(dir, 'killed.yaml'),
      planText.replaceAll(PLAN, plan).replace(/measures:\n[\s\S]*$/, `measures:\n${measures.join('\n')}\n`),
    );
    expect((await runCli('start', join(dir, 'killed.yaml'))).code).toBe(0);
    const wid = (n: number) => measureWorkflowId(plan, `1.${n}`);
    // Each measure has told something (an urging), so that a copy sending it again would show.
    for (let n = 1; n <= count; n++)
      await source.client.workflow.getHandle(wid(n)).executeUpdate(msg.remindUpdate, { args: [{ actor: office }] });
    await settledMailCount(smtp);

    const child = spawnCli(['migrate', ...to(), '--plan', plan, '--concurrency', '2'], { ...process.env });
    let said = '';
    child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (said += d.toString()));
    // Killed once some measures have moved and others are under way.
    await until(async () => expect(said).toMatch(/措施：(1[2-9]|[2-5]\d)\/60/));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const states = await Promise.all(Array.from({ length: count }, (_, i) => source.client.workflow.getHandle(wid(i + 1)).describe()));
    const moved = states.filter((d) => d.status.name === 'TERMINATED').length;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(count);

    const again = await runCli('migrate', ...to(), '--plan', plan);
    expect(again.code).toBe(0);
    // Those ended before the kill are there; so are copies started (held) for measures under way at the kill.
    const [, fresh, there] = /措施：迁移(\d+)，已在目标(\d+)/.exec(again.out)!.map(Number);
    expect(fresh + there).toBe(count);
    expect(there).toBeGreaterThanOrEqual(moved);
    expect(there).toBeLessThanOrEqual(moved + 2); // at most one under way per lane (--concurrency 2)
    for (let n = 1; n <= count; n++) {
      expect([n, (await source.client.workflow.getHandle(wid(n)).describe()).status.name]).toEqual([n, 'TERMINATED']);
      expect([n, (await target.client.workflow.getHandle(wid(n)).describe()).status.name]).toEqual([n, 'RUNNING']);
    }
    // The copies are released and act; none told anything again.
    await target.client.workflow
      .getHandle(wid(count))
      .executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '迁移后再催', force: true }] });
    await settledMailCount(smtp);
    const ids = (await smtp.parsed()).map((m) => m.messageId);
    expect(ids.filter((m, i) => ids.indexOf(m) !== i)).toEqual([]);
  });
  it('a notice handed ahead to its digest before the move goes out once, from the target, at its instant', async () => {
    // A zone where it is about noon now, so that the send time (a minute or two ahead) and the due time stay within today.
    const hour = DateTime.utc().hour;
    const k = 12 - hour;
    const zone = k === 0 ? 'UTC' : `Etc/GMT${k > 0 ? '-' : '+'}${Math.abs(k)}`;
    const local = DateTime.now().setZone(zone);
    const sendAt = local.plus({ minutes: 2 }).startOf('minute');
    const today = local.toISODate()!;
    const plan = 'move-morning';
    const text = drillPlan({
      id: plan,
      title: '迁移演练计划（晨间提醒）',
      problems: ['高质量发展成效不显'],
      measures: [
        `{ id: "1.1", problem: 1, title: 晨间提醒措施, text: 今日到期。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: ${today} }`,
      ],
    })
      .replace('timeZone: Asia/Shanghai', `timeZone: ${zone}`)
      .replace('feedbackDate: 2024-01-15', `feedbackDate: ${local.minus({ months: 1 }).toISODate()}`)
      // Today a working day in the plan's own arrangement (a weekend made a 调休 working day).
      .replace(
        '  unpublishedYears: weekdays',
        `  unpublishedYears: weekdays\n  years:\n    "${local.year}": { holidays: [], workdays: [${local.weekday >= 6 ? today : ''}] }`,
      )
      .concat(
        `policy:\n  reminders: { offsetsWorkdays: [0], sendAt: "${sendAt.toFormat('HH:mm')}" }\n  dueAt: "${sendAt.plus({ minutes: 30 }).toFormat('HH:mm')}"\n`,
      );
    writeFileSync(join(dir, 'morning.yaml'), text);
    const started = await runCli('start', join(dir, 'morning.yaml'));
    expect([started.code, started.err]).toEqual([0, '']);
    // The measure hands today's reminder to its recipient's digest ahead of the instant (PREPARE_LEAD_MS).
    const digestPrefix = `digest:${plan}:`;
    const heldDigest = async () => {
      for await (const d of source.client.workflow.list({ query: `WorkflowType = 'digestWorkflow' AND ExecutionStatus = 'Running'` }))
        if (
          d.workflowId.startsWith(digestPrefix) &&
          (await source.client.workflow.getHandle(d.workflowId).query(msg.getDigestQuery)).pending > 0
        )
          return d.workflowId;
      return undefined;
    };
    let digestId: string | undefined;
    await until(async () => expect((digestId = await heldDigest())).toBeDefined());
    expect(Date.now()).toBeLessThan(sendAt.toMillis() - 30_000);

    const run = await runCli('migrate', ...to(), '--plan', plan);
    expect(run.code).toBe(0);
    expect(run.out).toContain('汇总邮件：迁移1');
    expect((await source.client.workflow.getHandle(digestId!).describe()).status.name).toBe('TERMINATED');
    // The copy prepared it again, into the target's digest of the same instant.
    await until(async () => expect((await target.client.workflow.getHandle(digestId!).query(msg.getDigestQuery)).pending).toBe(1));

    const reminders = async () => (await smtp.parsed()).filter((m) => (m.text ?? '').includes('晨间提醒措施'));
    expect(await reminders()).toEqual([]);
    await new Promise((r) => setTimeout(r, Math.max(0, sendAt.toMillis() - Date.now())));
    await until(async () => expect((await reminders()).length).toBe(1));
    // And no second copy follows (the source's digest is gone; the target's sent its one).
    await settledMailCount(smtp);
    const sent = await reminders();
    expect(sent.length).toBe(1);
    expect(sent[0].to).toMatchObject({ text: expect.stringContaining('fgw@district.example.org') });
    expect((await target.client.workflow.getHandle(digestId!).query(msg.getDigestQuery)).batches).toBe(1);
  });
});

/** The CLI as operators run it, in a process of its own (the build's entry point), pointed at the source. */
function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [join(__dirname, '../../dist/client/cli/index.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function exists(client: Client, workflowId: string): Promise<boolean> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      () => false,
    );
}

/** The number of mails received once no more arrive for a few seconds. */
async function settledMailCount(smtp: TestSmtp): Promise<number> {
  let last = -1;
  for (;;) {
    const n = (await smtp.parsed()).length;
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 3000));
  }
}

/** Retries an assertion until it holds (workers and visibility catch up asynchronously), at most ~30 s. */
async function until(check: () => Promise<void>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await check();
    } catch (e) {
      if (i >= 150) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
