/**
 * `npm run bench -- <name> [options]`: one benchmark, its table on stdout, its figures in
 * bench/results/. Not part of `npm test`: figures are measured, never asserted by a timed test.
 * On which server: the embedded dev server by default; `--cluster` the production cluster (Temporal
 * Server on PostgreSQL, a cluster of its own per run, `--shards N`, 128 by default); `--servers
 * dev,cluster` one after the other in the same run. A cluster's result files end in `-cluster`.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { takeOption } from './lib/args';

const BENCHMARKS: Record<string, { what: string; run: () => Promise<(argv: string[]) => Promise<number>> }> = {
  burst: { what: 'the 09:00 burst: N notices, R recipients, latency to SMTP', run: async () => (await import('./burst')).burst },
  start: {
    what: 'starting district plans, against bare sleeping workflows',
    run: async () => (await import('./province')).provinceBench(['start']),
  },
  hold: {
    what: 'the worker holding them through a working morning: memory, bytes',
    run: async () => (await import('./province')).provinceBench(['hold']),
  },
  query: { what: 'status, report and the web pages over them', run: async () => (await import('./province')).provinceBench(['query']) },
  year: {
    what: 'a plan through a simulated year, checked against rectify simulate',
    run: async () => (await import('./sample-year')).year,
  },
  report: { what: 'the progress report over one plan of N measures', run: async () => (await import('./report-scale')).reportScale },
  faults: {
    what: 'the fault suite: a worker killed, two machines, SMTP down, the server restarted (mid-burst, mid-campaign), an upgrade',
    run: async () => (await import('./faults/suite')).faults,
  },
  migrate: {
    what: 'rectify migrate of N measures from the embedded dev server to a fresh server (--cluster: the cluster)',
    run: async () => (await import('./migrate')).migrateBench,
  },
  province: {
    what: 'start, hold and query on one server per size',
    run: async () => (await import('./province')).provinceBench(['start', 'hold', 'query']),
  },
};

async function main(): Promise<void> {
  const [name, ...argv] = process.argv.slice(2);
  const bench = name ? BENCHMARKS[name] : undefined;
  if (!bench) {
    console.error(
      `usage: npm run bench -- <name> [options]\n${Object.entries(BENCHMARKS)
        .map(([n, b]) => `  ${n.padEnd(8)} ${b.what}`)
        .join('\n')}`,
    );
    process.exit(2);
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { servers, rest } = serverOptions(argv);
  let code = 0;
  for (const server of servers) {
    process.env.BENCH_SERVER = server;
    if (servers.length > 1) console.log(`\n=== ${name} on the ${server === 'cluster' ? 'cluster' : 'dev server'}`);
    code = Math.max(code, await (await bench.run())(rest));
  }
  process.exitCode = code;
}

/** `--cluster`, `--servers dev,cluster` and `--shards N` taken out of the benchmark's own options. */
function serverOptions(argv: string[]): { servers: ('dev' | 'cluster')[]; rest: string[] } {
  const rest = [...argv];
  const cluster = takeOption(rest, 'cluster', false);
  const list = takeOption(rest, 'servers', true);
  const shards = takeOption(rest, 'shards', true);
  if (typeof shards === 'string') {
    if (!/^[1-9]\d*$/.test(shards)) throw new Error(`--shards ${shards}：应为正整数（2的幂）`);
    process.env.BENCH_SHARDS = shards;
  }
  const servers = typeof list === 'string' ? list.split(',') : [cluster ? 'cluster' : 'dev'];
  const wrong = servers.find((s) => s !== 'dev' && s !== 'cluster');
  if (wrong) throw new Error(`--servers ${String(list)}：${wrong} 不是 dev 或 cluster`);
  return { servers: servers as ('dev' | 'cluster')[], rest };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
