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
import { burstRobots, robotWorkerEnv, startRobotDouble, type BurstRobot } from '../lib/robots';
import { postTitle, type ChatDouble } from '../../runtime/chat-double';

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

/**
 * How long the robots' double takes to answer a post it has taken, as a platform over the Internet
 * does (tens to hundreds of ms): a worker killed meanwhile never learns that its post went.
 */
export const ROBOT_ANSWER_MS = 100;
/**
 * From reading a platform's answer to recording the post (the attempt's heartbeat and the
 * sent-ledger's file): a few ms; counted generously when the suite names the posts under way at a kill.
 */
export const ROBOT_RECORD_MS = 100;

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
  /** The units' group robots on the double, when the scenario has them (every worker is given their hosts and secrets). */
  robots?: { list: BurstRobot[]; double: ChatDouble };
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
  defaults: { measures: number; units: number; delayMs?: number; robots?: boolean },
  fn: (stage: Stage) => Promise<T>,
): Promise<T> {
  const measures = option(argv, 'measures', defaults.measures);
  const units = option(argv, 'units', defaults.units);
  return withServer(name, async ({ dir, server }) => {
    const smtp = await smtpSink({ delayMs: defaults.delayMs });
    const list = defaults.robots ? burstRobots(units) : [];
    const robots = defaults.robots ? { list, double: await startRobotDouble(list, ROBOT_ANSWER_MS) } : undefined;
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
          robots,
          worker: async (machine, smtpUrl = smtp.url, root) => {
            const env = { ...workerEnv(smtpUrl), ...(robots ? robotWorkerEnv(list, robots.double.url) : {}) };
            const w = await spawnWorker(server.address, `${dir}/${machine}`, env, root);
            workers.push(w);
            return w;
          },
        }),
      );
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await smtp.close();
      await robots?.double.close();
    }
  });
}

/**
 * Until SMTP has accepted a mail of the morning (sent at or after T), then `afterMs` more: the
 * burst is under way. How many mails were accepted by then.
 */
export async function untilBurstBegins(smtp: SmtpSink, burst: Pick<Burst, 'T'>, afterMs: number): Promise<number> {
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
export const killAfter = (argv: string[]) =>
  argv.includes('--kill-after-ms') ? Number(argv[argv.indexOf('--kill-after-ms') + 1]) || 0 : 150;

/**
 * kill -9 `worker` once the burst is under way: what it did, in words and as figures. With
 * `--kill-on post` (and robots on the stage) --kill-after-ms counts from the double taking the
 * morning's first post instead of SMTP's first acceptance: with the platform answering
 * ROBOT_ANSWER_MS later, a kill within that is a kill inside the robots' window.
 */
export async function killMidBurst(stage: Stage, burst: Burst, worker: WorkerProcess, argv: string[]) {
  const onPost = argv.includes('--kill-on') && argv[argv.indexOf('--kill-on') + 1] === 'post';
  if (onPost && !stage.robots) throw new Error('--kill-on post：此场景没有群机器人');
  const begun = onPost ? () => untilFirstPost(stage, burst, killAfter(argv)) : undefined;
  return midBurst(stage, burst, argv, `worker killed (SIGKILL)${onPost ? ' after the first post' : ''}`, () => worker.kill(), begun);
}

/** Until the robots' double has taken a post of the morning (not other systems'), then `afterMs` more: how many mails SMTP had accepted. */
async function untilFirstPost(stage: Stage, burst: Pick<Burst, 'T'>, afterMs: number): Promise<number> {
  const deadline = burst.T.toMillis() + 5 * 60_000;
  const T = burst.T.toMillis();
  while (!stage.robots!.double.accepted.some((p) => p.at >= T && !postTitle(p).startsWith('【其他系统】'))) {
    if (Date.now() > deadline) throw new Error('5分钟内群机器人没有收到任何消息');
    await sleep(2);
  }
  await sleep(afterMs);
  return stage.smtp.accepted.filter((a) => a.at >= T).length;
}

/** `act` once the burst is under way (--kill-after-ms after SMTP's first acceptance, or after `begun`): what was done, in words and as figures. */
export async function midBurst(
  stage: Stage,
  burst: Burst,
  argv: string[],
  what: string,
  act: () => unknown,
  begun = () => untilBurstBegins(stage.smtp, burst, killAfter(argv)),
) {
  const acceptedAtKill = await begun();
  const actAt = Date.now();
  await act();
  const killedAt = Date.now() - burst.T.toMillis();
  return {
    /** The instant the fault was set off (the signal sent). */
    actAt,
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
