/**
 * Moving a running measure to another Temporal (another server, or another namespace) with its
 * whole state: the first part of `rectify migrate` (issue 23). The source answers getContinuation
 * with the input it would continue as new with; the target starts the measure under the same id
 * with that input and the search attributes the source has now, so lists and filters read it as
 * before. Nothing here ends the source: that is the caller's decision, once the copy answers.
 */
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TASK_QUEUE } from '../contracts/ids';
import { MEASURE_CONTINUATION_FORMAT, type MeasureContinuation } from '../contracts/measure';
import * as msg from '../contracts/messages';
import { measureWorkflow } from '../workflows';

export type CopyOutcome = 'copied' | 'present';

/** The source's continuation, refused (naming the measure) if its form is not the one this release reads. */
export async function readContinuation(source: Client, workflowId: string): Promise<MeasureContinuation> {
  const answer = await source.workflow.getHandle(workflowId).query(msg.getContinuationQuery);
  if (answer?.format !== MEASURE_CONTINUATION_FORMAT || !answer.input?.state) {
    throw new Error(
      `措施 ${workflowId} 的状态格式为第${String(answer?.format)}版，本版本只读第${MEASURE_CONTINUATION_FORMAT}版：请先升级源端的 worker`,
    );
  }
  return answer;
}

/**
 * Starts the measure on the target with the source's state and search attributes. A measure
 * already there (a migration run again) is left as it is: `present`.
 */
export async function copyMeasure(source: Client, target: Client, workflowId: string, taskQueue = TASK_QUEUE): Promise<CopyOutcome> {
  const { input } = await readContinuation(source, workflowId);
  const described = await source.workflow.getHandle(workflowId).describe();
  try {
    await target.workflow.start(measureWorkflow, {
      workflowId,
      taskQueue,
      args: [input],
      typedSearchAttributes: described.typedSearchAttributes,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'copied';
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return 'present';
    throw e;
  }
}
