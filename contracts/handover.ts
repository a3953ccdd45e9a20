/**
 * Moving a running workflow to another Temporal (`rectify migrate`), defined once for the
 * workflows that move and the migrator: a hand-over Update that parks the source at a safe point
 * (nothing more is sent, no request is taken) and answers the input its copy starts with; a
 * signal that lets the source go on when the move is given up; and the copy's hold, which keeps
 * it from acting until the migrator has compared it with the source and ended the source.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** The form of a continuation; a reader refuses another one rather than guess. */
export const CONTINUATION_FORMAT = 1;

/** What a workflow would continue as new with: the input its copy elsewhere starts with. */
export interface Continuation<I> {
  format: typeof CONTINUATION_FORMAT;
  input: I;
}

/** A copy started by a migration: it answers queries but acts on nothing until released. */
export interface HeldCopy {
  /** The server (address/namespace) it was copied from, for its log and the operator. */
  from: string;
}

export interface HandOverRequest {
  /** The server (address/namespace) the workflow moves to: named in the source's note. */
  target: string;
}

/** The input the workflow would continue as new with, versioned: what a copy elsewhere starts with. */
export const getContinuationQuery = defineQuery<Continuation<unknown>>('getContinuation');
/** Park at the next safe point and answer the continuation (again, if already parked for the same target). */
export const handOverUpdate = defineUpdate<Continuation<unknown>, [HandOverRequest]>('handOver');
/** The move was given up: the source goes on where it stopped. */
export const cancelHandOverSignal = defineSignal('cancelHandOver');
/** The copy matched and the source has ended: the copy goes on from where the source stopped. */
export const releaseCopySignal = defineSignal('releaseCopy');

/** The note a source workflow ends with (its termination reason), naming where it went. */
export function movedNote(target: string): string {
  return `已迁移至 ${target}`;
}

/** The words a request gets while its workflow is moving (or a copy not yet released). */
export function movingRefusal(target: string): string {
  return `该事项正在迁移至 ${target}，请在迁移完成后到新的服务器办理`;
}
export const HELD_REFUSAL = '该事项是迁移来的副本，尚未启用：请在迁移完成后再办理';
