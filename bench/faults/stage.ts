/**
 * What every fault scenario stands on: a bench server, a loopback SMTP sink, a client, `rectify
 * worker` processes on "machines" of their own, and the burst's size from the command line; and
 * the step most scenarios take, a worker killed once the 09:00 burst is under way. What a
 * scenario returns (`Outcome`) is here too; what it found is judged in verdict.ts.
 */
import { Client, Connection } from '@temporalio/client';
import { option } from '../lib/args';
import { sleep, spawnWorker, withServer, type BenchServer, type WorkerProcess } from '../lib/harness';
import { seconds } from '../lib/results';
import { smtpSink, type SmtpSink } from '../lib/smtp';
import type { Burst } from '../lib/morning';

/** SMTP connections per worker: the most sends in flight when one dies. */
const SMTP_CONNECTIONS = 5;
/**
 * The most mails a killed worker may cause to be sent twice: per SMTP connection, the mail whose
 * 250 it had received but not yet recorded (heartbeat and sent-ledger), and the one the server
 * had received in full but whose 250 it never read. The retry cannot know of either.
 */
export const KILL_WINDOW = 2 * SMTP_CONNECTIONS;
const FROM = '“区委巡察办 整改提醒”<rectify@bench.example.org>';

export interface Outcome {
  scenario: string;
  did: string;
  figures: Record<string, unknown>;
  /** Why it failed; empty when it held. */
  failures: string[];
}

export type Scenario = (argv: string[]) => Promise<Outcome>;

const workerEnv = (smtpUrl: string) => ({ SMTP_URL: smtpUrl, MAIL_FROM: FROM, SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS) });

async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

export interface Stage {
  dir: string;
  server: BenchServer;
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
export async function onStage<T>(
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
    if (Date.now() > deadline) throw new Error('5分钟内没有任何邮件发出');
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
export async function killMidBurst(stage: Stage, burst: Burst, worker: WorkerProcess, argv: string[]) {
  return midBurst(stage, burst, argv, 'worker killed (SIGKILL)', () => worker.kill());
}

/** `act` once the burst is under way (--kill-after-ms after SMTP's first acceptance): what was done, in words and as figures. */
export async function midBurst(stage: Stage, burst: Burst, argv: string[], what: string, act: () => unknown) {
  const acceptedAtKill = await untilBurstBegins(stage.smtp, burst, killAfter(argv));
  await act();
  const killedAt = Date.now() - burst.T.toMillis();
  return {
    said: `${stage.measures} notices for ${stage.units} units due at ${burst.T.toFormat('HH:mm')}; ${what} ${seconds(killedAt)} s after, when SMTP had accepted ${acceptedAtKill} mail(s)`,
    figures: {
      measures: stage.measures,
      units: stage.units,
      killAfterMs: killAfter(argv),
      acceptedAtKill,
      killedSeconds: seconds(killedAt),
    },
  };
}
