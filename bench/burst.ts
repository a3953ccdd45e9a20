/**
 * Benchmark: the 09:00 burst. N final reminders for R lead units fall due at one instant; the
 * measures run on the embedded dev server (SQLite file) and `rectify worker` processes; their mail
 * goes to a loopback SMTP server. Latency per notice is from the due instant to SMTP's acceptance
 * of the mail that carries it. Also: digests sent, duplicates and lost notices (both must be 0),
 * and where the time went (hand-offs to the digests, the digests' wait, sending), from the
 * digests' histories.
 * With --robots every unit also has a group robot on the robots' double (企业微信, 钉钉, 飞书 in
 * turn; bench/lib/robots.ts) with the platforms' rate limits, --throttled N of them (10) already at
 * their limit as the burst begins, of the platforms --throttle names (企业微信 by default; 钉钉's
 * wait is ten minutes):
 * posts per unit (each must be its digest, once, or twice only where the post was under way at the
 * kill), throttled answers, time to the last post and throughput. With --kill the worker is killed (SIGKILL) --kill-after-ms (150) after SMTP's first
 * acceptance and started again on the same machine.
 *   npm run bench -- burst [--measures 2000] [--units 50] [--workers 1] [--robots [--throttled 10] [--throttle wecom,feishu,dingtalk]] [--kill [--kill-after-ms 150]]
 */
import { Client, Connection } from '@temporalio/client';
import { ofType, WORKFLOW } from '../contracts/ids';
import { spawnWorker, withServer, type WorkerProcess } from './lib/harness';
import { latencySeconds, mib, printTable, quantile, seconds, writeResult } from './lib/results';
import { smtpSink } from './lib/smtp';
import { setUpBurst, watchMorning } from './lib/morning';
import { option, textOption } from './lib/args';
import {
  burstChannels,
  burstRobots,
  fillQuotas,
  robotFigures,
  robotsToThrottle,
  robotWorkerEnv,
  throttlePlatforms,
  startRobotDouble,
  watchRobots,
  type RobotMorning,
} from './lib/robots';
import { KILL_WINDOW, killAfter, ROBOT_RECORD_MS, untilBurstBegins } from './faults/stage';
import { judge, judgeRobots, postsUnderWay } from './faults/verdict';

export async function burst(argv: string[]): Promise<number> {
  const measures = option(argv, 'measures', 2000);
  const units = option(argv, 'units', 50);
  const workerCount = option(argv, 'workers', 1);
  const withRobots = argv.includes('--robots');
  const kill = argv.includes('--kill');
  return withServer('burst', async ({ dir, server }) => {
    const smtp = await smtpSink();
    const robots = withRobots ? burstRobots(units) : [];
    const double = withRobots ? await startRobotDouble(robots) : undefined;
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    const workers: WorkerProcess[] = [];
    const workerEnv = {
      SMTP_URL: smtp.url,
      MAIL_FROM: '“区委巡察办 整改提醒”<rectify@bench.example.org>',
      SMTP_MAX_CONNECTIONS: '5',
      ...(double ? robotWorkerEnv(robots, double.url) : {}),
    };
    try {
      for (let w = 0; w < workerCount; w++) workers.push(await spawnWorker(server.address, `${dir}/worker-${w + 1}`, workerEnv));
      const realistic = argv.includes('--realistic');
      const burst = await setUpBurst(client, { measures, units, realistic, ...(withRobots ? { channels: burstChannels(robots) } : {}) });
      const { T } = burst;
      console.log(
        `${measures} measures started in ${seconds(burst.startedMs)} s, all asleep after ${seconds(burst.asleepMs)} s, ` +
          `notices prepared and the queue idle ${seconds(burst.preparedIdleMs)} s after ${realistic ? 'T - 30 min' : 'that'}; due at ${T.toFormat('HH:mm')} (in ${seconds(T.toMillis() - Date.now())} s)`,
      );
      const rssBefore = workers.map((w) => w.rss());
      const throttled = double
        ? robotsToThrottle(robots, option(argv, 'throttled', 10), throttlePlatforms(textOption(argv, 'throttle')))
        : [];
      if (double && throttled.length) await fillQuotas(double.url, throttled, T.toMillis());
      let killed: Record<string, number> = {};
      /** The units whose post was under way at the kill: the only ones that may be posted twice. */
      let underWay: number[] = [];
      if (kill) {
        // The first worker, killed mid-burst and started again on its machine (its var dir: the same sent-ledger).
        const acceptedAtKill = await untilBurstBegins(smtp, burst, killAfter(argv));
        const killSentAt = Date.now();
        await workers[0].kill();
        if (double) underWay = postsUnderWay(double, robots, killSentAt, ROBOT_RECORD_MS);
        const killedAt = Date.now() - T.toMillis();
        workers.push(await spawnWorker(server.address, `${dir}/worker-1`, workerEnv));
        killed = { acceptedAtKill, killedSeconds: seconds(killedAt), restartedSeconds: seconds(Date.now() - T.toMillis()) };
        console.log(
          `worker killed (SIGKILL) ${killed.killedSeconds} s after T with ${acceptedAtKill} mail(s) accepted; polling again ${killed.restartedSeconds} s after T`,
        );
      }

      // The morning: until every notice is in a mail, or the time is up.
      const morning = await watchMorning(smtp.accepted, burst, T.toMillis() + Math.max(10 * 60_000, measures * 60));
      const { latencies, digests, duplicates, lost } = morning;
      // The groups: until every robot has had its post (a throttled one after the platform's wait).
      const chat: RobotMorning | undefined = double
        ? await watchRobots(double, robots, burst.plan, T.toMillis(), T.toMillis() + Math.max(15 * 60_000, measures * 60))
        : undefined;

      // Where the time went: each digest's history (hand-offs arrive as signals; then it sends).
      const handoffs: number[] = [];
      const waits: number[] = [];
      const sends: number[] = [];
      const fired: number[] = [];
      const scheduledAt: number[] = [];
      for await (const d of client.workflow.list({ query: `${ofType(WORKFLOW.digest)} AND WorkflowId STARTS_WITH 'digest:burst:'` })) {
        const history = await client.workflow.getHandle(d.workflowId).fetchHistory();
        const at = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
          Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
        const events = history.events ?? [];
        const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes || e.workflowExecutionStartedEventAttributes);
        for (const s of signals.filter((e) => e.workflowExecutionSignaledEventAttributes)) handoffs.push(at(s) - T.toMillis());
        const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes);
        const completed = events.find((e) => e.activityTaskCompletedEventAttributes);
        const lastSignal = Math.max(...signals.map(at));
        if (scheduled) waits.push(at(scheduled) - lastSignal);
        if (scheduled) scheduledAt.push(at(scheduled) - T.toMillis());
        const timer = events.find((e) => e.timerFiredEventAttributes);
        if (timer) fired.push(at(timer) - T.toMillis());
        if (scheduled && completed) sends.push(at(completed) - at(scheduled));
      }
      for (const xs of [handoffs, waits, sends, fired, scheduledAt]) xs.sort((a, b) => a - b);
      const figures = {
        measures,
        units,
        workers: workerCount,
        prepared: realistic ? 'at T - 30 min, as its own burst' : 'as the measures started',
        preparedIdleSeconds: seconds(burst.preparedIdleMs),
        startSeconds: seconds(burst.startedMs),
        asleepSeconds: seconds(burst.asleepMs),
        latencySeconds: latencySeconds(latencies),
        mails: morning.mails,
        digests,
        duplicates,
        lost,
        breakdownSeconds: {
          handoffP50: seconds(quantile(handoffs, 0.5)),
          handoffP99: seconds(quantile(handoffs, 0.99)),
          handoffMax: seconds(handoffs.at(-1) ?? NaN),
          digestWaitMax: seconds(waits.at(-1) ?? NaN),
          digestTimerFiredMax: seconds(fired.at(-1) ?? NaN),
          digestSendScheduledP50: seconds(quantile(scheduledAt, 0.5)),
          digestSendScheduledMax: seconds(scheduledAt.at(-1) ?? NaN),
          digestSendMax: seconds(sends.at(-1) ?? NaN),
        },
        workerRssMiB: { beforeBurst: rssBefore.map(mib), peak: workers.map((w) => mib(w.peakRss())) },
        databaseMiB: mib(server.dbBytes()),
        ...(kill ? { kill: { killAfterMs: killAfter(argv), ...killed, postsUnderWay: underWay.map((u) => `单位${u}`) } } : {}),
        ...(chat
          ? {
              robots: {
                platforms: '企业微信, 钉钉 (加签), 飞书 (签名校验) in turn',
                throttledAtT: throttled.map((r) => `单位${r.unit} ${r.platform}`),
                ...robotFigures(chat, measures),
              },
            }
          : {}),
      };
      printTable(`burst: ${measures} notices for ${units} lead units at one instant, ${workerCount} worker(s)`, [
        ['latency p50 / p99 / max (s)', `${figures.latencySeconds.p50} / ${figures.latencySeconds.p99} / ${figures.latencySeconds.max}`],
        ['mails (digests)', `${figures.mails} (${digests})`],
        ['duplicates / lost', `${duplicates} / ${lost}`],
        [
          'hand-off to digest p50 / p99 / max (s)',
          `${figures.breakdownSeconds.handoffP50} / ${figures.breakdownSeconds.handoffP99} / ${figures.breakdownSeconds.handoffMax}`,
        ],
        ['digest wait after last item, max (s)', figures.breakdownSeconds.digestWaitMax],
        ['digest timer fired after T, max (s)', figures.breakdownSeconds.digestTimerFiredMax],
        [
          'digest send scheduled after T, p50 / max (s)',
          `${figures.breakdownSeconds.digestSendScheduledP50} / ${figures.breakdownSeconds.digestSendScheduledMax}`,
        ],
        ['digest send, max (s)', figures.breakdownSeconds.digestSendMax],
        ['worker RSS before / peak (MiB)', `${figures.workerRssMiB.beforeBurst.join(', ')} / ${figures.workerRssMiB.peak.join(', ')}`],
        ...(kill
          ? [['worker killed / polling again after T (s)', `${killed.killedSeconds} / ${killed.restartedSeconds}`] as [string, string]]
          : []),
        ...(chat ? robotRows(chat, robotFigures(chat, measures)) : []),
        ...(chat && kill ? [['posts under way at the kill (may go twice)', String(underWay.length)] as [string, string]] : []),
      ]);
      for (const w of chat?.wrong ?? []) console.log(`  not its digest: ${w}`);
      for (const r of chat?.repeatedAt ?? []) console.log(`  posted twice: ${r}`);
      const name = `burst-${measures}-${units}${workerCount > 1 ? `-w${workerCount}` : ''}${realistic ? '-realistic' : ''}${chat ? '-robots' : ''}${kill ? '-kill' : ''}`;
      console.log(`written: ${writeResult(name, figures)}`);
      const robotFailures = chat ? judgeRobots(chat, underWay) : [];
      for (const f of robotFailures) console.log(`  FAILED: ${f}`);
      // Killed, a few mails may go twice (KILL_WINDOW); otherwise none.
      const mailFailures = kill ? judge(morning, KILL_WINDOW) : duplicates || lost ? [`${duplicates} duplicates, ${lost} lost`] : [];
      for (const f of mailFailures) console.log(`  FAILED: ${f}`);
      return mailFailures.length || robotFailures.length ? 1 : 0;
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await connection.close();
      await smtp.close();
      await double?.close();
    }
  });
}

/** The robots' rows of the table. */
function robotRows(m: RobotMorning, f: ReturnType<typeof robotFigures>): [string, string][] {
  return [
    ['robots posted once / not / twice (of units)', `${m.once} / ${m.none} / ${m.twice} (${m.robots})`],
    ["posts not the unit's digest", String(m.wrong.length)],
    ['throttled answers (robots)', `${m.throttled} (${m.throttledRobots})`],
    [
      'first post per unit after T p50 / p99 / max (s)',
      `${f.firstPostSeconds.p50} / ${f.firstPostSeconds.p99} / ${f.firstPostSeconds.max}`,
    ],
    ['last post after T, all / robots never throttled (s)', `${f.lastPostSeconds} / ${f.unthrottledLastPostSeconds}`],
    ['notices / posts carried per second, T to the last post', `${f.noticesPerSecond} / ${f.postsPerSecond}`],
  ];
}
