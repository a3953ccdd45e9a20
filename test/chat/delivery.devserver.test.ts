/**
 * Notices reach a recipient's group robots beside its mail, on a real dev server with mail to a
 * real SMTP server and the robots' local double (test/helpers/chat-double.ts): an urging goes to
 * the lead unit's 企业微信 robot once, in the chat's words; the same notice delivered again (a
 * retried activity) posts nothing more; a robot whose key is wrong is reported to the office
 * by mail, naming the robot and the platform's answer; a unit with two mailboxes has its robot
 * told once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { postToRobot, robotHosts } from '../../activities/chat/robots';
import { MailDelivery } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { readSecret } from '../../config/chat-secrets';
import { measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { runCli } from '../helpers/cli';
import { startChatDouble, type ChatDouble } from '../helpers/chat-double';
import { drillPlan } from '../helpers/plans';
import { testNotice } from '../helpers/notices';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startDevStack, type DevStack } from '../helpers/temporal';

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
  );

describe('group robots beside mail', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let double: ChatDouble;
  let delivery: MailDelivery;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-chat-delivery-'));
  const secrets: NodeJS.ProcessEnv = { TEST_WECOM_KEY_FGW: 'wecom-fgw', TEST_DT_TOKEN_CZJ: 'not-the-token', TEST_DT_SECRET_CZJ: 'SECczj' };
  const handle = (id: string) => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id));

  beforeAll(async () => {
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(planPath, PLAN);
    double = await startChatDouble([
      { platform: 'wecom', key: 'wecom-fgw' },
      { platform: 'dingtalk', key: 'dingtalk-czj', secret: 'SECczj' },
    ]);
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
    delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory([planPath]),
      ledger: new SentLedger(join(dir, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
      chat: {
        hosts: robotHosts({
          RECTIFY_CHAT_WECOM_URL: double.url,
          RECTIFY_CHAT_DINGTALK_URL: double.url,
          RECTIFY_CHAT_FEISHU_URL: double.url,
        }),
        secret: (ref) => readSecret(ref, secrets),
      },
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
  });
});
