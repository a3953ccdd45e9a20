/**
 * Expected notices of a measure's life, from the pure planner, with the progress changes that
 * people's actions cause applied at their instants: the oracle the workflow tests compare with.
 */
import { DateTime } from 'luxon';
import type { MeasureSpec } from '../../domain/measure';
import type { MeasureProgress } from '../../domain/planner';
import { advance, initialProgress } from '../../domain/simulate';

export interface Action {
  at: number;
  change?: (p: MeasureProgress) => void;
  /** Event notices the action causes: kind and audiences. */
  events?: [kind: string, audiences: string][];
}

export type Row = [when: string, what: string, audiences: string, catchUp: boolean];

export const local = (ms: number) => DateTime.fromMillis(ms, { zone: 'Asia/Shanghai' }).toFormat("yyyy-MM-dd'T'HH:mm ccc");

export function expectedLife(spec: MeasureSpec, start: number, end: number, actions: Action[]): Row[] {
  const p = initialProgress(spec, start);
  const rows: Row[] = [];
  let from = start;
  for (const action of [...actions].sort((a, b) => a.at - b.at)) {
    for (const n of advance(spec, p, from, action.at)) {
      rows.push([local(n.sentAt), n.key, n.audiences.join('+'), n.catchUp]);
    }
    action.change?.(p);
    for (const [kind, audiences] of action.events ?? []) rows.push([local(action.at), `event:${kind}`, audiences, false]);
    from = action.at;
  }
  for (const n of advance(spec, p, from, end)) rows.push([local(n.sentAt), n.key, n.audiences.join('+'), n.catchUp]);
  return rows;
}

/** The validator's message of a rejected Update (the client wraps it as the cause). */
export async function rejection(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (e) {
    return String((e as { cause?: Error }).cause?.message ?? (e as Error).message);
  }
  throw new Error('the update was accepted');
}
