/**
 * `rectify simulate` is what the workflows do: measures of every kind from the sample plan run a
 * year on the time-skipping server, and every notice (workflow, stage, planned instant, catch-up)
 * equals the simulated schedule, none missing, none extra, none twice.
 * The whole plan is run by bench/sample-year.ts, which also prints the wall time.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runPlanYear } from '../../bench/plan-year';
import { SAMPLE_PLAN } from '../../client/cli';
import { loadPlan } from '../../config/plan-files';

Runtime.install({ logger: new DefaultLogger('ERROR') });

it('workflows send exactly the simulated schedule over a year', async () => {
  const { plan } = loadPlan(SAMPLE_PLAN);
  const ids = ['1.1', '2.1', '3.1', '15.5', '23.1', '27.4'];
  expect(ids.map((id) => plan.measures.find((m) => m.id === id)?.kind)).toEqual([
    'longterm',
    'deadline',
    'phased',
    'immediate',
    'immediate',
    'phased',
  ]);
  const r = await runPlanYear(plan, { days: 365, measureIds: ids });
  expect(r.measures).toBe(6);
  expect(r.scheduled).toBeGreaterThan(100);
  expect({ missing: r.missing, unexpected: r.unexpected, duplicates: r.duplicates }).toEqual({
    missing: [],
    unexpected: [],
    duplicates: 0,
  });
  expect(r.delivered).toBe(r.scheduled);
  expect(r.maxLagMs).toBeLessThan(60_000);
}, 300_000);
