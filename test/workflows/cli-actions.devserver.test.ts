/**
 * The people's commands end to end: rectify start / extend / decide-extension / complete /
 * verify / reassign / show / status against a real dev server and worker, in process.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { runCli } from '../helpers/cli';
import { createWorker } from '../../worker/worker';
import { FileOutbox } from '../../activities/outbox';
import { eventually, testTemporal, workflowBundle, type TestTemporal } from '../helpers/temporal';
import { calendarAlertsDue, officeSendAt } from '../../domain/calendar-alerts';
import { chinaCalendar, publishedYears } from '../../domain/calendar-data';
import { localDate, plainDateZh } from '../../domain/dates';
import { calendarWatchWorkflowId, ofType, WORKFLOW } from '../../contracts/ids';
import { getCalendarWatchQuery } from '../../contracts/messages';

Runtime.install({ logger: new DefaultLogger('WARN') });

const run = runCli;

describe('rectify commands against a real server', () => {
  let env: TestWorkflowEnvironment;
  let server: TestTemporal;
  let worker: Worker;
  let running: Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-cli-'));
  const plan = join(dir, 'plan.yaml');

  beforeAll(async () => {
    server = await testTemporal(mkdtempSync(join(tmpdir(), 'rectify-server-')));
    env = server.env;
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: server.namespace,
      workflowBundle: await workflowBundle(),
      delivery: new FileOutbox(join(dir, 'outbox')),
    });
    running = worker.run();
    // Extensions must lie ahead, in years the holiday data may not have yet: the plan opts into Mon–Fri there.
    writeFileSync(
      plan,
      readFileSync(join(__dirname, '../fixtures/small-plan.yaml'), 'utf8').replace(
        'timeZone: Asia/Shanghai\n',
        'timeZone: Asia/Shanghai\ncalendar:\n  unpublishedYears: weekdays\n',
      ),
    );
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await server?.teardown();
  });

  it('starts a plan once, then takes each request and reports refusals clearly', async () => {
    expect((await run('start', plan)).out).toContain('新启动3项，已在运行0项');
    expect((await run('start', plan)).out).toContain('新启动0项，已在运行3项');

    let target = DateTime.now().setZone('Asia/Shanghai').plus({ days: 40 });
    while (target.weekday !== 3) target = target.plus({ days: 1 });
    const newDeadline = target.toISODate()!;
    const ask = await run('extend', '1.1', '--as', 'unit:区发改委', '--to', newDeadline, '--reason', '需补充调研');
    expect(ask).toMatchObject({ code: 0 });
    expect(ask.out).toContain('措施1.1“健全政策机制”：整改中');

    const denyWithoutReason = await run('decide-extension', '1.1', '--as', 'office:督查科', '--deny');
    expect(denyWithoutReason.code).toBe(1);
    expect(denyWithoutReason.err).toContain('rectify: 请求被拒绝：不批准的理由不能为空');

    const approve = await run('decide-extension', '1.1', '--as', 'office:督查科', '--approve', '--plan', 'drill-2024');
    expect(approve.out).toContain(
      `整改时限：${Number(newDeadline.slice(0, 4))}年${Number(newDeadline.slice(5, 7))}月${Number(newDeadline.slice(8))}日，剩`,
    );

    const byWrongUnit = await run('complete', '1.1', '--as', 'unit:区财政局', '--evidence', '文件');
    expect(byWrongUnit.err).toContain('只有本措施的牵头单位（区发改委）可以这样做');
    // What it did, then the measure as it stands: recorded, and mailed to the office (the test's outbox names audiences).
    const complete = await run('complete', '1.1', '--as', 'unit:区发改委', '--evidence', '印发文件', '--evidence', '落实台账');
    expect(complete.out.split('\n')).toEqual([
      '已提交整改完成（佐证材料2项），等待巡察办核验。',
      '已通知：巡察办',
      expect.stringContaining('措施1.1“健全政策机制”：已提交待核验'),
    ]);
    expect((await run('verify', '1.1', '--as', 'office:督查科', '--reject', '--reason', '佐证不足')).out).toContain('整改中');
    expect((await run('complete', '1.1', '--as', 'unit:区发改委', '--evidence', '补充材料')).code).toBe(0);
    expect((await run('verify', '1.1', '--as', 'office:督查科', '--accept')).out).toContain('已销号，绿灯');

    expect((await run('reassign', '1.2', '--as', 'office:督查科', '--lead-unit', '区发改委', '--reason', '职责调整')).out).toContain(
      '牵头单位：区发改委',
    );
    const progress = await run('progress', '1.3', '--as', 'unit:区发改委', '--note', '一季度进展');
    expect([progress.code, progress.err]).toEqual([0, '']);
    // 1.3 is long-term: the report answers the oldest open period.
    expect(progress.out).toMatch(
      /^已记录进展报送（截至\d{4}年\d{1,2}月\d{1,2}日的一期）。进展不另发邮件：记入本措施的经过，巡察办在系统中可以看到。\n措施1\.3“/,
    );
    // 催办: the stage the measure is at (1.2 is phased, its stages long past), mailed to that rung's people.
    const remind = await run('remind', '1.2', '--as', 'office:督查科', '--note', '请本周内报送');
    expect(remind.code).toBe(0);
    expect(remind.out).toContain(
      '已催办本措施的当前阶段“阶段节点逾期”，催办说明写入邮件。\n已通知：\n  牵头单位\n  负责区领导\n  巡察办\n  领导小组\n措施1.2“全力稳定外资”：整改中',
    );

    const show = await run('show', '1.1');
    const newDeadlineZh = plainDateZh(newDeadline);
    // In Chinese, as the office reads it: what was done, by whom, with the reasons; closed, never overdue.
    expect(show.out).toContain(`时限调整：第2版为${newDeadlineZh}（需补充调研）`);
    expect(show.out).toContain('类型：限期整改');
    expect(show.out).toMatch(/区发改委 申请延期至\d{4}年\d{1,2}月\d{1,2}日，理由：需补充调研/);
    expect(show.out).toContain('督查科 核验退回，理由：佐证不足');
    expect(show.out).toContain('区发改委 提交整改完成，佐证：补充材料');
    expect(show.out).toContain('督查科 核验通过，销号');
    expect(show.out).not.toMatch(/逾期|extension|verify|\{/);
    const json = JSON.parse((await run('show', '1.1', '--json')).out);
    expect(json.audit.map((a: { action: string }) => a.action)).toEqual([
      'extension-request',
      'extension-decision',
      'submit',
      'verify',
      'submit',
      'verify',
    ]);

    const status = await run('status', '--plan', 'drill-2024', '--json');
    const rows = JSON.parse(status.out);
    expect(rows.map((r: { measureId: string; status: string; leadUnit: string }) => [r.measureId, r.status, r.leadUnit])).toEqual([
      ['1.1', 'closed', '区发改委'],
      ['1.2', 'active', '区发改委'],
      ['1.3', 'active', '区发改委'],
    ]);
  });

  it('warns the office of an unpublished year, then takes the installed notice to running measures and the watch', async () => {
    const outbox = new FileOutbox(join(dir, 'outbox'));
    // rectify start also started the plan's calendar watch: it tells the office of every year
    // nobody has published that is due within 60 days (from 2 November on, next year), on a
    // working day at 09:00: started outside a working morning's send window, it waits for the next.
    const watchHandle = env.client.workflow.getHandle(calendarWatchWorkflowId('drill-2024'));
    const startedAt = (await watchHandle.describe()).startTime.getTime();
    const { due } = calendarAlertsDue(Object.keys(publishedYears()).map(Number), [], localDate(startedAt, 'Asia/Shanghai'));
    const sendAt = officeSendAt(startedAt, '09:00', 'Asia/Shanghai', chinaCalendar({ unpublishedYears: 'statutory' }));
    if (due.length && sendAt > startedAt) {
      const waiting = await eventually(
        () => watchHandle.query(getCalendarWatchQuery),
        (v) => v.nextCheckAt !== undefined,
      );
      expect(waiting.nextCheckAt).toBe(new Date(sendAt).toISOString());
      expect(await outbox.alerts()).toEqual([]);
    } else {
      const alerts = await eventually(
        () => outbox.alerts(),
        (a) => a.length === due.length,
      );
      expect(alerts.map((a) => [a.planId, a.year])).toEqual(due.map((y) => ['drill-2024', y]));
    }

    process.env.RECTIFY_CALENDAR_DIR = join(dir, 'calendar');
    const notice = join(__dirname, '../fixtures/notices/2027-newspaper.txt');
    expect((await run('calendar', 'import', notice, '--install')).code).toBe(0);
    const refresh = await run('calendar', 'refresh', '--plan', 'drill-2024', '--as', 'office:督查科');
    expect(refresh).toMatchObject({ code: 0, err: '' });
    expect(refresh.out).toContain('已向3项运行中的措施更新节假日安排（已公布至2027年');
    const state = JSON.parse((await run('show', '1.3', '--json', '--details')).out);
    expect(state.calendarYears['2027'].workdays).toEqual(['2027-02-14', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09']);
    expect(state.audit.at(-1)).toMatchObject({ action: 'calendar', actor: { role: 'office', who: '督查科' } });
    expect((await watchHandle.query(getCalendarWatchQuery)).published).toContain(2027);
    // A plan started before calendar watches existed (here: its watch gone) gets one from the next refresh.
    await watchHandle.terminate('as if it had never been started');
    await eventually(
      () => env.client.workflow.count(`${ofType(WORKFLOW.calendarWatch)} AND ExecutionStatus = 'Running'`),
      (c) => c.count === 0,
    );
    expect((await run('calendar', 'refresh', '--as', 'office:督查科')).out).toContain(
      '计划 drill-2024：已启动节假日安排提醒（calendar:drill-2024）',
    );
    const restarted = env.client.workflow.getHandle(calendarWatchWorkflowId('drill-2024'));
    expect((await restarted.describe()).status.name).toBe('RUNNING');
    expect((await restarted.query(getCalendarWatchQuery)).published).toContain(2027);
    // A unit may not push calendars.
    expect((await run('calendar', 'refresh', '--as', 'unit:区发改委')).err).toContain('请求被拒绝');
  });

  it('answers unknown plans, units, measures and reviews with what there is, never an internal id', async () => {
    const plan = await run('status', '--plan', 'nosuch');
    expect(plan).toMatchObject({ code: 1, err: 'rectify: 没有运行中的计划 nosuch（运行中的计划：drill-2024）' });
    expect((await run('status', '--unit', '区发委')).err).toBe('rectify: 没有牵头单位“区发委”的运行中措施（是不是“区发改委”？）');
    expect((await run('show', '9.9', '--plan', 'drill-2024')).err).toBe(
      'rectify: 计划 drill-2024 中没有措施9.9（用“rectify status --plan drill-2024”列出该计划的措施）',
    );
    expect((await run('show', '1.1', '--plan', 'nosuch')).err).toContain('没有运行中的计划 nosuch');
    const review = await run('lookback', 'record', '1.2', '--round', '1', '--as', 'office:督查科', '--sustained', '--notes', '巩固');
    expect(review).toMatchObject({ code: 1, err: 'rectify: 措施1.2没有第1次回头看（尚未开展回头看）' });
    for (const r of [plan, review]) expect(r.err).not.toMatch(/measure:|lookback:|workflow|undefined/);
    const status = await run('status', '--plan', 'drill-2024');
    expect(status.out.split('\n')[0]).toBe('措施\t灯\t状态\t整改时限\t剩余工作日\t牵头单位\t负责区领导\t回头看');
    expect(status.out).toMatch(/^1\.1\t绿灯\t已销号\t\d{4}年/m);
    expect(status.out).toMatch(/^共3项：红灯\d项，黄灯\d项，绿灯\d项，已销号\d项$/m);
    const rows = JSON.parse((await run('status', '--plan', 'drill-2024', '--json')).out);
    expect(rows.find((r: { measureId: string }) => r.measureId === '1.1').workdaysLeft).toBeUndefined(); // closed
    expect(typeof rows.find((r: { measureId: string }) => r.measureId === '1.2').workdaysLeft).toBe('number');
  });

  it('refuses malformed commands before contacting the server', async () => {
    const badActor = await run('complete', '1.1', '--as', 'boss:区发改委', '--evidence', 'x');
    expect(badActor).toMatchObject({ code: 1 });
    expect(badActor.err).toContain('--as 应为 <角色>:<名称>');
    expect((await run('verify', '1.1', '--as', 'office:x')).err).toContain('请在 --accept 和 --reject 中选一个');
    expect((await run('extend', '1.1', '--as', 'unit:区发改委', '--to', '2024-08-30')).err).toContain('缺少 --reason');
    expect((await run('show', '9.9')).err).toContain('找不到措施9.9');
  });
});
