/**
 * The yardstick of the start benchmark: a workflow that does the least a measure does on its first
 * task (one search attribute, one timer) and sleeps. Bundled on its own task queue by the benchmark.
 */
import { sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { TrafficLight } from '../../contracts/search-attributes';

export async function bareSleepWorkflow(days: number): Promise<void> {
  upsertSearchAttributes([{ key: TrafficLight, value: 'green' }]);
  await sleep(days * 86_400_000);
}
