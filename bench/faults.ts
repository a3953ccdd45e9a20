/**
 * The fault suite: the embedded dev server (SQLite file), `rectify worker` processes, a loopback
 * SMTP server, and a fault in the middle of a 09:00 burst. Each scenario says what it did and
 * what it found, and fails on any lost notice or on more mails sent twice than the documented
 * window allows (KILL_WINDOW: at most two per SMTP connection of the worker that died; a digest
 * sent twice repeats all its notices).
 *   npm run faults [-- <scenario>...] [--measures N] [--units R]
 * Scenarios: kill-worker, two-machines, smtp-down, server-restart (all, in that order, by default).
 */
import { Client, Connection } from '@temporalio/client';
import { digestWorkflowId } from '../contracts/ids';
import { option } from './lib/args';
import {
  printTable,
  quantile,
  seconds,
  sleep,
  smtpSink,
  spawnWorker,
  tcpGate,
  withServer,
  writeResult,
  type SmtpSink,
  type WorkerProcess,
} from './lib/harness';
import { setUpBurst, watchMorning, type Burst, type MorningMail } from './lib/morning';

/** SMTP connections per worker: the most sends in flight when one dies. */
const SMTP_CONNECTIONS = 5;
/**
 * The most mails a killed worker may cause to be sent twice: per SMTP connection, the mail whose
 * 250 it had received but not yet recorded (heartbeat and sent-ledger), and the one the server
 * had received in full but whose 250 it never read. The retry cannot know of either.
 */
const KILL_WINDOW = 2 * SMTP_CONNECTIONS;
const FROM = '"区委巡察办 整改提醒" <rectify@bench.example.org>';

interface Outcome {
  scenario: string;
  did: string;
  figures: Record<string, unknown>;
  /** Why it failed; empty when it held. */
  failures: string[];
}

type Scenario = (argv: string[]) => Promise<Outcome>;

const workerEnv = (smtpUrl: string) => ({ SMTP_URL: smtpUrl, MAIL_FROM: FROM, SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS) });

async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

interface Stage {
  dir: string;
  server: { address: string; restart(downMs?: number): Promise<void> };
  smtp: SmtpSink;
  client: Client;
  measures: number;
  units: number;
  /** `rectify worker` on a "machine" of its own (a var dir under the stage), sending to `smtpUrl` (the sink's by default). */
  worker(machine: string, smtpUrl?: string): Promise<WorkerProcess>;
}

/**
 * What every scenario stands on: a bench server, a loopback SMTP sink, a client, workers as it
 * starts them, and the burst's size from the command line; all stopped afterwards.
 */
async function onStage<T>(
  name: string,
  argv: string[],
  defaults: { measures: number; units: number; delayMs?: number },
  fn: (stage: Stage) => Promise<T>,
): Promise<T> {
  const measures = option(argv, 'measures', defaults.measures);
  const units = option(argv, 'units', defaults.units);
  return withServer(name, async ({ dir, server }) => {
    const smtp = await smtpSink({ delayMs: defaults.delayMs });
    const workers: WorkerProcess[] = [];
    try {
      return await withClient(server.address, (client) =>
        fn({
          dir,
          server,
          smtp,
          client,
          measures,
          units,
          worker: async (machine, smtpUrl = smtp.url) => {
            const w = await spawnWorker(server.address, `${dir}/${machine}`, workerEnv(smtpUrl));
            workers.push(w);
            return w;
          },
        }),
      );
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await smtp.close();
    }
  });
}

/**
 * Until SMTP has accepted a mail of the morning (sent at or after T), then `afterMs` more: the
 * burst is under way. How many mails were accepted by then.
 */
async function untilBurstBegins(smtp: SmtpSink, burst: Burst, afterMs: number): Promise<number> {
  const deadline = burst.T.toMillis() + 5 * 60_000;
  const sent = () => smtp.accepted.filter((a) => a.at >= burst.T.toMillis()).length;
  while (!sent()) {
    if (Date.now() > deadline) throw new Error('5 分钟内没有任何邮件发出');
    await sleep(10);
  }
  await sleep(afterMs);
  return sent();
}

/**
 * When to kill, after the first acceptance: --kill-after-ms (150 by default: between two rounds
 * of acceptances, each message being held 300 ms; 0 kills in the very moment SMTP accepts, the
 * worst case, when every mail then in flight is sent again).
 */
const killAfter = (argv: string[]) => (argv.includes('--kill-after-ms') ? Number(argv[argv.indexOf('--kill-after-ms') + 1]) || 0 : 150);

function morningFigures(m: MorningMail) {
  return {
    notices: m.seen.size,
    lost: m.lost,
    duplicates: m.duplicates,
    duplicateMails: m.duplicateMails,
    mails: m.mails,
    digests: m.digests,
    latencySeconds: {
      p50: seconds(quantile(m.latencies, 0.5)),
      p99: seconds(quantile(m.latencies, 0.99)),
      max: seconds(m.latencies.at(-1) ?? NaN),
    },
  };
}

/** For each recipient who got a mail twice: how its digest's send went (attempts, on which worker, how each ended). */
async function sendHistories(client: Client, burst: Burst, recipients: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const email of recipients) {
    const history = await client.workflow.getHandle(digestWorkflowId('burst', burst.T.toMillis(), email)).fetchHistory();
    const steps = (history.events ?? []).flatMap((e) => {
      const t = `${seconds(Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6) - burst.T.toMillis())} s`;
      if (e.activityTaskStartedEventAttributes)
        return [
          `started attempt ${e.activityTaskStartedEventAttributes.attempt} on ${e.activityTaskStartedEventAttributes.identity} at ${t}`,
        ];
      if (e.activityTaskCompletedEventAttributes) return [`completed at ${t}`];
      if (e.activityTaskTimedOutEventAttributes) return [`timed out at ${t}`];
      if (e.activityTaskFailedEventAttributes) return [`failed at ${t}: ${e.activityTaskFailedEventAttributes.failure?.message}`];
      return [];
    });
    lines.push(`${email}: ${steps.join('; ')}`);
  }
  return lines;
}

/**
 * Lost notices fail; so do more mails sent twice (the same Message-ID accepted again) than
 * `window` allows. A digest sent twice repeats every notice in it: counted too, and reported.
 */
function judge(m: MorningMail, window: number): string[] {
  const failures: string[] = [];
  if (m.lost) failures.push(`${m.lost} notices lost`);
  if (m.duplicateMails > window) failures.push(`${m.duplicateMails} mails sent twice, more than the window of ${window}`);
  if (!window && m.duplicates) failures.push(`${m.duplicates} notices arrived twice`);
  return failures;
}

/** kill -9 the worker as the burst's first mail is accepted; start it again on the same machine (var dir). */
const killWorker: Scenario = (argv) =>
  // Each message is held 300 ms before its 250, so the burst lasts seconds and the kill lands inside it.
  onStage('fault-kill', argv, { measures: 2000, units: 50, delayMs: 300 }, async ({ smtp, client, measures, units, worker }) => {
    const a = await worker('machine-a');
    const burst = await setUpBurst(client, { measures, units });
    const acceptedAtKill = await untilBurstBegins(smtp, burst, killAfter(argv));
    await a.kill();
    const killedAt = Date.now() - burst.T.toMillis();
    await worker('machine-a');
    const restartedAt = Date.now() - burst.T.toMillis();
    const morning = await watchMorning(smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    return {
      scenario: 'kill-worker',
      did: `${measures} notices for ${units} units due at ${burst.T.toFormat('HH:mm')}; worker killed (SIGKILL) ${seconds(killedAt)} s after, when SMTP had accepted ${acceptedAtKill} mail(s); restarted on the same machine ${seconds(restartedAt)} s after`,
      figures: {
        measures,
        units,
        killAfterMs: killAfter(argv),
        acceptedAtKill,
        killedSeconds: seconds(killedAt),
        restartedSeconds: seconds(restartedAt),
        ...morningFigures(morning),
      },
      failures: judge(morning, KILL_WINDOW),
    };
  });

/** Two workers on two "machines" (separate var dirs, so separate sent-ledgers); one killed mid-burst and not restarted. */
const twoMachines: Scenario = (argv) =>
  onStage('fault-two', argv, { measures: 2000, units: 50, delayMs: 300 }, async ({ smtp, client, measures, units, worker }) => {
    const a = await worker('machine-a');
    await worker('machine-b');
    const burst = await setUpBurst(client, { measures, units });
    const acceptedAtKill = await untilBurstBegins(smtp, burst, killAfter(argv));
    await a.kill();
    const killedAt = Date.now() - burst.T.toMillis();
    const morning = await watchMorning(smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    const twice = await sendHistories(client, burst, morning.duplicatedTo);
    for (const line of twice) console.log(`  sent twice: ${line}`);
    return {
      scenario: 'two-machines',
      did: `${measures} notices for ${units} units due at ${burst.T.toFormat('HH:mm')}, two workers with separate var dirs; machine A killed (SIGKILL) ${seconds(killedAt)} s after, when SMTP had accepted ${acceptedAtKill} mail(s); B carried on alone`,
      figures: {
        measures,
        units,
        killAfterMs: killAfter(argv),
        acceptedAtKill,
        killedSeconds: seconds(killedAt),
        ...morningFigures(morning),
        sentTwice: twice,
      },
      failures: judge(morning, KILL_WINDOW),
    };
  });

/**
 * SMTP down over the send instant: connections refused from a minute before T until T + 1 min,
 * then greylisting (451 to every recipient) until T + 2.5 min, then back; one unit's address is
 * refused (550) throughout. Everything deliverable arrives, the office is told once about the
 * refused address, and the senders knock at a bounded rate (retries back off from 10 s).
 */
const smtpDown: Scenario = (argv) =>
  onStage('fault-smtp', argv, { measures: 200, units: 20 }, async ({ smtp, client, measures, units, worker }) => {
    const gate = await tcpGate(smtp.port);
    try {
      const refused = 'unit-3@bench.example.org';
      smtp.policy.reject.add(refused);
      await worker('machine-a', gate.url);
      const burst = await setUpBurst(client, { measures, units });
      const T = burst.T.toMillis();
      await sleep(T - 60_000 - Date.now());
      await gate.down();
      await sleep(T + 60_000 - Date.now());
      smtp.policy.greylist = true;
      await gate.up();
      const greylistFrom = smtp.attempts.length;
      await sleep(T + 150_000 - Date.now());
      smtp.policy.greylist = false;
      const greylisted = smtp.attempts.slice(greylistFrom);
      const recoveredAt = Date.now();
      const except = (key: string) => key.startsWith(`${refused} `);
      const morning = await watchMorning(smtp.accepted, burst, T + 20 * 60_000, { except });
      const officeReports = morning.others.filter((o) => o.to === 'office@bench.example.org' && o.subject.startsWith('【通知未送达】'));
      const perMinute = (instants: number[]) => {
        const counts = new Map<number, number>();
        for (const t of instants) counts.set(Math.floor(t / 60_000), (counts.get(Math.floor(t / 60_000)) ?? 0) + 1);
        return Math.max(0, ...counts.values());
      };
      // Each recipient's digest retries at most every 10 s: six knocks a minute each, at most.
      const bound = 6 * units;
      const failures = judge(morning, 0);
      if (officeReports.length !== 1) failures.push(`the office was told ${officeReports.length} times about ${refused} (want once)`);
      const greylistPeak = perMinute(greylisted);
      if (greylistPeak > bound) failures.push(`${greylistPeak} attempts in a minute while greylisted (bound ${bound})`);
      return {
        scenario: 'smtp-down',
        did: `${measures} notices for ${units} units due at ${burst.T.toFormat('HH:mm')}; SMTP refused connections from T-60 s to T+60 s, greylisted (451) to T+150 s, and refused ${refused} (550) throughout`,
        figures: {
          measures,
          units,
          ...morningFigures(morning),
          deliveredAfterRecoverySeconds: seconds(morning.lastMs - (recoveredAt - T)),
          greylistAttempts: greylisted.length,
          greylistAttemptsPeakPerMinute: greylistPeak,
          attemptsBoundPerMinute: bound,
          officeReports: officeReports.length,
        },
        failures,
      };
    } finally {
      await gate.close();
    }
  });

/** The dev server stopped 40 s before T and started again (same database) 30 s later, while every measure waits on its timer. */
const serverRestart: Scenario = (argv) =>
  onStage('fault-server', argv, { measures: 500, units: 20 }, async ({ server, smtp, client, measures, units, worker }) => {
    await worker('machine-a');
    const burst = await setUpBurst(client, { measures, units });
    const T = burst.T.toMillis();
    await sleep(T - 40_000 - Date.now());
    await server.restart(30_000);
    const morning = await watchMorning(smtp.accepted, burst, T + 10 * 60_000);
    return {
      scenario: 'server-restart',
      did: `${measures} notices for ${units} units due at ${burst.T.toFormat('HH:mm')}; the dev server stopped at T-40 s and started again on its database at T-10 s`,
      figures: { measures, units, ...morningFigures(morning) },
      failures: judge(morning, 0),
    };
  });

const SCENARIOS: Record<string, Scenario> = {
  'kill-worker': killWorker,
  'two-machines': twoMachines,
  'smtp-down': smtpDown,
  'server-restart': serverRestart,
};

export async function faults(argv: string[]): Promise<number> {
  const named = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const unknown = named.filter((n) => !SCENARIOS[n]);
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`);
  const outcomes: Outcome[] = [];
  for (const name of named.length ? named : Object.keys(SCENARIOS)) {
    console.log(`\n== ${name}`);
    const began = Date.now();
    const outcome = await SCENARIOS[name](argv);
    outcomes.push(outcome);
    console.log(outcome.did);
    const f = outcome.figures as ReturnType<typeof morningFigures>;
    printTable(`${name}: ${outcome.failures.length ? 'FAILED' : 'held'} (${seconds(Date.now() - began)} s)`, [
      ['notices delivered / lost', `${f.notices} / ${f.lost}`],
      ['mails sent twice (notices in them)', `${f.duplicateMails} (${f.duplicates})`],
      ['latency p50 / p99 / max (s)', `${f.latencySeconds.p50} / ${f.latencySeconds.p99} / ${f.latencySeconds.max}`],
      ...Object.entries(outcome.figures)
        .filter(
          ([k]) => !['notices', 'lost', 'duplicates', 'duplicateMails', 'latencySeconds', 'measures', 'units', 'sentTwice'].includes(k),
        )
        .map(([k, v]): [string, string] => [k, String(v)]),
    ]);
    for (const failure of outcome.failures) console.log(`  FAILED: ${failure}`);
    writeResult(`faults-${name}`, { ...outcome });
  }
  const failed = outcomes.filter((o) => o.failures.length);
  console.log(
    `\n${outcomes.length - failed.length} of ${outcomes.length} scenarios held${failed.length ? `; failed: ${failed.map((o) => o.scenario).join(', ')}` : ''}`,
  );
  return failed.length ? 1 : 0;
}
