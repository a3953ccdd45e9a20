/**
 * Benchmark (not a test): one morning's mail at scale. 2,000 measures of 50 lead units all fall
 * due at the same instant on a real dev server; their final reminders go through digests to a
 * loopback SMTP server. Prints the digests sent, the time from the due instant to the last SMTP
 * acceptance, duplicates and lost notices (both must be 0).
 *   npm run build && node dist/bench/mail-morning.js [measures] [units]
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { stringify } from 'yaml';
import { PlanDirectory } from '../activities/mail/directory';
import { MailDelivery } from '../activities/mail/delivery';
import { SentLedger } from '../activities/mail/sent-ledger';
import { smtpMailer } from '../activities/mail/transport';
import { startPlan } from '../client/measures';
import { loadPlan } from '../config/plan-files';
import { publishedYears } from '../domain/calendar-data';
import { resolveBinary, TEMPORAL_CLI } from '../runtime/binaries';
import { createWorker } from '../worker/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { TASK_QUEUE } from '../contracts/ids';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const measures = Number(process.argv[2] ?? 2000);
  const units = Number(process.argv[3] ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'rectify-bench-mail-'));

  // The loopback SMTP server: records when it accepted each message.
  const accepted: { at: number; raw: Buffer }[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => (accepted.push({ at: Date.now(), raw: Buffer.concat(chunks) }), done()));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as { port: number }).port;

  // Everything falls due at T, a few minutes ahead; today is made a working day for the run.
  const began = Date.now();
  const T = DateTime.now().setZone('Asia/Shanghai').plus({ minutes: 3 }).startOf('minute');
  const today = T.toISODate()!;
  const year = String(T.year);
  const published = publishedYears()[year] ?? { holidays: [], workdays: [] };
  const plan = {
    id: 'bench',
    title: '压力测试计划',
    feedbackDate: today,
    timeZone: 'Asia/Shanghai',
    calendar: {
      unpublishedYears: 'weekdays',
      years: { [year]: { holidays: published.holidays.filter((d) => d !== today), workdays: [...published.workdays, today] } },
    },
    directory: {
      units: Array.from({ length: units }, (_, u) => ({ name: `单位${u + 1}`, emails: [`unit-${u + 1}@bench.example.org`] })),
      leaders: [{ role: '区委常委、常务副区长', email: 'leader@bench.example.org' }],
      office: { name: '区委巡察办', emails: ['office@bench.example.org'] },
      leadershipGroup: { name: '领导小组', emails: ['group@bench.example.org'] },
    },
    policy: { reminders: { offsetsWorkdays: [0], sendAt: T.toFormat('HH:mm') }, dueAt: '23:59' },
    problems: [{ no: 1, title: '压力测试' }],
    measures: Array.from({ length: measures }, (_, i) => ({
      id: `1.${i + 1}`,
      problem: 1,
      title: `措施${i + 1}`,
      text: `措施${i + 1}。`,
      kind: 'deadline',
      leader: '区委常委、常务副区长',
      leadUnit: `单位${(i % units) + 1}`,
      participants: [],
      deadline: today,
    })),
  };
  const planPath = join(dir, 'plan.yaml');
  writeFileSync(planPath, stringify(plan));
  const { plan: valid } = loadPlan(planPath);

  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: resolveBinary(TEMPORAL_CLI).executable, searchAttributes: ALL_SEARCH_ATTRIBUTES, extraArgs: ['--headless'] },
  });
  const mailer = smtpMailer(`smtp://127.0.0.1:${smtpPort}`, { maxConnections: 5 });
  try {
    const delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory([planPath]),
      ledger: new SentLedger(join(dir, 'sent')),
      from: 'rectify@bench.example.org',
      digests: { client: env.client, taskQueue: TASK_QUEUE },
    });
    const worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', delivery });
    await worker.runUntil(async () => {
      const startedAt = Date.now();
      const result = await startPlan(env.client, valid, { concurrency: 32 });
      console.log(
        `started ${result.started.length} measure workflows in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; all due at ${T.toFormat('HH:mm')} (Asia/Shanghai)`,
      );
      if (Date.now() > T.toMillis()) throw new Error('starting took past the due instant: run again with fewer measures');
      // Wait for the morning, then until every recipient's digest is in (or 5 minutes past T).
      const until = T.toMillis() + 5 * 60_000;
      while (
        Date.now() < until &&
        (Date.now() < T.toMillis() || accepted.length < units || Date.now() - accepted[accepted.length - 1].at < 30_000)
      ) {
        await new Promise((r) => setTimeout(r, 1000));
      }
    });
  } finally {
    mailer.close();
    await env.teardown();
    smtp.close();
  }

  const mails = await Promise.all(accepted.map(async (a) => ({ at: a.at, mail: await simpleParser(a.raw) })));
  const seen = new Map<string, number>();
  for (const { mail } of mails) {
    const to = (mail.to as { value: { address: string }[] }).value[0].address;
    for (const m of mail.text!.matchAll(/措施 (1\.\d+)「/g)) seen.set(`${to} ${m[1]}`, (seen.get(`${to} ${m[1]}`) ?? 0) + 1);
  }
  const expected = valid.measures.map((m) => `unit-${Number(m.leadUnit.replace('单位', ''))}@bench.example.org ${m.id}`);
  const lost = expected.filter((k) => !seen.has(k)).length;
  const duplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  const last = Math.max(...mails.map((m) => m.at));
  console.log(`notices: ${measures} final reminders for ${units} lead units, due at one instant`);
  console.log(
    `mails accepted by SMTP: ${mails.length} (digests: ${mails.filter((m) => m.mail.subject?.startsWith('【整改提醒汇总】')).length})`,
  );
  console.log(`from the due instant to the last SMTP acceptance: ${((last - T.toMillis()) / 1000).toFixed(1)} s`);
  console.log(`duplicates: ${duplicates}, lost: ${lost}`);
  console.log(`wall time in all: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  process.exitCode = duplicates || lost ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
