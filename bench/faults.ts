/**
 * The fault suite: the embedded dev server (SQLite file), `rectify worker` processes, a loopback
 * SMTP server, and a fault in the middle of a 09:00 burst. Each scenario says what it did and
 * what it found, and fails on any lost notice or on more mails sent twice than the documented
 * window allows (KILL_WINDOW: at most two per SMTP connection of the worker that died; a digest
 * sent twice repeats all its notices).
 *   npm run faults [-- <scenario>...] [--measures N] [--units R]
 * Scenarios: kill-worker, two-machines, smtp-down, server-restart, campaign-restart, upgrade
 * [--from <commit>] (all, in that order, by default).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { launchCampaign } from '../client/lookback';
import { startPlan } from '../client/measures';
import { mapBounded } from '../client/records';
import { campaignWorkflowId, digestWorkflowId, measureWorkflowId, ofType, WORKFLOW } from '../contracts/ids';
import {
  decideExtensionUpdate,
  getCampaignQuery,
  getStateQuery,
  reportProgressUpdate,
  requestExtensionUpdate,
  submitCompletionUpdate,
  verifyCompletionUpdate,
} from '../contracts/messages';
import type { Plan } from '../domain/plan/schema';
import { SHARED_WORKFLOW_MODULES, workflowsPath } from '../worker/worker';
import * as SA from '../contracts/search-attributes';
import { chinaCalendar } from '../domain/calendar-data';
import { SIGNALS_PER_RUN } from '../workflows/campaign';
import { option, textOption } from './lib/args';
import {
  machine,
  printTable,
  quantile,
  seconds,
  sleep,
  smtpSink,
  spawnWorker,
  tcpGate,
  untilIdle,
  withServer,
  writeResult,
  type SmtpSink,
  type WorkerProcess,
} from './lib/harness';
import { BURST_LIVE, burstExpected, MorningReader, setUpBurst, watchMorning, type Burst, type MorningMail } from './lib/morning';
import { burstPlan, burstPlanData, untilCount, ZONE } from './lib/plans';
import { buildRelease, releaseBeforeNewestPatch } from './lib/release';

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
  /**
   * `rectify worker` on a "machine" of its own (a var dir under the stage), sending to `smtpUrl`
   * (the sink's by default); this checkout's, or the release built at `root`.
   */
  worker(machine: string, smtpUrl?: string, root?: string): Promise<WorkerProcess>;
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
          worker: async (machine, smtpUrl = smtp.url, root) => {
            const w = await spawnWorker(server.address, `${dir}/${machine}`, workerEnv(smtpUrl), root);
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

/** kill -9 `worker` once the burst is under way: what it did, in words and as figures. */
async function killMidBurst(stage: Stage, burst: Burst, worker: WorkerProcess, argv: string[]) {
  const acceptedAtKill = await untilBurstBegins(stage.smtp, burst, killAfter(argv));
  await worker.kill();
  const killedAt = Date.now() - burst.T.toMillis();
  return {
    said: `${stage.measures} notices for ${stage.units} units due at ${burst.T.toFormat('HH:mm')}; worker killed (SIGKILL) ${seconds(killedAt)} s after, when SMTP had accepted ${acceptedAtKill} mail(s)`,
    figures: {
      measures: stage.measures,
      units: stage.units,
      killAfterMs: killAfter(argv),
      acceptedAtKill,
      killedSeconds: seconds(killedAt),
    },
  };
}

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
  onStage('fault-kill', argv, { measures: 2000, units: 50, delayMs: 300 }, async (stage) => {
    const a = await stage.worker('machine-a');
    const burst = await setUpBurst(stage.client, stage);
    const kill = await killMidBurst(stage, burst, a, argv);
    await stage.worker('machine-a');
    const restartedAt = Date.now() - burst.T.toMillis();
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    return {
      scenario: 'kill-worker',
      did: `${kill.said}; restarted on the same machine ${seconds(restartedAt)} s after`,
      figures: { ...kill.figures, restartedSeconds: seconds(restartedAt), ...morningFigures(morning) },
      failures: judge(morning, KILL_WINDOW),
    };
  });

/** Two workers on two "machines" (separate var dirs, so separate sent-ledgers); one killed mid-burst and not restarted. */
const twoMachines: Scenario = (argv) =>
  onStage('fault-two', argv, { measures: 2000, units: 50, delayMs: 300 }, async (stage) => {
    const a = await stage.worker('machine-a');
    await stage.worker('machine-b');
    const burst = await setUpBurst(stage.client, stage);
    const kill = await killMidBurst(stage, burst, a, argv);
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    const twice = await sendHistories(stage.client, burst, morning.duplicatedTo);
    for (const line of twice) console.log(`  sent twice: ${line}`);
    return {
      scenario: 'two-machines',
      did: `${kill.said} (machine A; B, with its own var dir, carried on alone)`,
      figures: { ...kill.figures, ...morningFigures(morning), sentTwice: twice },
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

/**
 * A look-back campaign by selection over N closed measures (one page per run, so it continues as
 * new several times); the dev server stopped while the campaign is part-way through its batches
 * and started again 20 s later. The campaign completes once (one run completes, with every
 * measure asked), each measure has one review for it, and the office is asked once per review.
 */
const campaignRestart: Scenario = (argv) =>
  onStage('fault-campaign', argv, { measures: 1000, units: 20 }, async ({ server, smtp, client, measures, units, worker }) => {
    await worker('machine-a');
    const today = DateTime.now().setZone(ZONE);
    // Reminders due in ten days: nothing is sent on the measures' own account during the run.
    const plan = burstPlan(measures, units, today.plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }));
    await startPlan(client, plan, { concurrency: 32 });
    await untilCount(client, BURST_LIVE, measures, 10 * 60_000);
    await mapBounded(plan.measures, 32, async (m) => {
      const handle = client.workflow.getHandle(measureWorkflowId('burst', m.id));
      await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: { role: 'unit', who: m.leadUnit }, evidence: ['整改报告'] }] });
      await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: { role: 'office', who: '督查科' }, accept: true }] });
    });
    await untilCount(client, `PlanId = 'burst' AND ${ofType(WORKFLOW.measure)} AND MeasureStatus = 'closed'`, measures, 10 * 60_000);
    await untilIdle(client, 5 * 60_000);

    const name = '冬季回头看';
    const reviewsOfCampaign = `${ofType(WORKFLOW.lookbackReview)} AND LookbackCampaign = '${name}'`;
    let due = today.plus({ days: 14 });
    while (!chinaCalendar({ unpublishedYears: 'statutory' }).isWorkday(due.toISODate()!)) due = due.plus({ days: 1 });
    const office = 'office@bench.example.org';
    const reader = new MorningReader(
      smtp.accepted,
      Date.now(),
      new Set(plan.measures.map((m) => `${office} ${m.id}`)),
      smtp.accepted.length,
    );
    const launchedAt = Date.now();
    const launch = await launchCampaign(client, name, due.toISODate()!, { planId: 'burst' }, today.toISODate()!);
    if (!launch.results[0]?.launched) throw new Error(`campaign not launched: ${JSON.stringify(launch)}`);
    const campaign = client.workflow.getHandle(campaignWorkflowId('burst', name));
    // Stopped once the campaign has asked some measures and not all (a query answers between batches).
    let askedAtStop = 0;
    while (askedAtStop === 0) {
      askedAtStop = (await campaign.query(getCampaignQuery).catch(() => ({ asked: 0 }))).asked;
      if (askedAtStop >= measures) throw new Error('the campaign finished before the server could be stopped: use more --measures');
      if (Date.now() - launchedAt > 5 * 60_000) throw new Error('the campaign asked no measure in 5 minutes');
      await sleep(20);
    }
    const stoppedAt = Date.now() - launchedAt;
    const reviewsAtStop = (await client.workflow.count(reviewsOfCampaign)).count;
    await server.restart(20_000);
    const result = await campaign.result();
    const completedAt = Date.now() - launchedAt;
    // Visibility follows the result a moment later: read the runs once it shows the campaign completed.
    const ofCampaign = `WorkflowId = '${campaign.workflowId}'`;
    await untilCount(client, `${ofCampaign} AND ExecutionStatus = 'Completed'`, 1, 60_000, 200);
    const runs: string[] = [];
    for await (const run of client.workflow.list({ query: ofCampaign })) runs.push(run.status.name);
    const reviewed = new Map<string, number>();
    await untilCount(client, reviewsOfCampaign, measures, 5 * 60_000);
    for await (const review of client.workflow.list({ query: reviewsOfCampaign })) {
      const id = review.typedSearchAttributes.get(SA.MeasureId) ?? review.workflowId;
      reviewed.set(id, (reviewed.get(id) ?? 0) + 1);
    }
    const morning = await watchMorning(
      smtp.accepted,
      { T: DateTime.fromMillis(launchedAt), expected: new Set() },
      launchedAt + 10 * 60_000,
      {
        reader,
      },
    );
    const failures = judge(morning, 0);
    const completed = runs.filter((r) => r === 'COMPLETED').length;
    if (completed !== 1 || runs.some((r) => !['COMPLETED', 'CONTINUED_AS_NEW'].includes(r)))
      failures.push(`the campaign's runs ended ${runs.join(', ')} (want one COMPLETED, the rest CONTINUED_AS_NEW)`);
    if (result !== measures) failures.push(`the campaign asked ${result} measures, not ${measures}`);
    const twice = [...reviewed.values()].filter((n) => n > 1).length;
    if (reviewed.size !== measures || twice) failures.push(`${reviewed.size} of ${measures} measures reviewed, ${twice} more than once`);
    return {
      scenario: 'campaign-restart',
      did: `a look-back campaign by selection over ${measures} closed measures (${SIGNALS_PER_RUN} a run); the dev server stopped ${seconds(stoppedAt)} s after the launch, when the campaign had asked ${askedAtStop} and ${reviewsAtStop} reviews had started, and started again on its database 20 s later`,
      figures: {
        measures,
        units,
        askedAtStop,
        reviewsAtStop,
        campaignRuns: runs.length,
        campaignAsked: result,
        campaignSeconds: seconds(completedAt),
        reviews: [...reviewed.values()].reduce((a, b) => a + b, 0),
        ...morningFigures(morning),
      },
      failures,
    };
  });

/**
 * An upgrade while measures run. The release before the newest named patch (or --from <commit>)
 * starts a burst plan with its own `rectify start` and runs it on its own worker; progress,
 * extension requests and completions are made under it. 45 s before T it is stopped (SIGTERM, as
 * a deployment does) and this checkout's worker takes over with an empty cache, so that each
 * workflow's next task replays its whole history on the new code. After the morning the new
 * release decides what the old one began. Held when every notice arrives once, no workflow task
 * failed on any workflow of the run, every history of the run (the old code's events and the
 * new's) replays on this checkout's bundle, and the measures end as they were told.
 */
const upgrade: Scenario = (argv) =>
  onStage('fault-upgrade', argv, { measures: 500, units: 20 }, async ({ dir, server, smtp, client, measures, units, worker }) => {
    const release = buildRelease(textOption(argv, 'from') ?? releaseBeforeNewestPatch(), join(dir, 'release'));
    const old = await worker('machine-a', smtp.url, release.root);
    const T = DateTime.now()
      .setZone(ZONE)
      .plus({ seconds: 120 + measures / 4 })
      .startOf('minute')
      .plus({ minutes: 1 });
    const planFile = join(dir, 'burst-plan.json');
    writeFileSync(planFile, JSON.stringify(burstPlanData(measures, units, T)));
    const start = spawnSync(process.execPath, [join(release.root, 'dist', 'client', 'cli', 'index.js'), 'start', planFile], {
      cwd: release.root,
      env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', RECTIFY_VAR_DIR: join(dir, 'release-cli') },
      encoding: 'utf8',
    });
    if (start.status !== 0) throw new Error(`rectify start of release ${release.commit} failed: ${start.stderr || start.stdout}`);
    const plan = burstPlan(measures, units, T);
    await untilCount(client, BURST_LIVE, measures, T.toMillis() - Date.now());

    // What each measure goes through, by its index: 0 reminded, progress after; 1 progress, then
    // reminded, then completion submitted; 2 extension requested, reminded, granted after;
    // 3 completion submitted (not reminded), verified after; 4 closed under the old release.
    const unit = (m: Plan['measures'][number]) => ({ role: 'unit' as const, who: m.leadUnit });
    const desk = { role: 'office' as const, who: '督查科' };
    const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
    let extendTo = T.plus({ days: 30 });
    while (!calendar.isWorkday(extendTo.toISODate()!)) extendTo = extendTo.plus({ days: 1 });
    const indexed = plan.measures.map((m, i) => ({ m, g: i % 5, handle: client.workflow.getHandle(measureWorkflowId('burst', m.id)) }));
    await mapBounded(indexed, 16, async ({ m, g, handle }) => {
      if (g === 1) await handle.executeUpdate(reportProgressUpdate, { args: [{ actor: unit(m), note: '已完成排查,正在整改' }] });
      if (g === 2)
        await handle.executeUpdate(requestExtensionUpdate, {
          args: [{ actor: unit(m), newDeadline: extendTo.toISODate()!, reason: '涉及多个部门,需协调' }],
        });
      if (g >= 3) await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: unit(m), evidence: ['整改报告'] }] });
      if (g === 4) await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: desk, accept: true }] });
    });
    if (Date.now() > T.toMillis() - 60_000) throw new Error('the old release was still being used 60 s before T: use fewer --measures');
    await sleep(T.toMillis() - 45_000 - Date.now());
    await old.stop();
    await worker('machine-a');
    const upgradedAt = Date.now() - T.toMillis();
    const reminded = new Set(indexed.filter(({ g }) => g < 3).map(({ m }) => m.id));
    const expected = new Set([...burstExpected(plan)].filter((k) => reminded.has(k.split(' ')[1])));
    const morning = await watchMorning(smtp.accepted, { T, expected }, T.toMillis() + 3 * 60_000);
    const failures = judge(morning, 0);

    // Every workflow of the run: its history, and the workflow tasks that failed in it.
    const scan = async () => {
      const histories: { workflowId: string; history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> }[] = [];
      const failed: string[] = [];
      for await (const wf of client.workflow.list()) {
        const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        histories.push({ workflowId: wf.workflowId, history });
        for (const e of history.events ?? []) {
          const f = e.workflowTaskFailedEventAttributes;
          if (f) failed.push(`${wf.workflowId}: ${String(f.cause)} ${f.failure?.message ?? ''}`);
        }
      }
      return { histories, failed };
    };

    // The new release decides what the old one began (not when workflows are stuck: an Update would wait on them).
    const acting = !morning.lost && !(await scan()).failed.length;
    const wrong: string[] = [];
    if (acting) {
      await mapBounded(indexed, 16, async ({ m, g, handle }) => {
        if (g === 0) await handle.executeUpdate(reportProgressUpdate, { args: [{ actor: unit(m), note: '按期推进' }] });
        if (g === 1) await handle.executeUpdate(submitCompletionUpdate, { args: [{ actor: unit(m), evidence: ['整改报告'] }] });
        if (g === 2) await handle.executeUpdate(decideExtensionUpdate, { args: [{ actor: desk, approve: true }] });
        if (g === 3) await handle.executeUpdate(verifyCompletionUpdate, { args: [{ actor: desk, accept: true }] });
      });
      await untilIdle(client, 5 * 60_000);
      const want = { 0: 'active', 1: 'submitted', 2: 'active', 3: 'closed', 4: 'closed' } as const;
      await mapBounded(indexed, 16, async ({ m, g, handle }) => {
        const { progress } = await handle.query(getStateQuery);
        if (progress.status !== want[g as keyof typeof want] || (g === 2 && progress.deadline !== extendTo.toISODate()))
          wrong.push(`${m.id} ${progress.status} ${progress.deadline}`);
      });
      if (wrong.length) failures.push(`${wrong.length} measures not as told, e.g. ${wrong.slice(0, 3).join('; ')}`);
    } else failures.push('workflows stuck after the upgrade: the new release did not act');

    const { histories, failed: failedTasks } = await scan();
    for (const line of failedTasks.slice(0, 5)) console.log(`  failed task: ${line}`);
    if (failedTasks.length) failures.push(`${failedTasks.length} workflow tasks failed`);
    // Every history of the run on this checkout's bundle, the old code's events and the new's.
    const replayFailures: string[] = [];
    const bundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      preloadModules: SHARED_WORKFLOW_MODULES,
      logger: quietBundler,
    });
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories))
      if (r.error) replayFailures.push(`${r.workflowId}: ${r.error.message}`);
    for (const line of replayFailures.slice(0, 5)) console.log(`  does not replay: ${line}`);
    if (replayFailures.length) failures.push(`${replayFailures.length} of ${histories.length} histories do not replay on this checkout`);
    return {
      scenario: 'upgrade',
      did: `release ${release.commit} started ${measures} measures (${units} units) due at ${T.toFormat('HH:mm')} with its own rectify start and worker, and took progress, extension requests and completions; stopped ${seconds(-upgradedAt)} s before T and this checkout's worker (${String(machine().commit)}) took over; ${acting ? 'after the morning it took progress and completions, granted the extensions and verified' : 'the workflows were stuck, so it did not act'}`,
      figures: {
        measures,
        units,
        from: release.commit,
        upgradedSeconds: seconds(upgradedAt),
        ...morningFigures(morning),
        workflows: histories.length,
        events: histories.reduce((n, h) => n + (h.history.events?.length ?? 0), 0),
        failedWorkflowTasks: failedTasks.length,
        notReplaying: replayFailures.length,
        actedAfterUpgrade: acting,
        measuresNotAsTold: wrong.length,
      },
      failures,
    };
  });

const noop = () => undefined;
const quietBundler = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };

const SCENARIOS: Record<string, Scenario> = {
  'kill-worker': killWorker,
  'two-machines': twoMachines,
  'smtp-down': smtpDown,
  'server-restart': serverRestart,
  'campaign-restart': campaignRestart,
  upgrade,
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
