/**
 * `npm run bench -- <name> [options]`: one benchmark, its table on stdout, its figures in
 * bench/results/. Not part of `npm test`: figures are measured, never asserted by a timed test.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

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
  process.exitCode = await (await bench.run())(argv);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
