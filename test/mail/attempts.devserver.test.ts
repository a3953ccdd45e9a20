/**
 * A send retried on another machine does not send again what the first attempt sent: the
 * Message-IDs SMTP accepted ride in the activity's heartbeat details, which Temporal hands to the
 * retry wherever it runs. Here the machine's own sent-ledger cannot be written at all (as if the
 * retry ran on a machine that never saw the first attempt), so only what Temporal kept can stop
 * the resend. The lead unit has two addresses; the second refuses the first try with a 451.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailDelivery } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { measureWorkflowId } from '../../contracts/ids';
import { getDetailsQuery } from '../../contracts/messages';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const PLAN_ID = 'attempts-2024';
const FIRST = 'fgw@district.example.org';
const SECOND = 'fgw-duty@district.example.org';

describe('a retried send on any machine', () => {
  let stack: DevStack;
  let smtp: TestSmtp;
  let mailer: Mailer;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-attempts-'));
  const planPath = join(dir, 'plan.yaml');

  beforeAll(async () => {
    writeFileSync(
      planPath,
      drillPlan({
        id: PLAN_ID,
        title: '演练计划(重试)',
        problems: ['高质量发展成效不显'],
        measures: [
          `{ id: "1.1", problem: 1, title: 健全政策机制, text: 健全。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
        ],
      }).replace(`emails: [${FIRST}]`, `emails: [${FIRST}, ${SECOND}]`),
    );
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 1 });
    const delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory([planPath]),
      // A ledger that can never be written (a directory under a file): the machine remembers nothing.
      ledger: new SentLedger(join(planPath, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
    });
    stack = await startDevStack(dir, { delivery });
  }, 120_000);

  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  it('skips the copy an earlier attempt had accepted, and sends the one it had not', async () => {
    expect((await runCli('start', planPath)).code).toBe(0);
    const handle = stack.env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.1'));
    // The unit's first address accepts; its second is greylisted once (451): the send fails after the first copy and is retried.
    smtp.deferOnce.add(SECOND);
    expect((await runCli('remind', '1.1', '--plan', PLAN_ID, '--as', 'office:督查科')).code).toBe(0);
    const urged = await eventually(
      async () => (await handle.query(getDetailsQuery)).deliveries?.find((d) => d.kind === 'urged'),
      (d) => d !== undefined,
      200,
    );
    expect(urged?.to?.map((c) => c.email)).toEqual(expect.arrayContaining([FIRST, SECOND]));
    // The retry happened (a second attempt of the send), and SMTP accepted each copy once.
    const history = await handle.fetchHistory();
    const attempts = history.events!.flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : [],
    );
    expect(attempts).toContain(2);
    expect(smtp.deferOnce.size).toBe(0);
    // The urge's copies only: run in the morning's send window, the plan's overdue catch-ups go out beside it.
    const mails = await smtp.parsed();
    const to = (address: string) =>
      smtp.envelopes.filter((e, i) => e.rcptTo.includes(address) && mails[i]?.subject?.startsWith('【催办】'));
    expect(to(FIRST)).toHaveLength(1);
    expect(to(SECOND)).toHaveLength(1);
    const urges = mails.filter((m) => m.subject?.startsWith('【催办】'));
    expect(new Set(urges.map((m) => m.messageId)).size).toBe(urges.length);
  });
});
