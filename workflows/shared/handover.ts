/**
 * A workflow's side of `rectify migrate` (contracts/handover.ts): the hand-over Update parks the
 * workflow at its next safe point and answers its continuation; a copy started held waits for
 * its release. Neither adds a command to a history that never receives them, so histories
 * recorded before them replay unchanged.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  cancelHandOverSignal,
  CONTINUATION_FORMAT,
  getContinuationQuery,
  handOverUpdate,
  HELD_REFUSAL,
  movingRefusal,
  releaseCopySignal,
  type Continuation,
  type HeldCopy,
} from '../../contracts/handover';

export class HandOver<I> {
  /** Where the workflow is moving to, while a hand-over is asked. */
  target?: string;
  /** Parked at a safe point: nothing more happens here until the move is given up. */
  private parked = false;
  private held: boolean;

  /**
   * Registers getContinuation, the hand-over Update and the cancel and release signals.
   * `wake` is called when a hand-over is asked or given up: the workflow's loop should look again.
   */
  constructor(
    private readonly continuation: () => I,
    wake: () => void,
    held?: HeldCopy,
  ) {
    this.held = held !== undefined;
    const answer = (): Continuation<I> => ({ format: CONTINUATION_FORMAT, input: this.continuation() });
    setHandler(getContinuationQuery, answer);
    setHandler(
      handOverUpdate,
      async ({ target }) => {
        this.target = target;
        wake();
        await condition(() => this.parked);
        return answer();
      },
      {
        validator: ({ target }) => {
          if (!target) throw new Error('迁移须指明目标服务器');
          if (this.held) throw new Error(HELD_REFUSAL);
          if (this.target !== undefined && this.target !== target) throw new Error(movingRefusal(this.target));
        },
      },
    );
    setHandler(cancelHandOverSignal, () => {
      this.target = undefined;
      wake();
    });
    setHandler(releaseCopySignal, () => {
      this.held = false;
    });
  }

  /** A hand-over is asked: the loop should stop at its next safe point. */
  get asked(): boolean {
    return this.target !== undefined;
  }

  /** For a request's validator: refused while moving, or while a copy waits for its release. */
  refuseWhileMoving(): void {
    if (this.held) throw new Error(HELD_REFUSAL);
    if (this.target !== undefined) throw new Error(movingRefusal(this.target));
  }

  /** At the start: a held copy waits for its release (the migrator ends the source first). */
  async waitUntilReleased(): Promise<void> {
    if (this.held) await condition(() => !this.held);
  }

  /**
   * At a safe point (nothing being sent): when a hand-over is asked, `settle` first (say, take
   * back notices handed ahead to digests), then park until the move is given up. A source that
   * moved is ended by the migrator while parked here.
   */
  async parkIfAsked(settle?: () => Promise<void>): Promise<void> {
    if (this.target === undefined) return;
    await settle?.();
    this.parked = true;
    await condition(() => this.target === undefined);
    this.parked = false;
  }
}
