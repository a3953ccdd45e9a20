/**
 * The measure records as the worker's activities read them, the PlanRecords port's
 * implementation: one plan's for its weekly digest, every plan's for the roll-up digest.
 */
import type { Client } from '@temporalio/client';
import type { PlanRecords } from '../activities/ports';
import { readRecords } from './records';
import { readPlans } from './rollup';

export function planRecords(client: Client): PlanRecords {
  return {
    records: async (planId) => (await readRecords(client, { planId })).records,
    // A plan named when the digest was set that has since ended is left out, not an error every week.
    everyPlan: (planIds) => readPlans(client, { planIds, skipMissing: true }),
  };
}
