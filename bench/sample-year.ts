/**
 * Benchmark (not a test): the whole sample plan through a year of simulated time on the
 * time-skipping server. Prints wall times and whether the workflows did exactly what
 * `rectify simulate` says.   npm run build && node dist/bench/sample-year.js [days]
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SAMPLE_PLAN } from '../client/cli';
import { loadPlan } from '../config/plan-files';
import { runPlanYear } from './plan-year';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const days = Number(process.argv[2] ?? 365);
  const { plan } = loadPlan(SAMPLE_PLAN);
  const began = Date.now();
  const r = await runPlanYear(plan, { days });
  const total = Date.now() - began;
  console.log(`sample plan: ${r.measures} measures, ${r.days} simulated days`);
  console.log(
    `wall time: ${(total / 1000).toFixed(1)} s in all (starting workflows ${(r.wallMs.start / 1000).toFixed(1)} s, simulated ${r.days} days ${(r.wallMs.run / 1000).toFixed(1)} s)`,
  );
  console.log(`notices: delivered ${r.delivered}, scheduled by rectify simulate ${r.scheduled}`);
  console.log(
    `missing ${r.missing.length}, unexpected ${r.unexpected.length}, duplicates ${r.duplicates}, largest send lag ${(r.maxLagMs / 1000).toFixed(1)} s`,
  );
  for (const k of [...r.missing.slice(0, 5), ...r.unexpected.slice(0, 5)]) console.log(`  ${k}`);
  process.exitCode = r.missing.length || r.unexpected.length || r.duplicates ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
