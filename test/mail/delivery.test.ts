/**
 * Mail delivery against a real SMTP server in process (smtp-server: STARTTLS, AUTH, a test CA):
 * content and headers, the .ics, escaping, the pool, retries and refusals, the sent-ledger.
 */
import ICAL from 'ical.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanDirectory } from '../../activities/mail/directory';
import { loadSettings } from '../../config/settings';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { domainOf, messageId, threadId } from '../../domain/email/headers';
import type { Notice } from '../../domain/notice';
import { testNotice } from '../helpers/notices';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';

const FROM = '"区委巡察办 整改提醒" <rectify@liangxi.example.org>';

function writePlan(dir: string, transform: (text: string) => string = (t) => t): string {
  const path = join(dir, 'plan.yaml');
  const text = readFileSync(join(__dirname, '../fixtures/small-plan.yaml'), 'utf8').replace(
    'title: 健全政策机制',
    'title: 健全政策机制<script>alert(1)</script>',
  );
  writeFileSync(path, transform(text));
  return path;
}

/** The drill plan's 5-day reminder, its measure's title carrying markup that must be escaped. */
const notice = (overrides: Partial<Notice> = {}): Notice => testNotice(overrides, { title: '健全政策机制<script>alert(1)</script>' });

describe('mail delivery over SMTP', () => {
  let smtp: TestSmtp;
  let mailer: Mailer;
  let dir: string;
  let delivery: MailDelivery;
  let planPath: string;

  beforeEach(async () => {
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 1 });
    dir = mkdtempSync(join(tmpdir(), 'rectify-mail-'));
    planPath = writePlan(dir);
    delivery = new MailDelivery({ mailer, plans: new PlanDirectory([planPath]), ledger: new SentLedger(join(dir, 'sent')), from: FROM });
  });

  afterEach(async () => {
    mailer.close();
    await smtp.close();
  });

  it('sends a clear Chinese reminder with threading headers and a deadline .ics, escaping what the plan wrote', async () => {
    const result = await delivery.deliver(notice());
    const [mail] = await smtp.parsed();
    // The copy is reported as sent with the Message-ID the mail carries.
    expect(result).toEqual({
      delivered: true,
      problems: undefined,
      sent: [{ audience: 'leadUnit', name: '区发改委', email: 'fgw@district.example.org', messageId: mail.messageId }],
    });
    expect(mail.to).toMatchObject({ value: [{ address: 'fgw@district.example.org', name: '区发改委' }] });
    expect(mail.subject).toBe('【整改提醒】措施1.1“健全政策机制<script>alert(1)</script>”（还剩5个工作日）'); // 10-12 is a make-up Saturday
    expect(mail.messageId).toBe(messageId('measure:drill-2024:1.1:v1:deadline:reminder:5|fgw@district.example.org', 'liangxi.example.org'));
    expect(mail.inReplyTo).toBe(threadId('drill-2024', '1.1', 'liangxi.example.org'));
    expect(mail.references).toBe(threadId('drill-2024', '1.1', 'liangxi.example.org'));
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    const headerBlock = smtp.accepted[0]
      .toString()
      .split(/\r?\n\r?\n/)[0]
      .replace(/\r?\n[ \t]+/g, ' ');
    expect(headerBlock).toMatch(/^List-Id: =\?UTF-8\?Q\?[^ ]+\?= <drill-2024\.rectify\.liangxi\.example\.org>$/im); // the name encoded, the id plain
    // Text: the measure, who, the deadline with its weekday, working days left, where to act.
    expect(mail.text).toContain('问题1：高质量发展成效不显');
    expect(mail.text).toContain('牵头单位：区发改委  负责区领导：区委常委、常务副区长');
    expect(mail.text).toContain('整改时限：2024年10月15日（周二）18:00，还剩5个工作日');
    // What to do, in words, and whom to contact: never a command.
    expect(mail.text).toContain('请于2024年10月15日（周二）18:00前完成整改，并向区委巡察办报送整改完成情况及佐证材料。');
    expect(mail.text).not.toMatch(/rectify|--/);
    // From the plan's office; MAIL_FROM sends it (Sender, and the SMTP envelope).
    expect(mail.from).toMatchObject({ value: [{ address: 'xunchaban@district.example.org', name: '区委巡察办' }] });
    expect(mail.headers.get('sender')).toMatchObject({ value: [{ address: 'rectify@liangxi.example.org' }] });
    expect(smtp.envelopes[0].mailFrom).toBe('rectify@liangxi.example.org');
    expect(mail.replyTo).toMatchObject({ value: [{ address: 'xunchaban@district.example.org' }] });
    // The 落款: the office and the day, no product name.
    expect(
      mail
        .text!.trimEnd()
        .split('\n')
        .slice(-2)
        .map((l) => l.trim()),
    ).toEqual(['区委巡察办', '2024年10月9日']);
    expect(mail.text).not.toContain('rectify');
    // HTML: the title arrives escaped, never as markup.
    expect(mail.html).toContain('健全政策机制&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('黄灯');
    // The .ics parses with an independent parser and holds the due instant.
    const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent('vevent')!);
    expect(event.endDate.toJSDate().toISOString()).toBe('2024-10-15T10:00:00.000Z');
    expect(event.summary).toBe('整改时限：措施1.1“健全政策机制<script>alert(1)</script>”');
    expect(event.uid).toBe('drill-2024.1.1.deadline@liangxi.example.org'); // stable across extensions (SEQUENCE = version)
    expect(event.sequence).toBe(1);
  });

  it('tells everyone on the ladder, once each, and names who else is told', async () => {
    // Monday 10-21, the second level: the fourth working day past the deadline.
    await delivery.deliver(
      notice({
        decidedAt: '2024-10-21T01:00:00.000Z',
        plannedAt: '2024-10-21T01:00:00.000Z',
        idempotencyKey: 'k:overdue:1',
        stage: 'v1:deadline:overdue:1',
        kind: 'overdue',
        level: 1,
        workdaysOverdue: 3,
        audiences: ['leadUnit', 'leader', 'office'],
        measure: { ...notice().measure, trafficLight: 'red' },
      }),
    );
    const mails = await smtp.parsed();
    expect(mails.map((m) => (m.to as { value: { address: string }[] }).value[0].address)).toEqual([
      'fgw@district.example.org',
      'executive-deputy-mayor@district.example.org',
      'xunchaban@district.example.org',
    ]);
    expect(mails[0].subject).toBe('【逾期督办·第2级】措施1.1“健全政策机制<script>alert(1)</script>”（已逾期4个工作日）');
    expect(mails[0].html).toContain('红灯');
    expect(mails[1].text).toContain('本通知同时发送：牵头单位、巡察办。');
  });

  it('writes to the office from the system, signed by it; to everyone else from the office', async () => {
    const settings = loadSettings({ TEMPORAL_CONFIG_FILE: join(dir, 'none.toml'), MAIL_FROM: FROM });
    expect(settings.mail.systemName).toBe('巡视整改督办系统');
    const named = new MailDelivery({
      mailer,
      plans: new PlanDirectory([planPath]),
      ledger: new SentLedger(join(dir, 'sent')),
      from: settings.mail.from,
      systemName: settings.mail.systemName,
      deskUrl: 'https://zhenggai.example.org/',
    });
    await named.deliver(
      notice({
        kind: 'overdue',
        level: 1,
        stage: 'v1:deadline:overdue:1',
        idempotencyKey: 'k:overdue:1',
        audiences: ['leadUnit', 'office'],
      }),
    );
    const [toUnit, toOffice] = await smtp.parsed();
    const lastTwo = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .slice(-2)
        .map((l) => l.trim());
    // The office hears from the system, at MAIL_FROM's address; it does not write to itself.
    expect((toOffice.to as { value: { address: string }[] }).value[0].address).toBe('xunchaban@district.example.org');
    expect(toOffice.from).toMatchObject({ value: [{ address: 'rectify@liangxi.example.org', name: '巡视整改督办系统' }] });
    expect(toOffice.headers.get('sender')).toBeUndefined();
    expect(toOffice.replyTo).toBeUndefined();
    expect(lastTwo(toOffice.text!)).toEqual(['巡视整改督办系统', '2024年10月9日']);
    expect(toOffice.text).toContain('在系统中办理：https://zhenggai.example.org/measures/drill-2024/1.1');
    // The unit hears from the office, as before.
    expect(toUnit.from).toMatchObject({ value: [{ address: 'xunchaban@district.example.org', name: '区委巡察办' }] });
    expect(toUnit.headers.get('sender')).toMatchObject({ value: [{ address: 'rectify@liangxi.example.org' }] });
    expect(lastTwo(toUnit.text!)).toEqual(['区委巡察办', '2024年10月9日']);
    expect(smtp.envelopes.map((e) => e.mailFrom)).toEqual(['rectify@liangxi.example.org', 'rectify@liangxi.example.org']);
    // The name is a setting; one that cannot be a sender's name is refused, naming it.
    expect(loadSettings({ TEMPORAL_CONFIG_FILE: join(dir, 'none.toml'), RECTIFY_SYSTEM_NAME: '某区整改督办平台' }).mail.systemName).toBe(
      '某区整改督办平台',
    );
    expect(() => loadSettings({ TEMPORAL_CONFIG_FILE: join(dir, 'none.toml'), RECTIFY_SYSTEM_NAME: '督办 <x@example.org>' })).toThrow(
      'RECTIFY_SYSTEM_NAME=督办 <x@example.org>：应为一个名称',
    );
  });

  it('reuses one pooled connection for many mails', async () => {
    for (let i = 0; i < 5; i++) await delivery.deliver(notice({ idempotencyKey: `pool-${i}` }));
    expect(smtp.accepted).toHaveLength(5);
    expect(smtp.connections).toBe(1);
  });

  it('throws on a 4xx so that Temporal retries, and the retry sends it once', async () => {
    smtp.failNext(451);
    await expect(delivery.deliver(notice())).rejects.toMatchObject({ responseCode: 451 });
    expect(smtp.accepted).toHaveLength(0);
    await delivery.deliver(notice()); // the activity's next attempt
    expect(smtp.accepted).toHaveLength(1);
  });

  it('does not retry a 5xx or a refused address: the office is told, once', async () => {
    smtp.rejectRecipients.add('fgw@district.example.org');
    const result = await delivery.deliver(notice());
    expect(result.delivered).toBe(false);
    expect(result.problems).toEqual([
      expect.stringContaining(
        "区发改委 <fgw@district.example.org>: Can't send mail - all recipients were rejected: 550 No such user fgw@district.example.org",
      ),
    ]);
    await delivery.deliver(notice()); // delivered again by a retry: no second report
    const mails = await smtp.parsed();
    expect(mails.map((m) => [(m.to as { value: { address: string }[] }).value[0].address, m.subject])).toEqual([
      ['xunchaban@district.example.org', '【通知未送达】措施1.1“健全政策机制<script>alert(1)</script>”'],
    ]);
    expect(mails[0].text).toContain('No such user fgw@district.example.org');
  });

  it('after a crash once SMTP accepted it, a retried activity does not send again', async () => {
    await delivery.deliver(notice());
    // Same notice again, as the activity's retry after the worker died before reporting success.
    await delivery.deliver(notice());
    expect(smtp.accepted).toHaveLength(1);
  });

  it('reports an unknown recipient to the office instead of dropping it', async () => {
    const result = await delivery.deliver(notice({ measure: { ...notice().measure, leadUnit: '区统计局' } }));
    expect(result.problems).toEqual(['牵头单位“区统计局”不在计划名录中']);
    const [report] = await smtp.parsed();
    expect(report.subject).toContain('【通知未送达】');
    expect(report.text).toContain('牵头单位“区统计局”不在计划名录中');
  });

  it('uses a corrected address without restarting anything', async () => {
    await delivery.deliver(notice({ idempotencyKey: 'before' }));
    writePlan(dir, (t) => t.replace('fgw@district.example.org', 'fgw-new@district.example.org'));
    await delivery.deliver(notice({ idempotencyKey: 'after' }));
    const mails = await smtp.parsed();
    expect(mails.map((m) => (m.to as { value: { address: string }[] }).value[0].address)).toEqual([
      'fgw@district.example.org',
      'fgw-new@district.example.org',
    ]);
  });

  it('verifies the server certificate: without the test CA nothing is sent', async () => {
    const untrusting = smtpMailer(smtp.url);
    try {
      await expect(
        untrusting.send({ from: FROM, to: 'a@example.org', subject: 'x', text: 'x', messageId: '<x@example.org>' }),
      ).rejects.toThrow(/certificate/);
    } finally {
      untrusting.close();
    }
    expect(smtp.accepted).toHaveLength(0);
  });

  it('never shows the SMTP password, and explains an unencoded one', () => {
    expect(() => smtpMailer('smtp://rectify:50%off@localhost:25')).toThrow('SMTP_URL 无效：smtp://rectify:***@localhost:25');
    expect(() => smtpMailer('http://localhost')).toThrow('SMTP_URL 应以 smtp:// 或 smtps:// 开头');
  });

  it('finds the sender domain in the usual forms of MAIL_FROM, and refuses others', () => {
    expect(domainOf('“整改提醒”<rectify@Example.org>')).toBe('example.org');
    expect(domainOf('rectify@example.org(整改提醒)')).toBe('example.org');
    expect(domainOf('整改提醒')).toBeUndefined();
    expect(() => new MailDelivery({ mailer, plans: new PlanDirectory([planPath]), ledger: new SentLedger(dir), from: 'nobody' })).toThrow(
      'MAIL_FROM 无效：nobody',
    );
  });

  it('refuses wrong credentials as permanent', async () => {
    const wrong = smtpMailer(smtp.url.replace('correct%20horse', 'wrong'), { ca: smtp.ca });
    try {
      await expect(
        wrong.send({ from: FROM, to: 'a@example.org', subject: 'x', text: 'x', messageId: '<y@example.org>' }),
      ).rejects.toMatchObject({ code: 'EAUTH' });
    } finally {
      wrong.close();
    }
  });
});
