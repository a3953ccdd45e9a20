/**
 * End to end against an independent SMTP implementation: Debian's python3-aiosmtpd, started by
 * the test, storing what it accepts in a Maildir.
 */
import type { DeliveryResult } from '../../domain/notice';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { PlanDirectory } from '../../activities/mail/directory';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer } from '../../activities/mail/transport';
import { messageId } from '../../domain/email/headers';
import { freePort } from '../helpers/temporal';
import { testNotice } from '../helpers/notices';

const AIOSMTPD = '/usr/bin/aiosmtpd'; // apt-get install python3-aiosmtpd (.ci/run does)

const waitForPort = async (port: number) => {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`aiosmtpd did not listen on ${port}`);
};

describe('delivery to aiosmtpd', () => {
  let server: ChildProcess;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-aiosmtpd-'));
  const maildir = join(dir, 'Maildir');

  beforeAll(async () => {
    expect(existsSync(AIOSMTPD)).toBe(true);
    port = await freePort();
    server = spawn(AIOSMTPD, ['-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'ignore' });
    await waitForPort(port);
  });

  afterAll(() => {
    server?.kill();
  });

  it('delivers a notice that another implementation accepts and stores intact', async () => {
    const planPath = join(__dirname, '../fixtures/small-plan.yaml');
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`);
    const delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory([planPath]),
      ledger: new SentLedger(join(dir, 'sent')),
      from: 'rectify@liangxi.example.org',
    });
    let result: DeliveryResult;
    try {
      result = await delivery.deliver(
        testNotice(
          {
            stage: 'v1:deadline:reminder:2',
            audiences: ['leadUnit', 'leader'],
            plannedAt: '2024-06-25T01:00:00.000Z',
            decidedAt: '2024-06-25T01:00:00.000Z',
            dueDate: '2024-06-28',
            workdaysBefore: 2,
          },
          { participants: [], deadline: '2024-06-28', dueAt: '2024-06-28T10:00:00.000Z' },
        ),
      );

      // Each recipient's copy is reported with the Message-ID its mail carries (the measure's timeline keeps them).
      expect(result).toEqual({
        delivered: true,
        problems: undefined,
        sent: [
          {
            audience: 'leadUnit',
            name: '区发改委',
            email: 'fgw@district.example.org',
            messageId: expect.stringMatching(/^<.+@liangxi\.example\.org>$/),
          },
          { audience: 'leader', name: expect.any(String), email: expect.any(String), messageId: expect.stringMatching(/^<.+>$/) },
        ],
      });
    } finally {
      mailer.close();
    }
    const files = readdirSync(join(maildir, 'new'));
    expect(files).toHaveLength(2);
    const mails = await Promise.all(files.map((f) => simpleParser(readFileSync(join(maildir, 'new', f)))));
    const byTo = new Map(mails.map((m) => [(m.to as { value: { address: string }[] }).value[0].address, m]));
    const unit = byTo.get('fgw@district.example.org')!;
    expect(unit.subject).toBe('【整改提醒】措施1.1“健全政策机制”（还剩3个工作日）');
    expect(unit.messageId).toBe(messageId('measure:drill-2024:1.1:v1:deadline:reminder:2|fgw@district.example.org', 'liangxi.example.org'));
    expect(result!.sent!.find((c) => c.email === 'fgw@district.example.org')!.messageId).toBe(unit.messageId);
    expect(unit.text).toContain('整改时限：2024年6月28日（周五）18:00，还剩3个工作日');
    expect(byTo.get('executive-deputy-mayor@district.example.org')!.text).toContain('区委常委、常务副区长：');
  });
});
