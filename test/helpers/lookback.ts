/** Look-back reviews as the office takes a measure through one with the CLI, for dev-server tests. */
import type { Client } from '@temporalio/client';
import { measureWorkflowId } from '../../contracts/ids';
import { getStateQuery } from '../../contracts/messages';
import { runCli } from './cli';
import { eventually } from './temporal';

/**
 * A campaign over one closed measure (`lookback launch --ids`), then, once its review runs, the
 * office (督查科) recording a relapse: the measure reopens with `newDeadline`. Returns the record's answer.
 */
export async function relapseByCli(
  client: Client,
  planId: string,
  measureId: string,
  o: { campaign: string; due: string; newDeadline: string; notes: string },
): Promise<{ code: number; out: string; err: string }> {
  const launched = await runCli('lookback', 'launch', '--name', o.campaign, '--due', o.due, '--plan', planId, '--ids', measureId);
  if (launched.code !== 0) throw new Error(`lookback launch: ${launched.err}`);
  await eventually(
    () => client.workflow.getHandle(measureWorkflowId(planId, measureId)).query(getStateQuery),
    (v) => !!v.lookbacks?.length,
  );
  const record = ['lookback', 'record', measureId, '--plan', planId, '--round', '1', '--as', 'office:督查科'];
  return eventually(
    () => runCli(...record, '--relapsed', '--new-deadline', o.newDeadline, '--notes', o.notes),
    (r) => r.code === 0,
  );
}
