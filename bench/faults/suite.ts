/**
 * The fault suite: the embedded dev server (SQLite file) or with --cluster the production cluster
 * (bench/run.ts), `rectify worker` processes, a loopback SMTP server, and a fault in the middle of
 * a 09:00 burst. Each scenario says what it did and
 * what it found, and fails on any lost notice or on more mails sent twice than the documented
 * window allows (KILL_WINDOW: at most two per SMTP connection of the worker that died; a digest
 * sent twice repeats all its notices); kill-worker's units have group robots too, and it fails on
 * a group that never got its digest or got it twice where the post was not under way at the kill
 * (verdict.ts postsUnderWay).
 *   npm run faults [-- <scenario>...] [--measures N] [--units R]
 * Scenarios: kill-worker, two-machines, smtp-down, server-restart, campaign-restart, upgrade
 * [--from <commit>], worker-first; on the cluster also server-kill and database-restart (cluster.ts).
 * --help lists them and runs none.
 * Each scenario is a file of its own here, on what they share: stage.ts (the server, the SMTP
 * sink, workers, a worker killed mid-burst) and verdict.ts (figures, lost and twice-sent mails).
 */
import { printTable, seconds, writeResult } from '../lib/results';
import { campaignRestart } from './campaign-restart';
import { databaseRestart, serverKill, workerFirst } from './cluster';
import { onCluster } from '../lib/harness';
import { killWorker, twoMachines } from './kill';
import { serverRestart } from './server-restart';
import { smtpDown } from './smtp-down';
import type { Outcome, Scenario } from './stage';
import { upgrade } from './upgrade';
import type { morningFigures } from './verdict';

/** What kill-worker keeps of the robots (bench/lib/robots.ts robotFigures, and the posts under way at the kill). */
interface RobotOutcome {
  postedOnce: number;
  notPosted: number;
  postedTwice: number;
  underWayAtKill: string[];
  throttledAnswers: number;
  throttledRobots: number;
  lastPostSeconds: number;
}

const SCENARIOS: Record<string, Scenario> = {
  'kill-worker': killWorker,
  'two-machines': twoMachines,
  'smtp-down': smtpDown,
  'server-restart': serverRestart,
  'campaign-restart': campaignRestart,
  upgrade,
  'worker-first': workerFirst,
  'server-kill': serverKill,
  'database-restart': databaseRestart,
};

/** What runs when none is named: on the dev server its scenarios; on the cluster the production topology's faults. */
const DEFAULT_DEV = ['kill-worker', 'two-machines', 'smtp-down', 'server-restart', 'campaign-restart', 'upgrade', 'worker-first'];
const DEFAULT_CLUSTER = ['kill-worker', 'two-machines', 'server-kill', 'database-restart', 'worker-first'];

const USAGE =
  'usage: npm run faults [-- <scenario>...] [--cluster] [--measures N] [--units R] [--kill-after-ms 150] [--kill-on post] [--throttled 10] [--throttle wecom,feishu,dingtalk] [--down-s S] [--from <commit>]';

export async function faults(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `${USAGE}\nscenarios: ${Object.keys(SCENARIOS).join(', ')}\nby default on the dev server: ${DEFAULT_DEV.join(', ')}\nby default with --cluster: ${DEFAULT_CLUSTER.join(', ')}`,
    );
    return 0;
  }
  const named = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const unknown = named.filter((n) => !SCENARIOS[n]);
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`);
  const outcomes: Outcome[] = [];
  for (const name of named.length ? named : onCluster() ? DEFAULT_CLUSTER : DEFAULT_DEV) {
    console.log(`\n== ${name}`);
    const began = Date.now();
    const outcome = await SCENARIOS[name](argv);
    outcomes.push(outcome);
    console.log(outcome.did);
    const f = outcome.figures as ReturnType<typeof morningFigures> & { robots?: RobotOutcome };
    printTable(`${name}: ${outcome.failures.length ? 'FAILED' : 'held'} (${seconds(Date.now() - began)} s)`, [
      ['notices delivered / lost', `${f.notices} / ${f.lost}`],
      ['mails sent twice (notices in them)', `${f.duplicateMails} (${f.duplicates})`],
      ['latency p50 / p99 / max (s)', `${f.latencySeconds.p50} / ${f.latencySeconds.p99} / ${f.latencySeconds.max}`],
      ...(f.robots
        ? ([
            ['robots posted once / not / twice', `${f.robots.postedOnce} / ${f.robots.notPosted} / ${f.robots.postedTwice}`],
            ['posts under way at the kill (the window)', String(f.robots.underWayAtKill.length)],
            ['throttled answers (robots)', `${f.robots.throttledAnswers} (${f.robots.throttledRobots})`],
            ['last post after T (s)', String(f.robots.lastPostSeconds)],
          ] as [string, string][])
        : []),
      ...Object.entries(outcome.figures)
        .filter(
          ([k]) =>
            !['notices', 'lost', 'duplicates', 'duplicateMails', 'latencySeconds', 'measures', 'units', 'sentTwice', 'robots'].includes(k),
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
