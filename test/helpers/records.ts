/**
 * Measure records for unit tests, built the way a workflow builds them: a measure's state changed
 * by the lifecycle's own functions at given instants, then measureRecord.
 */
import { chinaCalendar } from '../../domain/calendar-data';
import * as life from '../../domain/lifecycle';
import type { MeasureSpec } from '../../domain/measure';
import { initialState, type DeliveryEntry, type MeasureState } from '../../domain/measure-state';
import type { Actor } from '../../domain/notice';
import { dueAt } from '../../domain/planner';
import { measureRecord, type MeasureRecord } from '../../domain/record';
import { initialProgress } from '../../domain/simulate';
import { testSpec } from './specs';

export const UNIT = (who = '区发改委'): Actor => ({ role: 'unit', who });
export const OFFICE: Actor = { role: 'office', who: '督查科' };

/** Beijing wall-clock time as epoch ms: '2024-06-03 10:00'. */
export const bj = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00+08:00`);

export class MeasureStory {
  readonly state: MeasureState;
  constructor(
    readonly spec: MeasureSpec,
    startedAt: number,
  ) {
    this.state = initialState(spec, initialProgress(spec, startedAt), startedAt);
  }
  static of(overrides: Partial<MeasureSpec> & { kind?: MeasureSpec['kind'] } = {}, startedAt = bj('2024-01-20 10:00')): MeasureStory {
    return new MeasureStory(testSpec(overrides), startedAt);
  }
  progress(at: number, note: string, by = UNIT(this.state.leadUnit)): this {
    life.applyReportProgress(this.state, { actor: by, note }, at);
    return this;
  }
  submit(at: number, evidence = ['印发文件'], note?: string): this {
    life.applySubmitCompletion(this.state, { actor: UNIT(this.state.leadUnit), evidence, ...(note ? { note } : {}) }, at);
    return this;
  }
  verify(at: number, accept = true, reason?: string): this {
    life.applyVerifyCompletion(this.state, { actor: OFFICE, accept, reason: reason ?? (accept ? undefined : '佐证不足') }, at);
    return this;
  }
  extend(at: number, newDeadline: string, reason = '需协调省级部门'): this {
    life.applyRequestExtension(this.state, { actor: UNIT(this.state.leadUnit), newDeadline, reason }, at);
    life.applyDecideExtension(this.state, { actor: OFFICE, approve: true }, at + 60_000);
    return this;
  }
  /** A look-back review started at `at` and its outcome recorded at `decidedAt`. */
  lookback(at: number, decidedAt: number, outcome: 'sustained' | 'relapsed', newDeadline?: string, campaign?: string): this {
    const round = (this.state.lookbacks?.length ?? 0) + 1;
    (this.state.lookbacks ??= []).push({ round, startedAt: new Date(at).toISOString(), ...(campaign ? { campaign } : {}) });
    life.applyLookbackOutcome(
      this.state,
      { round, outcome, notes: outcome === 'relapsed' ? '问题反复' : '成效巩固', by: OFFICE, newDeadline },
      decidedAt,
    );
    return this;
  }
  /** A review started and still open. */
  reviewing(at: number, campaign?: string): this {
    const round = (this.state.lookbacks?.length ?? 0) + 1;
    (this.state.lookbacks ??= []).push({ round, startedAt: new Date(at).toISOString(), ...(campaign ? { campaign } : {}) });
    return this;
  }
  delivered(entry: Omit<DeliveryEntry, 'at'> & { at: number }): this {
    (this.state.deliveries ??= []).push({ ...entry, at: new Date(entry.at).toISOString() });
    return this;
  }
  record(notes: 'all' | 'latest' = 'all'): MeasureRecord {
    const cal = chinaCalendar({ ...this.spec.calendar, unpublishedYears: 'statutory' });
    return measureRecord(this.state, `measure:${this.spec.planId}:${this.spec.id}`, (d) => dueAt(this.spec, d, cal), { notes });
  }
}
