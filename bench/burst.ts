/**
 * Benchmark: the 09:00 burst. N final reminders for R lead units fall due at one instant; the
 * measures run on the embedded dev server (SQLite file) and `rectify worker` processes; their mail
 * goes to a loopback SMTP server. Latency per notice is from the due instant to SMTP's acceptance
 * of the mail that carries it. Also: digests sent, duplicates and lost notices (both must be 0),
 * and where the time went (hand-offs to the digests, the digests' wait, sending), from the
 * digests' histories.
 *   npm run bench -- burst [--measures 2000] [--units 50] [--workers 1]
 */
import { Client, Connection } from '@temporalio/client';
import { ofType, WORKFLOW } from '../contracts/ids';
import { spawnWorker, withServer, type WorkerProcess } from './lib/harness';
import { mib, printTable, quantile, seconds, writeResult } from './lib/results';
import { smtpSink } from './lib/smtp';
import { setUpBurst, watchMorning } from './lib/morning';
import { option } from './lib/args';

export async function burst(argv: string[]): Promise<number> {
  const measures = option(argv, 'measures', 2000);
  const units = option(argv, 'units', 50);
  const workerCount = option(argv, 'workers', 1);
  return withServer('burst', async ({ dir, server }) => {
    const smtp = await smtpSink();
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    const workers: WorkerProcess[] = [];
    try {
      for (let w = 0; w < workerCount; w++) {
        workers.push(
          await spawnWorker(server.address, `${dir}/worker-${w + 1}`, {
            SMTP_URL: smtp.url,
            MAIL_FROM: '“区委巡察办 整改提醒”<rectify@bench.example.org>',
            SMTP_MAX_CONNECTIONS: '5',
          }),
        );
      }
      const realistic = argv.includes('--realistic');
      const burst = await setUpBurst(client, { measures, units, realistic });
      const { T } = burst;
      console.log(
        `${measures} measures started in ${seconds(burst.startedMs)} s, all asleep after ${seconds(burst.asleepMs)} s, ` +
          `notices prepared and the queue idle ${seconds(burst.preparedIdleMs)} s after ${realistic ? 'T - 30 min' : 'that'}; due at ${T.toFormat('HH:mm')} (in ${seconds(T.toMillis() - Date.now())} s)`,
      );
      const rssBefore = workers.map((w) => w.rss());

      // The morning: until every notice is in a mail, or the time is up.
      const morning = await watchMorning(smtp.accepted, burst, T.toMillis() + Math.max(10 * 60_000, measures * 60));
      const { latencies, digests, duplicates, lost } = morning;

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
        latencySeconds: {
          p50: seconds(quantile(latencies, 0.5)),
          p99: seconds(quantile(latencies, 0.99)),
          max: seconds(latencies.at(-1) ?? NaN),
        },
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
      ]);
      console.log(
        `written: ${writeResult(`burst-${measures}-${units}${workerCount > 1 ? `-w${workerCount}` : ''}${realistic ? '-realistic' : ''}`, figures)}`,
      );
      return duplicates || lost ? 1 : 0;
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await connection.close();
      await smtp.close();
    }
  });
}
