/** The embedded default: mail saved as .eml files, and `rectify outbox` to read them. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanDirectory } from '../../activities/mail/directory';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { fileMailer } from '../../activities/mail/transport';
import { runCli } from '../helpers/cli';
import { testNotice } from '../helpers/notices';

it('saves each mail as an .eml file that rectify outbox lists and shows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-eml-'));
  const outbox = join(dir, 'outbox');
  const mailer = fileMailer(outbox);
  const delivery = new MailDelivery({
    mailer,
    plans: new PlanDirectory([join(__dirname, '../fixtures/small-plan.yaml')]),
    ledger: new SentLedger(join(dir, 'sent')),
    from: 'rectify@liangxi.example.org',
  });
  const base = testNotice(
    {
      kind: 'final-reminder',
      plannedAt: '2024-06-28T01:00:00.000Z',
      decidedAt: '2024-06-28T01:00:00.000Z',
      dueDate: '2024-06-28',
      workdaysBefore: 0,
    },
    { participants: [], deadline: '2024-06-28', dueAt: '2024-06-28T10:00:00.000Z' },
  );
  await delivery.deliver({ ...base, idempotencyKey: 'k0', stage: 'v1:deadline:reminder:0' });
  await delivery.deliver({ ...base, idempotencyKey: 'k0', stage: 'v1:deadline:reminder:0' }); // a retry: not saved twice
  mailer.close();
  expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

  const before = process.env.RECTIFY_OUTBOX_DIR;
  process.env.RECTIFY_OUTBOX_DIR = outbox;
  try {
    const list = await runCli('outbox');
    expect(list.code).toBe(0);
    expect(list.out).toContain('"区发改委" <fgw@district.example.org>\t【今日到期】措施1.1“健全政策机制”（今天到期）');
    expect(list.out).toContain('：1封邮件');
    const show = await runCli('outbox', 'show', '1');
    expect(show.out).toContain('本措施于2024年6月28日（周五）18:00到期，今天是最后一个工作日。');
    expect(show.out).toContain('附件：rectify-drill-2024-1.1.ics');
    expect((await runCli('outbox', 'show', '7')).err).toContain('发件箱中没有7（共1封');
  } finally {
    if (before === undefined) delete process.env.RECTIFY_OUTBOX_DIR;
    else process.env.RECTIFY_OUTBOX_DIR = before;
  }
});
