/**
 * Benchmark: a plan through a year of simulated time on the time-skipping server, checked notice
 * by notice against `rectify simulate`. The sample plan (124 measures) by default; `--measures N`
 * a synthetic plan of N measures (1,590: ten districts' worth).
 * `--budget-minutes M`: stop after M minutes of wall time and compare up to the day reached.
 *   npm run bench -- year [--measures 1590] [--days 365] [--budget-minutes 30]
 */
import { DateTime } from 'luxon';
import { SAMPLE_PLAN } from '../client/cli';
import { loadPlan } from '../config/plan-files';
import { option } from './lib/args';
import { printTable, seconds, writeResult } from './lib/results';
import { districtPlan, ZONE } from './lib/plans';
import { runPlanYear } from './plan-year';

export async function year(argv: string[]): Promise<number> {
  const days = option(argv, 'days', 365);
  const size = argv.includes('--measures') ? option(argv, 'measures', 1590) : undefined;
  const plan = size ? districtPlan(1, DateTime.now().setZone(ZONE), size) : loadPlan(SAMPLE_PLAN).plan;
  const budget = argv.includes('--budget-minutes') ? option(argv, 'budget-minutes', 30) * 60_000 : undefined;
  const began = Date.now();
  const r = await runPlanYear(plan, { days, budgetMs: budget });
  const total = Date.now() - began;
  const figures = {
    plan: size ? `synthetic, ${size} measures` : 'the sample plan',
    measures: r.measures,
    days: r.days,
    simulatedDays: r.simulatedDays,
    budgetMinutes: budget === undefined ? undefined : budget / 60_000,
    wallSeconds: { total: seconds(total), starting: seconds(r.wallMs.start), simulated: seconds(r.wallMs.run) },
    delivered: r.delivered,
    scheduled: r.scheduled,
    missing: r.missing.length,
    unexpected: r.unexpected.length,
    duplicates: r.duplicates,
    largestSendLagSeconds: seconds(r.maxLagMs),
    progress: r.progress,
  };
  printTable(
    `year: ${figures.plan}, ${r.simulatedDays} of ${r.days} simulated days${r.simulatedDays < r.days ? ' (stopped at the budget)' : ''}`,
    [
      ['wall time in all (s)', figures.wallSeconds.total],
      ['  starting / simulating (s)', `${figures.wallSeconds.starting} / ${figures.wallSeconds.simulated}`],
      ['notices delivered / scheduled by simulate', `${r.delivered} / ${r.scheduled}`],
      ['missing / unexpected / duplicates', `${r.missing.length} / ${r.unexpected.length} / ${r.duplicates}`],
      ['largest send lag (s)', figures.largestSendLagSeconds],
    ],
  );
  for (const k of [...r.missing.slice(0, 5), ...r.unexpected.slice(0, 5)]) console.log(`  ${k}`);
  console.log(`written: ${writeResult(`year-${r.measures}${r.simulatedDays < r.days ? '-partial' : ''}`, figures)}`);
  return r.missing.length || r.unexpected.length || r.duplicates ? 1 : 0;
}
