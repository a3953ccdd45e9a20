/**
 * Notices reach a recipient's group robots beside its mail, on a real dev server with mail to a
 * real SMTP server and the robots' local double (test/helpers/chat-double.ts): an urging goes to
 * the lead unit's 企业微信 robot once, in the chat's words, and its timeline (the query, `rectify
 * show --timeline`, the measure's page) says which channels carried it; the same notice delivered
 * again (a retried activity) posts nothing more; a robot whose key is wrong is reported to the
 * office by mail and to the office's robots, and the office's own robot that refuses the report
 * starts no report of its own; a unit with two mailboxes has its robot told once; the weekly
 * digest and the calendar alert reach the leadership group's and the office's robots once; when a
 * mailbox refuses, the robot alone carries the notice and its copy says so; every message is
 * counted by channel and outcome.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, noopMetricMeter, type MetricCounter, type MetricMeter, type MetricTags } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { postToRobot, robotHosts } from '../../activities/chat/robots';
import { MailDelivery } from '../../activities/mail/delivery';
import { meteredMailer } from '../../activities/metrics';
import { buildWebApp } from '../../client/web/server';
import { calendarAlert } from '../../domain/calendar-alerts';
import { chinaCalendar } from '../../domain/calendar-data';
import { timelineLines } from '../../client/cli/measure-lines';
import { weeklyDigest } from '../../domain/weekly';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { readSecret } from '../../config/chat-secrets';
import { calendarAlertKey, measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { runCli } from '../helpers/cli';
import { startChatDouble, type AcceptedPost, type ChatDouble } from '../helpers/chat-double';
import { drillPlan } from '../helpers/plans';
import { testNotice } from '../helpers/notices';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'chat-2026';
const office = { role: 'office', who: '督查科' } as const;
const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划（群机器人）',
  problems: ['高质量发展成效不显'],
  measures: [
    `{ id: "1.1", problem: 1, title: 健全政策机制, text: 出台政策。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2027-06-30 }`,
    `{ id: "1.2", problem: 1, title: 清查闲置资产, text: 清查。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2027-06-30 }`,
  ],
})
  .replace(
    '      emails: [fgw@district.example.org]',
    '      emails: [fgw@district.example.org, fgw2@district.example.org]\n      channels:\n        - { platform: wecom, key: { env: TEST_WECOM_KEY_FGW } }',
  )
  .replace(
    '      emails: [czj@district.example.org]',
    '      emails: [czj@district.example.org]\n      channels:\n        - { platform: dingtalk, token: { env: TEST_DT_TOKEN_CZJ }, secret: { env: TEST_DT_SECRET_CZJ } }',
  )
  // The office's 企业微信 robot, and a 飞书 bot since removed from its group; the leadership group's signing 飞书 bot.
  .replace(
    '    emails: [xunchaban@district.example.org]',
    '    emails: [xunchaban@district.example.org]\n    channels:\n      - { platform: wecom, key: { env: TEST_WECOM_KEY_OFFICE } }\n      - { platform: feishu, hook: { env: TEST_FEISHU_HOOK_OFFICE } }',
  )
  .replace(
    '    emails: [leading-group@district.example.org]',
    '    emails: [leading-group@district.example.org]\n    channels:\n      - { platform: feishu, hook: { env: TEST_FEISHU_HOOK_GROUP }, secret: { env: TEST_FEISHU_SECRET_GROUP } }',
  );

describe('group robots beside mail', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let double: ChatDouble;
  let delivery: MailDelivery;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-chat-delivery-'));
  const secrets: NodeJS.ProcessEnv = {
    TEST_WECOM_KEY_FGW: 'wecom-fgw',
    TEST_DT_TOKEN_CZJ: 'not-the-token',
    TEST_DT_SECRET_CZJ: 'SECczj',
    TEST_WECOM_KEY_OFFICE: 'wecom-office',
    TEST_FEISHU_HOOK_OFFICE: 'feishu-removed',
    TEST_FEISHU_HOOK_GROUP: 'feishu-group',
    TEST_FEISHU_SECRET_GROUP: 'SECgroup',
  };
  const hosts = () =>
    robotHosts({ RECTIFY_CHAT_WECOM_URL: double.url, RECTIFY_CHAT_DINGTALK_URL: double.url, RECTIFY_CHAT_FEISHU_URL: double.url });
  const posts = (key: string) => double.accepted.filter((p) => p.key === key);
  /** What the group reads: 企业微信's markdown, or 飞书's card (its header, then its text). */
  const postText = (p: AcceptedPost): string => {
    const b = p.body as {
      markdown?: { content: string };
      card?: { header: { title: { content: string } }; elements: { text: { content: string } }[] };
    };
    return b.markdown?.content ?? [b.card!.header.title.content, ...b.card!.elements.map((e) => e.text.content)].join('\n');
  };
  const postTitle = (p: AcceptedPost): string => postText(p).split('\n')[0].replace(/^### /, '');
  const handle = (id: string) => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id));

  beforeAll(async () => {
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(planPath, PLAN);
    double = await startChatDouble([
      { platform: 'wecom', key: 'wecom-fgw' },
      { platform: 'dingtalk', key: 'dingtalk-czj', secret: 'SECczj' },
      { platform: 'wecom', key: 'wecom-office' },
      { platform: 'feishu', key: 'feishu-group', secret: 'SECgroup' },
    ]);
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
    delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory([planPath]),
      ledger: new SentLedger(join(dir, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
      chat: { hosts: hosts(), secret: (ref) => readSecret(ref, secrets) },
    });
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
    expect((await runCli('start', planPath)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await double?.close();
    await stack?.stop();
  });

  const settled = async <T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
    for (let i = 0; ; i++) {
      const v = await read();
      if (ok(v) || i > 100) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('an urging reaches the lead unit’s robot once, in the chat’s words, beside its two mails', async () => {
    await handle('1.1').executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '请加快进度' }] });
    const posts = await settled(
      async () => double.accepted.filter((p) => p.key === 'wecom-fgw'),
      (p) => p.length >= 1,
    );
    expect(posts).toHaveLength(1);
    const content = (posts[0].body as { markdown: { content: string } }).markdown.content;
    expect(content).toMatch(/^### 【催办】措施1\.1“健全政策机制”/);
    expect(content).toContain('**【');
    expect(content).toContain('牵头单位：区发改委；负责区领导：区委常委、常务副区长');
    // Both mailboxes got the mail; the robot, once.
    const mails = await settled(
      () => smtp.parsed(),
      (m) => m.filter((x) => /fgw2?@/.test(JSON.stringify(x.to))).length >= 2,
    );
    expect(mails.filter((x) => /fgw2?@/.test(JSON.stringify(x.to))).map((x) => x.subject)).toEqual([
      expect.stringContaining('【催办】'),
      expect.stringContaining('【催办】'),
    ]);
    expect(double.accepted.filter((p) => p.key === 'wecom-fgw')).toHaveLength(1);
  });

  it('the timeline says which channels carried the urging: the query, rectify show --timeline and the measure’s page', async () => {
    const timeline = await settled(
      () => handle('1.1').query(msg.getTimelineQuery),
      (t) => t.some((e) => e.kind === 'notice' && (e.to ?? []).some((c) => c.channels.includes('企业微信'))),
    );
    const urged = timeline.filter((e) => e.kind === 'notice').at(-1)!;
    expect(urged.what).toBe('发出“催办”（致牵头单位）');
    // The robot is told once, by the unit's first address: its copy names both channels, the second mailbox's mail alone.
    expect(urged.to!.map((c) => [c.label, c.channels])).toEqual([
      ['牵头单位·区发改委 <fgw@district.example.org>', '邮件、企业微信'],
      ['牵头单位·区发改委 <fgw2@district.example.org>', '邮件'],
    ]);
    const shown = await runCli('show', '1.1', '--plan', PLAN_ID, '--timeline');
    expect(shown.code).toBe(0);
    const lines = shown.out.split('\n').filter((l) => l.includes('→'));
    expect(lines).toEqual(timelineLines(timeline, 'Asia/Shanghai').filter((l) => l.includes('→')));
    expect(lines[0]).toMatch(
      /^ {4}→ 牵头单位·区发改委 <fgw@district\.example\.org> {2}经邮件、企业微信 {2}Message-ID <[0-9a-f]+@district\.example\.org>$/,
    );
    expect(lines[1]).toMatch(/^ {4}→ 牵头单位·区发改委 <fgw2@district\.example\.org> {2}经邮件 {2}Message-ID </);
    mkdirSync(join(__dirname, '../../test-output'), { recursive: true });
    writeFileSync(join(__dirname, '../../test-output/chat-timeline.txt'), shown.out);
    const app = await buildWebApp({ client: env.client, namespace: stack.namespace, cacheMs: 0, ...webAccess() });
    try {
      const page = await app.inject({ url: `/measures/${PLAN_ID}/1.1` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/牵头单位·区发改委 &lt;fgw@district\.example\.org&gt; · 经邮件、企业微信 · Message-ID <code>/);
      expect(page.body).toMatch(/牵头单位·区发改委 &lt;fgw2@district\.example\.org&gt; · 经邮件 · Message-ID <code>/);
    } finally {
      await app.close();
    }
  });

  it('a notice delivered again (a retried activity) posts nothing more: the post is kept like an SMTP acceptance', async () => {
    const notice = testNotice(
      { kind: 'reminder', workdaysBefore: 5, stage: 'retry-drill' },
      { planId: PLAN_ID, id: '1.1', leadUnit: '区发改委' },
    );
    const posts = () => double.accepted.filter((p) => p.key === 'wecom-fgw').length;
    const before = posts();
    const first = await delivery.deliver(notice);
    expect(first.delivered).toBe(true);
    expect(posts()).toBe(before + 1);
    await delivery.deliver(notice);
    expect(posts()).toBe(before + 1);
  });

  it('a morning’s digest goes to the robot as one message, once', async () => {
    const notices = ['1.1', '1.2'].map((id, i) =>
      testNotice({ kind: 'reminder', workdaysBefore: 5, stage: `digest-drill-${i}` }, { planId: PLAN_ID, id, leadUnit: '区发改委' }),
    );
    const recipient = { email: 'fgw@district.example.org', name: '区发改委', audience: 'leadUnit' as const };
    const posts = () => double.accepted.filter((p) => p.key === 'wecom-fgw');
    const before = posts().length;
    const batch = { planId: PLAN_ID, recipient, notices, digestKey: 'digest:chat-2026:drill#1' };
    expect((await delivery.sendDigest(batch)).delivered).toBe(true);
    await delivery.sendDigest(batch);
    expect(posts().length).toBe(before + 1);
    const content = (posts().at(-1)!.body as { markdown: { content: string } }).markdown.content;
    expect(content).toMatch(/^### 【整改提醒汇总】.+共2项：/);
    expect(content).toContain('措施1.1“');
    expect(content).toContain('措施1.2“');
  });

  it('a throttled robot retries the activity after the platform’s wait; the mail already sent is not sent again', async () => {
    const notice = testNotice(
      { kind: 'reminder', workdaysBefore: 2, stage: 'throttle-drill' },
      { planId: PLAN_ID, id: '1.1', leadUnit: '区发改委' },
    );
    // The robot has had its twenty this minute.
    const hosts = robotHosts({ RECTIFY_CHAT_WECOM_URL: double.url });
    for (let i = double.accepted.filter((p) => p.key === 'wecom-fgw').length; i < 20; i++)
      await postToRobot(
        { platform: 'wecom', key: { env: 'K' } },
        { msgtype: 'text', text: { content: `填满${i}` } },
        () => 'wecom-fgw',
        hosts,
      );
    const mailsBefore = (await smtp.parsed()).length;
    const failure = await delivery.deliver(notice).then(
      () => undefined,
      (e: ApplicationFailure) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect([failure?.type, failure?.nextRetryDelay, failure?.nonRetryable]).toEqual(['ChatThrottled', 60_000, false]);
    expect(failure?.message).toContain('区发改委的企业微信群机器人限流（45009');
    const mailed = (await smtp.parsed()).length - mailsBefore;
    expect(mailed).toBe(2); // both mailboxes, before the robot
    // The retry (here at once; Temporal waits the minute): the mails are in the sent-ledger, only the robot is tried again.
    await delivery.deliver(notice).catch(() => undefined);
    expect((await smtp.parsed()).length - mailsBefore).toBe(2);
  });

  it('a robot that refuses for good (a wrong token) is reported to the office by mail, naming it and the answer', async () => {
    const before = (await smtp.parsed()).length;
    await handle('1.2').executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '请加快进度' }] });
    const report = await settled(
      async () =>
        (await smtp.parsed()).slice(before).find((m) => /xunchaban@/.test(JSON.stringify(m.to)) && (m.text ?? '').includes('钉钉群机器人')),
      (m) => m !== undefined,
    );
    expect(report?.text).toContain('区财政局的钉钉群机器人：access_token不存在（400101）');
    // Kept to be looked at as the office reads it.
    mkdirSync(join(__dirname, '../../test-output/mails'), { recursive: true });
    writeFileSync(join(__dirname, '../../test-output/mails/robot-report.txt'), `${report?.subject}\n\n${report?.text}`);
    expect(report?.text).toContain('请核对其 key、token 或密钥');
    expect(double.answers.filter((a) => a.platform === 'dingtalk').map((a) => a.code)).toEqual([400101]);
    expect(double.accepted.filter((p) => p.platform === 'dingtalk')).toEqual([]);
    // The report goes to the office's robots too, in the mail's words; the one removed from its group refuses it.
    const reported = await settled(
      async () => posts('wecom-office').filter((p) => postTitle(p).startsWith('【通知未送达】')),
      (p) => p.length >= 1,
    );
    expect(reported.map(postTitle)).toEqual(['【通知未送达】措施1.2“清查闲置资产”']);
    expect(postText(reported[0])).toContain('· 区财政局的钉钉群机器人：access_token不存在（400101）');
    // The report's answers only: in the morning's send window the office's overdue catch-ups reach that robot too.
    const refusedReports = () => double.answers.filter((a) => a.key === 'feishu-removed' && a.raw.includes('通知未送达'));
    await settled(
      async () => refusedReports(),
      (a) => a.length >= 1,
    );
    // No report about the report: the office's own robot refusing it is logged, not mailed, and nothing goes round again
    // (read once the measure has the notice's outcome, when its delivery, the report included, is over).
    await settled(
      () => handle('1.2').query(msg.getTimelineQuery),
      (t) => t.some((e) => e.kind === 'notice' && (e.problems ?? []).length > 0),
    );
    const toOffice = (await smtp.parsed()).slice(before).filter((m) => /xunchaban@/.test(JSON.stringify(m.to)));
    expect(toOffice.map((m) => m.subject)).toEqual(['【通知未送达】措施1.2“清查闲置资产”']);
    expect(refusedReports().map((a) => a.code)).toEqual([19001]);
    expect(posts('wecom-office').filter((p) => postTitle(p).startsWith('【通知未送达】'))).toHaveLength(1);
  });

  it('the weekly digest reaches the leadership group’s and the office’s robots once, after their mail', async () => {
    const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
    const to = Date.parse('2026-11-09T09:00:00+08:00');
    const week = { ...weeklyDigest([], to - 7 * 86_400_000, to, calendar), planId: PLAN_ID, planTitle: '演练计划（群机器人）', open: 2 };
    const before = (await smtp.parsed()).length;
    const first = await delivery.sendWeekly(week);
    const again = await delivery.sendWeekly(week); // a retried activity
    expect(first.sent).toEqual(['leading-group@district.example.org', 'xunchaban@district.example.org']);
    expect(first.robots).toEqual(['区委巡视整改工作领导小组的飞书群机器人', '区委巡察办的企业微信群机器人']);
    expect(again.robots).toEqual(first.robots);
    // The office's removed bot: a line in the result and the log, never a report that could go round.
    expect(first.problems).toEqual(['区委巡察办的飞书群机器人：param invalid: incoming webhook access token invalid（19001）']);
    const mails = (await smtp.parsed()).slice(before);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^【领导小组周报】/), expect.stringMatching(/^【领导小组周报】/)]);
    const weekly = (key: string) => posts(key).filter((p) => postTitle(p) === mails[0].subject);
    expect(weekly('feishu-group')).toHaveLength(1);
    expect(weekly('wecom-office')).toHaveLength(1);
    expect(postText(weekly('feishu-group')[0])).toContain('请领导小组关注逾期、督办和反弹回潮的措施');
    expect(postText(weekly('wecom-office')[0])).toContain('请巡察办跟踪督办逾期和反弹回潮的措施');
    // Kept to be read as the group reads them.
    mkdirSync(join(__dirname, '../../test-output/chat'), { recursive: true });
    writeFileSync(join(__dirname, '../../test-output/chat/weekly-feishu.md'), postText(weekly('feishu-group')[0]));
    writeFileSync(
      join(__dirname, '../../test-output/chat/report-wecom.md'),
      postText(posts('wecom-office').find((p) => postTitle(p).startsWith('【通知未送达】'))!),
    );
  });

  it('the calendar alert reaches the office’s robot once', async () => {
    const alert = calendarAlert(PLAN_ID, 2099, '2098-11-02', calendarAlertKey(PLAN_ID, 2099));
    const first = await delivery.alertOffice(alert);
    await delivery.alertOffice(alert);
    expect(first.delivered).toBe(true);
    const alerts = posts('wecom-office').filter((p) => postTitle(p) === '【节假日安排待导入】2099年节假日安排尚未收录');
    expect(alerts).toHaveLength(1);
    expect(postText(alerts[0])).toContain('请将通知全文交系统管理员导入');
  });

  it('a mailbox that refuses: the robot alone carries the notice, and its copy says so; the alert counts as told', async () => {
    const office = 'xunchaban@district.example.org';
    smtp.rejectRecipients.add(office);
    try {
      const submitted = testNotice(
        {
          kind: 'submitted',
          audiences: ['office'],
          stage: 'refused-mailbox',
          event: { actor: { role: 'unit', who: '区财政局' }, evidence: ['清查台账'] },
        },
        { planId: PLAN_ID, id: '1.2', leadUnit: '区财政局' },
      );
      const result = await delivery.deliver(submitted);
      expect(result.sent).toEqual([{ name: '区委巡察办', email: office, audience: 'office', channels: ['wecom'] }]);
      expect(result.delivered).toBe(true);
      expect(result.problems).toEqual([
        expect.stringMatching(/^区委巡察办 <xunchaban@district\.example\.org>: .*550/),
        '区委巡察办的飞书群机器人：param invalid: incoming webhook access token invalid（19001）',
      ]);
      expect(posts('wecom-office').filter((p) => postTitle(p).startsWith('【待核验】'))).toHaveLength(1);
      // The calendar watch's alert: taken by the office's robot though its mailbox refused, so not tried again tomorrow.
      const alert = calendarAlert(PLAN_ID, 2098, '2097-11-02', calendarAlertKey(PLAN_ID, 2098));
      expect(await delivery.alertOffice(alert)).toEqual({
        delivered: true,
        problems: [expect.stringContaining('550'), expect.stringContaining('区委巡察办的飞书群机器人')],
      });
    } finally {
      smtp.rejectRecipients.delete(office);
    }
  });

  it('counts every message by channel and outcome (rectify_deliveries_total)', async () => {
    const counted: Record<string, number> = {};
    const counter = (name: string) =>
      ({
        ...noopMetricMeter.createCounter(name),
        add: (value: number, tags: MetricTags = {}) => {
          const key = `${name}{channel=${String(tags.channel)},outcome=${String(tags.outcome)}}`;
          counted[key] = (counted[key] ?? 0) + value;
        },
      }) as unknown as MetricCounter;
    const metricMeter: MetricMeter = Object.assign(Object.create(noopMetricMeter) as MetricMeter, { createCounter: counter });
    const activity = new MockActivityEnvironment({}, { metricMeter });
    // A worker's delivery (its mailer metered), with a ledger of its own: everything goes out again.
    const metered = new MailDelivery({
      mailer: meteredMailer(mailer),
      plans: new PlanDirectory([join(dir, 'plan.yaml')]),
      ledger: new SentLedger(join(dir, 'sent-metrics')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
      chat: { hosts: hosts(), secret: (ref) => readSecret(ref, secrets) },
    });
    // 区财政局: its mail taken, its robot's token refused; the report: its mail and the office's 企业微信 taken, the removed 飞书 refusing.
    const czj = testNotice(
      { kind: 'reminder', workdaysBefore: 5, stage: 'metrics-drill' },
      { planId: PLAN_ID, id: '1.2', leadUnit: '区财政局' },
    );
    await activity.run(() => metered.deliver(czj));
    // 区发改委's robot over its twenty a minute: both mails taken, the robot throttled.
    const fill = { platform: 'wecom' as const, key: { env: 'K' } };
    for (let i = 0; i < 25; i++) {
      const answer = await postToRobot(fill, { msgtype: 'text', text: { content: `填满${i}` } }, () => 'wecom-fgw', hosts());
      if (answer.outcome === 'throttled') break;
    }
    const fgw = testNotice(
      { kind: 'reminder', workdaysBefore: 2, stage: 'metrics-throttle' },
      { planId: PLAN_ID, id: '1.1', leadUnit: '区发改委' },
    );
    const throttled = await activity.run(() => metered.deliver(fgw)).catch((e: ApplicationFailure) => e);
    expect(throttled).toMatchObject({ type: 'ChatThrottled' });
    expect(counted).toEqual({
      'rectify_deliveries{channel=mail,outcome=accepted}': 4,
      'rectify_deliveries{channel=dingtalk,outcome=refused}': 1,
      'rectify_deliveries{channel=wecom,outcome=accepted}': 1,
      'rectify_deliveries{channel=feishu,outcome=refused}': 1,
      'rectify_deliveries{channel=wecom,outcome=throttled}': 1,
    });
  });
});
