/// <reference lib="dom" />
/**
 * Acting from a mail, end to end, in a real browser (Debian's chromium via puppeteer-core) on a
 * real dev server, mail through a real SMTP server in process: the office urges a measure
 * (`rectify remind`), the lead unit's mail arrives with its links and reply address and its
 * 企业微信 group robot gets the chat message (the robots' double); the unit follows one link,
 * reports progress with an uploaded PDF, replies to the mail with another (rectify inbound), and
 * submits completion; the office signs in, finds all three on the timeline and verifies; the
 * unit's link then says the measure is closed. Screenshots go to test-output/screenshots/ (the
 * README's docs/screenshots/reply-timeline.png is a copy of reply-timeline.png).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Mailer } from '../../activities/mail/transport';
import type { MailDelivery } from '../../activities/mail/delivery';
import { buildWebApp } from '../../client/web/server';
import nodemailer from 'nodemailer';
import { robotHosts } from '../../activities/chat/robots';
import { PlanDirectory } from '../../activities/mail/directory';
import type { InboundServer } from '../../client/inbound/server';
import { startTestInbound } from '../helpers/inbound';
import { readSecret } from '../../config/chat-secrets';
import { postText, postTitle, startChatDouble, type ChatDouble } from '../../runtime/chat-double';
import { measureWorkflowId } from '../../contracts/ids';
import { getStateQuery } from '../../contracts/messages';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { tinyPdf } from '../helpers/http';
import { mailToTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, freePort, startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../test-output/screenshots');
const PLAN_ID = 'mail-2024';
const PASSWORD = 'correct horse battery';

const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划(邮件办理)',
  problems: ['高质量发展成效不显'],
  measures: [
    `{ id: "1.2", problem: 1, title: 全力稳定外资, text: '落实外资奖励政策,提高奖励比例。', kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-03-29 }`,
  ],
}).replace(
  '      emails: [fgw@district.example.org]',
  '      emails: [fgw@district.example.org]\n      channels:\n        - { platform: wecom, key: { env: TEST_WECOM_KEY_FGW } }',
);
const REPLY_DOMAIN = 'reply.district.example.org';

describe('from the mail to close-out in a browser', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let web: FastifyInstance;
  let browser: Browser;
  let base: string;
  let robots: ChatDouble;
  let inbound: InboundServer;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-mail-act-'));
  const planPath = join(dir, 'plan.yaml');
  const pdfPath = join(dir, '外资奖励兑现情况.pdf');
  const access = webAccess(join(dir, 'web'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`没有找到 Chromium: ${CHROMIUM}(apt-get install chromium fonts-wqy-microhei,或设置 CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(planPath, PLAN);
    writeFileSync(pdfPath, tinyPdf('兑现情况'));
    await access.users.add('督查科', 'office', PASSWORD);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    let delivery: MailDelivery;
    robots = await startChatDouble([{ platform: 'wecom', key: 'wecom-fgw' }]);
    const hosts = { RECTIFY_CHAT_WECOM_URL: robots.url, RECTIFY_CHAT_DINGTALK_URL: robots.url, RECTIFY_CHAT_FEISHU_URL: robots.url };
    ({ smtp, mailer, delivery } = await mailToTestSmtp(
      dir,
      planPath,
      { baseUrl: `${base}/`, keys: access.keys, days: 30, replyDomain: REPLY_DOMAIN },
      { hosts: robotHosts(hosts), secret: (ref) => readSecret(ref, { TEST_WECOM_KEY_FGW: 'wecom-fgw' }) },
    ));
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
    web = await buildWebApp({ client: env.client, namespace: 'default', cacheMs: 0, ...access });
    await web.listen({ host: '127.0.0.1', port });
    inbound = await startTestInbound({
      client: env.client,
      plans: new PlanDirectory([planPath]),
      evidence: access.evidence,
      keys: access.keys,
      mailer,
      domain: REPLY_DOMAIN,
    });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
    });
    const started = await runCli('start', planPath);
    expect([started.code, started.err]).toEqual([0, '']);
  }, 120_000);

  afterAll(async () => {
    await inbound?.close();
    await robots?.close();
    await browser?.close();
    await web?.close();
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  const shoot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const text = (page: Page) => page.evaluate(() => document.body.innerText);
  async function submit(page: Page, selector = 'form.form button[type=submit]') {
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click(selector)]);
  }

  it('a unit acts from its mail with a PDF; the office verifies; the link then says the measure is closed', async () => {
    // 1. The office urges; the unit's mail arrives with its links.
    await eventually(
      () => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.2')).query(getStateQuery),
      (s) => s.trafficLight === 'red',
    );
    const sent = smtp.accepted.length;
    const urged = await runCli('remind', '1.2', '--as', 'office:督查科', '--note', '请本周内报送');
    expect([urged.code, urged.err]).toEqual([0, '']);
    // The urge, whatever else reaches the unit meanwhile (in the morning's send window, its overdue catch-ups).
    const urge = (x: { to?: unknown; subject?: string }) => JSON.stringify(x.to).includes('fgw@') && !!x.subject?.startsWith('【催办】');
    const mails = await eventually(
      () => smtp.parsed(),
      (m) => m.slice(sent).some(urge),
    );
    const found = mails.slice(sent).find(urge);
    expect(found?.subject).toContain('催办');
    const mail = found!;
    const links = Object.fromEntries(
      [...(mail.text ?? '').matchAll(/(报送进展|提交整改完成|申请延期)[:：]\s*(http\S+)/g)].map((m) => [m[1], m[2]]),
    );
    expect(Object.keys(links)).toEqual(['报送进展', '提交整改完成', '申请延期']);
    // …and its group robot the same notice, as a chat message with the same links.
    const post = await eventually(
      async () => robots.accepted.find((p) => p.key === 'wecom-fgw' && postTitle(p) === mail.subject),
      (p) => p !== undefined,
    );
    expect(postTitle(post!)).toBe(mail.subject);
    expect(postText(post!)).toContain(links['报送进展']);
    mkdirSync(resolve(__dirname, '../../test-output/chat'), { recursive: true });
    writeFileSync(resolve(__dirname, '../../test-output/chat/urging-wecom.md'), postText(post!));

    // 2. The unit follows the progress link and reports with a PDF.
    const unitContext = await browser.createBrowserContext();
    const unit = await unitContext.newPage();
    await unit.setViewport({ width: 1280, height: 900 });
    const errors: string[] = [];
    unit.on('pageerror', (e) => errors.push(String(e)));
    const opened = await unit.goto(links['报送进展'], { waitUntil: 'networkidle0' });
    expect(opened?.status()).toBe(200);
    expect(await text(unit)).toContain('全力稳定外资');
    await unit.type('textarea[name=note]', '已兑现奖励资金,附兑现情况。');
    const input = (await unit.$('input[type=file]'))!;
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(pdfPath);
    await shoot(unit, 'unit-link-progress');
    await submit(unit);
    expect(await text(unit)).toContain('已报送进展');
    expect(await text(unit)).toContain('外资奖励兑现情况.pdf');

    // 2b. …and replies to the mail with a letter: its new text becomes progress, its PDF evidence.
    const replyTo = mail.replyTo!.value[0].address!;
    await nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true }).sendMail({
      from: '区发改委 <fgw@district.example.org>',
      to: replyTo,
      subject: `回复：${mail.subject}`,
      text: `第二批奖励资金已拨付，附拨付凭证。\n\n在 2024年3月20日 09:00，区委巡察办 <xunchaban@district.example.org> 写道：\n> 请本周内报送\n`,
      attachments: [{ filename: '第二批拨付凭证.pdf', content: tinyPdf('拨付凭证') }],
    });

    // 3. …and submits completion from the completion link.
    await unit.goto(links['提交整改完成'], { waitUntil: 'networkidle0' });
    await unit.type('textarea[name=evidence]', '区发改委关于外资奖励兑现情况的报告');
    await submit(unit);
    expect(await text(unit)).toContain('已提交整改完成');
    await shoot(unit, 'unit-link-submitted');

    // 4. The office signs in, sees both on the timeline, verifies.
    const officeContext = await browser.createBrowserContext();
    const office = await officeContext.newPage();
    await office.setViewport({ width: 1280, height: 900 });
    office.on('pageerror', (e) => errors.push(String(e)));
    await office.goto(`${base}/measures/${PLAN_ID}/1.2`, { waitUntil: 'networkidle0' });
    expect(office.url()).toContain('/login?next=');
    await office.type('input[name=name]', '督查科');
    await office.type('input[name=password]', PASSWORD);
    await submit(office);
    expect(office.url()).toBe(`${base}/measures/${PLAN_ID}/1.2`);
    const timeline = await text(office);
    expect(timeline).toContain('单位·区发改委（经邮件链接）');
    expect(timeline).toContain('单位·区发改委（经邮件回复）');
    expect(timeline).toContain('第二批奖励资金已拨付，附拨付凭证');
    expect(timeline).not.toContain('写道');
    expect(timeline).toContain('第二批拨付凭证.pdf');
    expect(timeline).toMatch(/区发改委 <fgw@district\.example\.org>.*经邮件、企业微信/);
    expect(timeline).toContain('已兑现奖励资金');
    expect(timeline).toContain('外资奖励兑现情况.pdf');
    expect(timeline).toContain('巡察办·督查科');
    // The uploaded file comes back to the office, byte for byte.
    const href = await office.$eval('.files a', (a) => (a as HTMLAnchorElement).getAttribute('href'));
    const bytes = await office.evaluate(async (url) => {
      const r = await fetch(url!);
      return [r.status, (await r.arrayBuffer()).byteLength];
    }, href);
    expect(bytes).toEqual([200, tinyPdf('兑现情况').length]);
    await shoot(office, 'office-verify');
    const list = (await office.$('ol.timeline'))!;
    await list.screenshot({ path: join(SHOTS, 'reply-timeline.png') });
    await office.click('input[name=decision][value=accept]');
    await office.type('form[action$="/verify"] textarea[name=reason]', '材料齐全,同意销号');
    await submit(office, 'form[action$="/verify"] button[type=submit]');
    expect(await text(office)).toContain('已核验销号。');

    // 5. The unit's link now says the measure is closed, and offers nothing to do.
    await unit.goto(links['报送进展'], { waitUntil: 'networkidle0' });
    const closed = await text(unit);
    expect(closed).toContain('本措施已销号');
    expect(await unit.$('form.form')).toBeNull();
    await shoot(unit, 'unit-link-closed');
    expect(errors).toEqual([]);
  }, 120_000);
});
