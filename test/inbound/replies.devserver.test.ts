/**
 * Replies by mail become progress, with real SMTP both ways on a real dev server: a lead unit's
 * urging goes out through an SMTP server with a reply address; replies come back to the inbound
 * SMTP endpoint (client/inbound/) sent by nodemailer, and one by Python's smtplib and email
 * package (an independent client writing its own MIME). A reply with quoted history and a PDF
 * becomes one progress report with one evidence file; the same mail again changes nothing; 已完成
 * with a file is offered to the office as a completion; a tampered address, a stranger's sender,
 * an auto-reply, a bounce and an executable attachment change nothing, and only people get an
 * answer. The server itself: other recipients refused at RCPT, the size limit (552), a sender's
 * hourly limit (450), STARTTLS.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import selfsigned from 'selfsigned';
import { MailDelivery } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { startInbound, type InboundServer } from '../../client/inbound/server';
import { startTestInbound } from '../helpers/inbound';
import { readMeasure } from '../../client/records';
import { FileEvidenceStore } from '../../client/web/evidence-store';
import { measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { parseReplyAddress } from '../../domain/email/reply-address';
import { runCli } from '../helpers/cli';
import { recordHistory } from '../helpers/histories';
import { drillPlan } from '../helpers/plans';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, freePort, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'reply-2026';
const DOMAIN = 'reply.district.example.org';
const KEYS = { current: 'reply-test-link-secret-0123456789abcdef', old: [] };
const office = { role: 'office', who: '督查科' } as const;
const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划（邮件回复）',
  problems: ['高质量发展成效不显'],
  measures: [
    `{ id: "1.1", problem: 1, title: 健全政策机制, text: 出台政策。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2027-06-30 }`,
    `{ id: "1.2", problem: 1, title: 清查闲置资产, text: 清查。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2027-06-30 }`,
  ],
});
/** A PDF as the evidence rules sniff it. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const QUOTED = [
  '',
  '区发改委',
  '',
  '在 2026年12月6日 09:00，区委巡察办 <xunchaban@district.example.org> 写道：',
  '> 区发改委：',
  '> 请加快进度',
].join('\n');

/** A mail as its reader gets it, kept under test-output/mails to be read. */
function keep(name: string, m: ParsedMail): void {
  mkdirSync(join(__dirname, '../../test-output/mails'), { recursive: true });
  const headers = ['from', 'to', 'reply-to', 'subject'].map((h) => `${h}: ${JSON.stringify(m.headers.get(h) ?? '')}`).join('\n');
  writeFileSync(join(__dirname, '../../test-output/mails', name), `${headers}\n\n${m.text ?? ''}`);
}

describe('replies by mail', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let inbound: InboundServer;
  let evidence: FileEvidenceStore;
  let replyTo = '';
  const dir = mkdtempSync(join(tmpdir(), 'rectify-replies-'));
  const handle = (id: string) => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id));
  const progressOf = async (id: string) =>
    (await readMeasure(env.client, PLAN_ID, id)).timeline.filter((e) => e.kind === 'action' && e.who?.includes('经邮件回复'));
  /** The answers the inbound server mailed, in order. */
  const answers = async (): Promise<ParsedMail[]> => (await smtp.parsed()).filter((m) => /^【回复(已|未)受理】/.test(m.subject ?? ''));
  const send = (o: {
    from?: string;
    to?: string;
    subject?: string;
    text: string;
    headers?: Record<string, string>;
    envelopeFrom?: string;
    attachments?: { filename: string; content: Buffer }[];
    messageId?: string;
  }) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true }).sendMail({
      from: o.from ?? '区发改委 <fgw@district.example.org>',
      to: o.to ?? replyTo,
      subject: o.subject ?? '回复：【催办】健全政策机制',
      text: o.text,
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.attachments ? { attachments: o.attachments } : {}),
      ...(o.messageId ? { messageId: o.messageId } : {}),
      ...(o.envelopeFrom !== undefined ? { envelope: { from: o.envelopeFrom, to: [o.to ?? replyTo] } } : {}),
    });

  beforeAll(async () => {
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(planPath, PLAN);
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
    const plans = new PlanDirectory([planPath]);
    const links = { baseUrl: 'https://desk.district.example.org/', keys: KEYS, days: 30, replyDomain: DOMAIN };
    const delivery = new MailDelivery({
      mailer,
      plans,
      ledger: new SentLedger(join(dir, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
      links,
    });
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
    expect((await runCli('start', planPath)).code).toBe(0);
    evidence = new FileEvidenceStore(join(dir, 'evidence'));
    inbound = await startTestInbound({ client: env.client, plans, evidence, keys: KEYS, mailer, domain: DOMAIN });
  }, 120_000);

  afterAll(async () => {
    await inbound?.close();
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  it('a lead unit’s mail replies to a signed address for its measure, and says what a reply does', async () => {
    await handle('1.1').executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '请加快进度' }] });
    const mail = await eventually(
      async () => (await smtp.parsed()).find((m) => m.to && JSON.stringify(m.to).includes('fgw@district.example.org')),
      (m) => m !== undefined,
    );
    const reply = (mail!.replyTo?.value ?? []).map((a) => a.address);
    expect(reply).toHaveLength(1);
    replyTo = reply[0]!;
    expect(parseReplyAddress(replyTo, DOMAIN)).toMatchObject({ planId: PLAN_ID, measureId: '1.1' });
    expect(mail!.text).toContain(`邮件报送：${replyTo}`);
    expect(mail!.text).toContain('直接回复本邮件即记为本措施的进展报送');
    expect(mail!.text).toContain('首行写“已完成”或“申请销号”并附佐证材料的，作为整改完成提交巡察办核验');
    keep('reply-urging.txt', mail!);
  });

  it('a reply with quoted history and a PDF becomes one progress report with one evidence file; the same mail again changes nothing', async () => {
    const reply = {
      text: `已完成政策调研，正在起草实施意见。${QUOTED}`,
      attachments: [{ filename: '调研报告.pdf', content: PDF }],
      messageId: '<reply-1@district.example.org>',
    };
    await send(reply);
    const progress = await progressOf('1.1');
    expect(progress).toHaveLength(1);
    expect(progress[0].who).toBe('单位·区发改委（经邮件回复）');
    expect(progress[0].what).toContain('已完成政策调研，正在起草实施意见。');
    expect(progress[0].what).not.toContain('请加快进度');
    expect(progress[0].what).not.toContain('写道');
    expect(progress[0].files?.map((f) => f.name)).toEqual(['调研报告.pdf']);
    expect(await evidence.count()).toBe(1);
    const [answer] = await eventually(answers, (a) => a.length >= 1);
    expect(answer.subject).toBe('【回复已受理】【催办】健全政策机制');
    expect(answer.text).toContain('贵单位的回复已记为措施1.1“健全政策机制”的进展报送，附件1份已作为佐证材料保存。');
    expect(answer.headers.get('auto-submitted')).toBe('auto-replied');
    expect(answer.inReplyTo).toBe('<reply-1@district.example.org>');
    expect(JSON.stringify(answer.to)).toContain('fgw@district.example.org');
    keep('reply-accepted.txt', answer);

    await send(reply);
    expect(await progressOf('1.1')).toHaveLength(1);
    expect(await evidence.count()).toBe(1);
  });

  /** Sends a mail that must change nothing, and returns the answer it got (undefined: none). */
  async function changesNothing(o: Parameters<typeof send>[0]): Promise<ParsedMail | undefined> {
    const before = { progress: (await progressOf('1.1')).length, files: await evidence.count(), answers: (await answers()).length };
    const status = (await handle('1.1').query(msg.getStateQuery)).progress.status;
    await send(o);
    // The answer, if any, is sent before the server's 250: reading now sees it.
    const after = await answers();
    expect((await progressOf('1.1')).length).toBe(before.progress);
    expect(await evidence.count()).toBe(before.files);
    expect((await handle('1.1').query(msg.getStateQuery)).progress.status).toBe(status);
    return after.length > before.answers ? after[after.length - 1] : undefined;
  }

  it('a tampered address, a stranger’s sender and an executable attachment are refused with a reason, changing nothing', async () => {
    const last = replyTo.slice(replyTo.indexOf('@') - 1, replyTo.indexOf('@'));
    const tampered = replyTo.replace(`${last}@`, `${last === 'a' ? 'b' : 'a'}@`);
    const t = await changesNothing({ to: tampered, text: '进展顺利。' });
    expect(t?.subject).toBe('【回复未受理】【催办】健全政策机制');
    expect(t?.text).toContain('回复地址无法识别或已被改动');
    expect(t?.text).toContain('本次回复未作任何更改。');

    const s = await changesNothing({ from: 'someone@elsewhere.example.org', text: '进展顺利。' });
    expect(s?.text).toContain('发件地址someone@elsewhere.example.org不是区发改委在整改计划通讯录中登记的邮箱');
    expect(JSON.stringify(s?.to)).toContain('someone@elsewhere.example.org');

    const exe = await changesNothing({
      text: '附上材料。',
      attachments: [{ filename: '材料.exe', content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00') }],
    });
    expect(exe?.text).toMatch(/^区发改委：\n\n附件未被接受：“材料.exe”的类型不在允许之列（允许.*）。\n本次回复未作任何更改。/);
    keep('reply-refused.txt', exe!);
  });

  it('a reply to a measure since reassigned is refused, naming the new lead unit', async () => {
    await handle('1.2').executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '请报送进展' }] });
    const mail = await eventually(
      async () => (await smtp.parsed()).find((m) => JSON.stringify(m.to ?? '').includes('czj@district.example.org')),
      (m) => m !== undefined,
    );
    const address = mail!.replyTo!.value[0].address!;
    await handle('1.2').executeUpdate(msg.reassignUpdate, { args: [{ actor: office, leadUnit: '区委组织部', reason: '职责调整' }] });
    await send({ from: '区财政局 <czj@district.example.org>', to: address, text: '已清查完毕。' });
    expect(await progressOf('1.2')).toEqual([]);
    expect((await answers()).at(-1)?.text).toContain('本措施的牵头单位已调整为区委组织部，此前通知的回复不再受理。');
  });

  it('an auto-reply and a bounce are ignored without an answer', async () => {
    expect(
      await changesNothing({
        subject: '自动回复：【催办】健全政策机制',
        text: '我已休假，12月10日返回。',
        headers: { 'Auto-Submitted': 'auto-replied' },
      }),
    ).toBeUndefined();
    expect(await changesNothing({ subject: 'Out of Office: 【催办】健全政策机制', text: '我已休假。' })).toBeUndefined();
    expect(await changesNothing({ envelopeFrom: '', subject: 'Undelivered Mail Returned to Sender', text: 'bounce' })).toBeUndefined();
  });

  it('已完成 with a file, written by another client, is offered to the office as a completion to verify, not closed', async () => {
    const script = [
      'import smtplib, sys',
      'from email.message import EmailMessage',
      'm = EmailMessage()',
      'm["From"] = "区发改委 <fgw@district.example.org>"',
      'm["To"] = sys.argv[2]',
      'm["Subject"] = "已完成：健全政策机制"',
      'm["Message-ID"] = "<done-1@district.example.org>"',
      'm.set_content("实施意见已印发，见附件。\\n\\n-----原始邮件-----\\n发件人：区委巡察办\\n请加快进度\\n")',
      'm.add_attachment(open(sys.argv[3], "rb").read(), maintype="application", subtype="pdf", filename="实施意见.pdf")',
      's = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); s.send_message(m); s.quit()',
    ].join('\n');
    const pdf = join(dir, 'done.pdf');
    writeFileSync(pdf, PDF);
    // Not execFileSync: the inbound server answering it runs in this process.
    await promisify(execFile)('python3', ['-c', script, String(inbound.port), replyTo, pdf]);
    const state = await handle('1.1').query(msg.getStateQuery);
    expect(state.progress.status).toBe('submitted');
    const entry = (await progressOf('1.1')).at(-1)!;
    expect(entry.what).toBe('提交整改完成，佐证：附件“实施意见.pdf”（48字节）；说明：实施意见已印发，见附件');
    expect(entry.what).not.toContain('请加快进度');
    const answer = (await answers()).at(-1)!;
    expect(answer.text).toContain('作为措施1.1“健全政策机制”的整改完成提交巡察办核验，佐证材料1份');
    // A life with replies by mail (actor via 'mail'), for the replay test.
    await recordHistory('life-replied-by-mail', handle('1.1'));
  });

  it('the server takes reply addresses only, within its size, a sender’s hourly limit, and over STARTTLS when configured', async () => {
    const seen: string[] = [];
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
    writeFileSync(join(dir, 'key.pem'), pems.private);
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    const small = await startInbound(
      {
        host: '127.0.0.1',
        port: await freePort(),
        domain: DOMAIN,
        maxBytes: 20_000,
        perSenderPerHour: 2,
        tls: { keyFile: join(dir, 'key.pem'), certFile: join(dir, 'cert.pem') },
      },
      async (_raw, envelope) => {
        seen.push(envelope.to.join());
        return { kind: 'ignored', why: 'test' };
      },
    );
    try {
      const transport = (user: string) => ({
        t: nodemailer.createTransport({
          host: '127.0.0.1',
          port: small.port,
          secure: false,
          requireTLS: true,
          tls: { rejectUnauthorized: false },
        }),
        from: `${user}@district.example.org`,
      });
      const a = transport('a');
      await expect(a.t.sendMail({ from: a.from, to: 'someone@district.example.org', text: 'x' })).rejects.toMatchObject({
        responseCode: 550,
      });
      await expect(a.t.sendMail({ from: a.from, to: replyTo, text: 'x'.repeat(40_000) })).rejects.toMatchObject({ responseCode: 552 });
      await expect(transport('b').t.sendMail({ from: 'b@district.example.org', to: replyTo, text: '1' })).resolves.toBeDefined();
      await expect(transport('b').t.sendMail({ from: 'b@district.example.org', to: replyTo, text: '2' })).resolves.toBeDefined();
      await expect(transport('b').t.sendMail({ from: 'b@district.example.org', to: replyTo, text: '3' })).rejects.toMatchObject({
        responseCode: 450,
      });
      await expect(transport('c').t.sendMail({ from: 'c@district.example.org', to: replyTo, text: '1' })).resolves.toBeDefined();
      expect(seen).toEqual([replyTo, replyTo, replyTo]);
    } finally {
      await small.close();
    }
  });
});
