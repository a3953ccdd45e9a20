/**
 * One workflow moved to another Temporal, step by step, each step safe to run again:
 * the source parks (hand-over Update) and answers its continuation; the copy starts held on the
 * target under the same id, with the source's search attributes and memo; the copy's own
 * continuation must equal the source's; then the source ends with a note naming the target, and
 * the copy is released. A mismatch gives the move up: the copy goes, the source goes on.
 */
import { isDeepStrictEqual } from 'node:util';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import {
  cancelHandOverSignal,
  CONTINUATION_FORMAT,
  getContinuationQuery,
  handOverUpdate,
  movedNote,
  releaseCopySignal,
  type Continuation,
  type HeldCopy,
} from '../../contracts/handover';

export interface Servers {
  source: Client;
  target: Client;
  /** How each is named in notes and messages: address/namespace. */
  sourceName: string;
  targetName: string;
  taskQueue: string;
}

/** A copy that does not answer as its source did: the move of that workflow is given up. */
export class MismatchError extends Error {
  override name = 'MismatchError';
}

/** The continuation's input, refused (naming the workflow) if its form is not the one this release reads. */
export function checkedInput<I>(workflowId: string, answer: Continuation<unknown> | undefined): I {
  if (answer?.format !== CONTINUATION_FORMAT || answer.input === undefined) {
    throw new Error(`${workflowId} 的状态格式为第${String(answer?.format)}版，本版本只读第${CONTINUATION_FORMAT}版：请先升级源端的 worker`);
  }
  return answer.input as I;
}

/** What a workflow would continue as new with (a closed one answers too, replayed by a worker). */
export async function readContinuation<I>(client: Client, workflowId: string, runId?: string): Promise<I> {
  return checkedInput<I>(workflowId, await client.workflow.getHandle(workflowId, runId).query(getContinuationQuery));
}

/** Parks a running source and answers its continuation (again, if it already parked for this target). */
export async function handOver<I>(servers: Servers, workflowId: string): Promise<I> {
  const answer = await servers.source.workflow
    .getHandle(workflowId)
    .executeUpdate(handOverUpdate, { args: [{ target: servers.targetName }] });
  return checkedInput<I>(workflowId, answer);
}

/** Starts the held copy on the target; a copy already there (a migration run again) is left as it is. */
export async function startHeldCopy<I extends object>(
  servers: Servers,
  workflowType: string,
  workflowId: string,
  input: I,
  described: Pick<WorkflowExecutionInfo, 'typedSearchAttributes' | 'memo'>,
): Promise<'copied' | 'present'> {
  const held: HeldCopy = { from: servers.sourceName };
  try {
    await servers.target.workflow.start(workflowType, {
      workflowId,
      taskQueue: servers.taskQueue,
      args: [{ ...input, held }],
      typedSearchAttributes: described.typedSearchAttributes,
      memo: described.memo,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'copied';
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return 'present';
    throw e;
  }
}

/** The copy answers with the source's continuation, or the move is a mismatch naming the workflow. */
export async function verifyCopy(servers: Servers, workflowId: string, expected: unknown): Promise<void> {
  const copied = await readContinuation<object>(servers.target, workflowId);
  if (!sameState(copied, expected)) {
    throw new MismatchError(
      `${workflowId}：目标服务器上的副本与源端状态不一致（${firstDifference(comparable(expected), comparable(copied))}）`,
    );
  }
}

/** Ends the source with the note naming the target; one already ended is left as it is. */
export async function endSource(servers: Servers, workflowId: string): Promise<void> {
  try {
    await servers.source.workflow.getHandle(workflowId).terminate(movedNote(servers.targetName));
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
}

export async function releaseCopy(servers: Servers, workflowId: string): Promise<void> {
  await servers.target.workflow.getHandle(workflowId).signal(releaseCopySignal);
}

/** A move given up: the held copy goes (if there is one), the source goes on where it parked. */
export async function giveUp(servers: Servers, workflowId: string, sourceRunning: boolean): Promise<void> {
  try {
    await servers.target.workflow.getHandle(workflowId).terminate(`迁移未完成，源端（${servers.sourceName}）继续运行`);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
  if (sourceRunning) await servers.source.workflow.getHandle(workflowId).signal(cancelHandOverSignal);
}

/** Two states equal as they travel (undefined fields dropped), the copy's hold aside. */
export function sameState(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(comparable(a), comparable(b));
}

/** JSON as it travels (undefined fields dropped), without the copy's hold. */
function comparable(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value ?? null)) as Record<string, unknown> | null;
  if (plain && typeof plain === 'object') delete plain.held;
  return plain;
}

/** Where two continuations first differ, as a path, for the operator. */
export function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return path || '（整体）';
}
