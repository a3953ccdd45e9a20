/**
 * Notices to mailboxes on the time-skipping server: a measure's whole ladder produces exactly
 * the expected mails to the expected people, and a morning with many due measures produces one
 * digest per recipient. Real SMTP (smtp-server with STARTTLS and AUTH) behind the worker.
 */
import { plainDateZh } from '../../domain/dates';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { ParsedMail } from 'mailparser';
import { createActivities } from '../../activities';
import { PlanDirectory } from '../../activities/mail/directory';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { chinaCalendar, publishedYears } from '../../domain/calendar-data';
import type { MeasureSpec } from '../../domain/measure';
import { measureWorkflow } from '../../workflows';
import {
  getDetailsQuery,
  getStateQuery,
  reportProgressUpdate,
  startLookbackSignal,
  submitCompletionUpdate,
  verifyCompletionUpdate,
} from '../../contracts/messages';
import type { Actor } from '../../domain/notice';
import { PREPARE_LEAD_MS } from '../../domain/planner';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { testSpec } from '../helpers/specs';
import { registerSearchAttributes, testServerExecutable, workflowBundle } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';
import { digestWorkflowId, lookbackWorkflowId, measureWorkflowId } from '../../contracts/ids';

Runtime.install({ logger: new DefaultLogger('WARN') });

const ZONE = 'Asia/Shanghai';
const PLAN = join(__dirname, '../fixtures/small-plan.yaml'); // plan drill-2024: its directory
const EMAIL = {
  leadUnit: 'fgw@district.example.org',
  leader: 'executive-deputy-mayor@district.example.org',
  office: 'xunchaban@district.example.org',
  leadershipGroup: 'leading-group@district.example.org',
};

const to = (m: ParsedMail) => (m.to as { value: { address: string }[] }).value[0].address;

describe('mail on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let worker: Worker;
  let running: Promise<void>;
  /** Terminated after each test (the next one's worker polls another task queue). */
  const started: WorkflowHandle[] = [];

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
  });

  beforeEach(async () => {
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca });
    const dir = mkdtempSync(join(tmpdir(), 'rectify-ladder-mail-'));
    const taskQueue = `mail-${Date.now()}`;
    // The mail's Date header is wall-clock; the workflow clock says when it was decided.
    const delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory([PLAN]),
      ledger: new SentLedger(join(dir, 'sent')),
      from: 'rectify@liangxi.example.org',
      digests: { client: env.client, taskQueue },
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ delivery }),
    });
    running = worker.run();
    (worker as unknown as { taskQueueName: string }).taskQueueName = taskQueue;
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((h) => h.terminate('test finished').catch(() => undefined)));
    worker.shutdown();
    await running;
    mailer.close();
    await smtp.close();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  function spec(id: string, deadline: DateTime): MeasureSpec {
    return testSpec({
      planId: 'drill-2024',
      id,
      deadline: deadline.toISODate()!,
      calendar: { unpublishedYears: 'weekdays', years: publishedYears() },
    });
  }

  async function start(s: MeasureSpec) {
    const taskQueue = (worker as unknown as { taskQueueName: string }).taskQueueName;
    const handle = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId(s.planId, s.id),
      taskQueue,
      args: [{ spec: s }],
    });
    started.push(handle);
    return handle;
  }

  async function wednesday(weeks: number): Promise<DateTime> {
    let d = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE })
      .startOf('day')
      .plus({ weeks });
    while (d.weekday !== 3) d = d.plus({ days: 1 });
    return d;
  }

  async function sleepUntil(t: DateTime) {
    await env.sleep(t.toMillis() - (await env.currentTimeMs()));
  }

  it("sends one measure's whole ladder to exactly the expected people", async () => {
    const D = await wednesday(9);
    const handle = await start(spec('1.1', D));
    await sleepUntil(D.plus({ days: 15, hours: 12 })); // Thursday after level 3 went out
    await handle.query(getStateQuery);
    const mails = await smtp.parsed();
    // Reminders to the lead unit; then the ladder, each level to everyone it names.
    const expected: [string, string][] = [
      ['v1:deadline:reminder:10', EMAIL.leadUnit],
      ['v1:deadline:reminder:5', EMAIL.leadUnit],
      ['v1:deadline:reminder:2', EMAIL.leadUnit],
      ['v1:deadline:reminder:1', EMAIL.leadUnit],
      ['v1:deadline:reminder:0', EMAIL.leadUnit],
      ...[EMAIL.leadUnit, EMAIL.leader].map((e): [string, string] => ['v1:deadline:overdue:0', e]),
      ...[EMAIL.leadUnit, EMAIL.leader, EMAIL.office].map((e): [string, string] => ['v1:deadline:overdue:1', e]),
      ...[EMAIL.leadUnit, EMAIL.leader, EMAIL.office, EMAIL.leadershipGroup].map((e): [string, string] => ['v1:deadline:overdue:2', e]),
    ];
    const got = mails.map((m) => [String(m.headers.get('x-rectify-key')).split(':').slice(3).join(':'), to(m)]);
    expect(got.sort()).toEqual(expected.map(([k, e]) => [k, e]).sort());
    expect(
      mails
        .filter((m) => m.subject?.startsWith('【逾期督办·第3级】'))
        .map(to)
        .sort(),
    ).toEqual(Object.values(EMAIL).sort());
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
  });

  it('merges a morning of many due measures into one digest per recipient, red first', async () => {
    const D = await wednesday(4);
    const ids = Array.from({ length: 12 }, (_, i) => `1.${i + 1}`);
    // Eleven measures due on D; 1.3 was due the Tuesday before last, so on the morning of the
    // others' 5-day reminder (D-7) it gets its first escalation.
    for (const id of ids) await start(spec(id, id === '1.3' ? D.minus({ days: 8 }) : D));
    const morning = D.minus({ days: 7 });
    await sleepUntil(morning.set({ hour: 12 }));
    const day = plainDateZh(morning.toISODate()!);
    const mails = (await smtp.parsed()).filter(
      (m) => m.subject?.includes(day) || String(m.headers.get('x-rectify-key')).includes('overdue:0'),
    );
    const digests = mails.filter((m) => m.subject?.startsWith('【整改提醒汇总】'));
    expect(digests.map((m) => [to(m), m.subject])).toEqual([[EMAIL.leadUnit, `【整改提醒汇总】${day}（周三）共12项：红1黄11绿0`]]);
    const order = [...digests[0].text!.matchAll(/措施(1\.\d+)“/g)].map((m) => m[1]);
    expect(order).toEqual(['1.3', ...ids.filter((id) => id !== '1.3')]); // red first, then by deadline and id
    expect(digests[0].html).toContain('逾期督办·第1级');
    // The digest carries every measure's deadline in one calendar file.
    const ics = digests[0].attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(12);
    const digestRun = env.client.workflow.getHandle(digestWorkflowId('drill-2024', morning.set({ hour: 9 }).toMillis(), EMAIL.leadUnit));
    expect((await digestRun.describe()).status.name).toBe('COMPLETED');
    await recordHistory('digest-morning', digestRun);
    // The leader is told of 1.3 alone that morning: one mail, the notice's own.
    const leader = mails.filter((m) => to(m) === EMAIL.leader);
    // Counted across a year nobody has published yet (the test clock runs on today's date), the count says so.
    const provisional = chinaCalendar({ unpublishedYears: 'statutory' }).isProvisionalBetween(D.minus({ days: 8 }).toISODate()!, day)
      ? '，按临时日历计算'
      : '';
    expect(leader.map((m) => m.subject)).toEqual([`【逾期督办·第1级】措施1.3“健全政策机制”（已逾期1个工作日${provisional}）`]);
  });

  it('merges a look-back campaign’s requests into one mail to the office', async () => {
    const D = await wednesday(6);
    const ids = ['1.1', '1.2', '1.3'];
    const handles = [];
    for (const id of ids) {
      const handle = await start(spec(id, D));
      await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: { role: 'unit', who: '区发改委' }, evidence: ['整改报告'] }] });
      await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: { role: 'office', who: '督查科' }, accept: true }] });
      handles.push(handle);
    }
    // The campaign asks them within a second, as lookbackCampaignWorkflow does, at 10:00 sharp.
    const launch = D.minus({ weeks: 3 }).set({ hour: 10 });
    await sleepUntil(launch);
    let due = launch.plus({ days: 14 });
    while (!chinaCalendar({ unpublishedYears: 'statutory' }).isWorkday(due.toISODate()!)) due = due.plus({ days: 1 });
    for (const handle of handles) await handle.signal(startLookbackSignal, { campaign: '冬季回头看', dueDate: due.toISODate()! });
    // The reviews (abandoned by their measures) and the digest, ended with the measures.
    started.push(
      ...ids.map((id) => env.client.workflow.getHandle(lookbackWorkflowId('drill-2024', id, 1))),
      env.client.workflow.getHandle(digestWorkflowId('drill-2024', launch.toMillis(), EMAIL.office)),
    );
    await sleepUntil(launch.plus({ minutes: 5 }));
    const requests = (await smtp.parsed()).filter((m) => m.subject?.startsWith('【回头看】'));
    expect(requests.map((m) => [to(m), m.subject])).toEqual([[EMAIL.office, '【回头看】“冬季回头看”专项：3项已销号措施待核查']]);
    expect([...requests[0].text!.matchAll(/措施(1\.\d+)“/g)].map((m) => m[1])).toEqual(ids);
    // Each review's own calendar event, in one file.
    const ics = requests[0].attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
  });

  it('prepares the morning ahead: the digest holds the notices and sends them at the instant; a change before it takes one back', async () => {
    const UNIT: Actor = { role: 'unit', who: '区发改委' };
    const D = await wednesday(4);
    const handles = new Map<string, WorkflowHandle<typeof measureWorkflow>>();
    for (const id of ['1.1', '1.2', '1.3']) handles.set(id, await start(spec(id, D)));
    // The 5-day reminder's morning: prepared half an hour before 09:00.
    const morning = D.minus({ days: 7 });
    const nine = morning.set({ hour: 9 });
    await sleepUntil(nine.minus({ minutes: 20 }));
    const digestRun = env.client.workflow.getHandle(digestWorkflowId('drill-2024', nine.toMillis(), EMAIL.leadUnit));
    const early = await digestRun.describe();
    expect(early.status.name).toBe('RUNNING');
    expect(early.startTime.getTime()).toBeLessThanOrEqual(nine.toMillis() - PREPARE_LEAD_MS + 60_000);
    expect((await handles.get('1.1')!.query(getDetailsQuery)).prepared).toEqual([
      expect.objectContaining({ stage: 'v1:deadline:reminder:5', at: nine.toMillis() }),
    ]);
    // Before nine: 1.2 is submitted as complete (no reminder is due any more), 1.3 reports progress (still due).
    await handles.get('1.2')!.executeUpdate(submitCompletionUpdate, { args: [{ actor: UNIT, evidence: ['整改报告'] }] });
    await handles.get('1.3')!.executeUpdate(reportProgressUpdate, { args: [{ actor: UNIT, note: '已完成摸排' }] });
    await sleepUntil(morning.set({ hour: 12 }));

    // The first reminder's morning (ten working days before) was prepared while the lights were green: the mail counts them as they are at nine, yellow.
    const first = D.minus({ days: 14 }).toISODate()!;
    expect((await smtp.parsed()).filter((m) => m.subject?.includes(plainDateZh(first))).map((m) => m.subject)).toEqual([
      `【整改提醒汇总】${plainDateZh(first)}（周三）共3项：红0黄3绿0`,
    ]);
    const digest = (await smtp.parsed()).filter((m) => to(m) === EMAIL.leadUnit && m.subject?.includes(plainDateZh(morning.toISODate()!)));
    expect(digest).toHaveLength(1);
    expect([...digest[0].text!.matchAll(/措施(1\.\d+)“/g)].map((m) => m[1]).sort()).toEqual(['1.1', '1.3']);
    // Sent at the instant, not after a quiet period: the digest's send was scheduled at nine.
    const history = await digestRun.fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
    expect(Number(scheduled.eventTime!.seconds) * 1000 - nine.toMillis()).toBeLessThan(5_000);
    // Each measure's record says what happened: delivered at nine in the digest, or taken back.
    const reminders = async (id: string) =>
      ((await handles.get(id)!.query(getDetailsQuery)).deliveries ?? []).filter((d) => d.stage === 'v1:deadline:reminder:5');
    expect(await reminders('1.1')).toEqual([
      expect.objectContaining({
        at: nine.toUTC().toISO(),
        to: [expect.objectContaining({ email: EMAIL.leadUnit, digest: digestRun.workflowId })],
      }),
    ]);
    expect(await reminders('1.2')).toEqual([]);
    expect(await reminders('1.3')).toHaveLength(1);
    await recordHistory('digest-prepared', digestRun);
    await recordHistory('life-prepared-withdrawn', handles.get('1.2')!);
    await recordHistory('life-prepared-again', handles.get('1.3')!);
    // Nothing is left to take back: what was prepared is past its instant (forgotten at the next wake), 1.2's was withdrawn.
    expect((await handles.get('1.2')!.query(getDetailsQuery)).prepared).toBeUndefined();
    for (const id of ['1.1', '1.3'])
      expect((await handles.get(id)!.query(getDetailsQuery)).prepared!.every((p) => p.at <= nine.toMillis())).toBe(true);
  });
});
