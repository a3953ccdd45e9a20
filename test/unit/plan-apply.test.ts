/** The difference an edited plan makes to running measures, and the checks of the requests that apply it. */
import { chinaCalendar } from '../../domain/calendar-data';
import { describeDiff, isEmpty, planDiff, type RunningMeasure } from '../../domain/plan/apply';
import { validateAmendMeasure, validateWithdrawMeasure } from '../../domain/requests';
import * as life from '../../domain/lifecycle';
import { MeasureStory, OFFICE, UNIT, bj } from '../helpers/records';
import { testSpec } from '../helpers/specs';

const running = (over: Partial<RunningMeasure> = {}, spec = testSpec()): RunningMeasure => ({
  measureId: spec.id,
  status: 'active',
  spec,
  deadline: spec.deadline,
  leadUnit: spec.leadUnit,
  leader: spec.leader,
  ...over,
});

describe('planDiff', () => {
  const spec = testSpec();

  it('nothing changed: nothing to do', () => {
    const d = planDiff('p', [spec], [running()], []);
    expect(isEmpty(d)).toBe(true);
    expect(describeDiff(d, false)).toEqual(['计划 p：与运行中的措施一致，无需调整']);
  });

  it('an extension granted since is not undone by a file that still shows the planned date; a new date is applied', () => {
    const extended = running({ deadline: '2025-03-31' });
    expect(planDiff('p', [spec], [extended], []).changed).toEqual([]);
    // The file now shows the extended date: it becomes the plan's, quietly.
    const synced = planDiff('p', [{ ...spec, deadline: '2025-03-31' }], [extended], []);
    expect(synced.changed.map((c) => [c.amend, c.words])).toEqual([[{ deadline: '2025-03-31' }, []]]);
    expect(isEmpty(synced)).toBe(true);
    const moved = planDiff('p', [{ ...spec, deadline: '2025-06-30' }], [extended], []).changed[0];
    expect(moved.amend).toEqual({ deadline: '2025-06-30' });
    expect(moved.words).toEqual(['整改时限：2025年3月31日 → 2025年6月30日']);
    // Extended again after the file was applied: the file that still says the previous date changes nothing.
    const again = running({ deadline: '2025-09-30' }, { ...spec, deadline: '2025-03-31' });
    expect(planDiff('p', [{ ...spec, deadline: '2025-03-31' }], [again], []).changed).toEqual([]);
  });

  it('a reassignment made on the web stands unless the file names someone new', () => {
    const moved = running({ leadUnit: '区财政局' });
    expect(planDiff('p', [spec], [moved], []).changed).toEqual([]);
    const synced = planDiff('p', [{ ...spec, leadUnit: '区财政局' }], [moved], []).changed;
    expect(synced.map((c) => [c.amend, c.reassign, c.words])).toEqual([[{ plannedLeadUnit: '区财政局' }, undefined, []]]);
    expect(planDiff('p', [{ ...spec, leadUnit: '区委组织部' }], [moved], []).changed[0].reassign).toEqual({ leadUnit: '区委组织部' });
    // Moved on again on the web after the file said 区财政局: the file changes nothing; back to the first unit, it does.
    const onward = running({ leadUnit: '区委组织部' }, { ...spec, leadUnit: '区财政局' });
    expect(planDiff('p', [{ ...spec, leadUnit: '区财政局' }], [onward], []).changed).toEqual([]);
    expect(planDiff('p', [spec], [onward], []).changed[0].reassign).toEqual({ leadUnit: spec.leadUnit });
  });

  it('a measure withdrawn earlier and still in the file is named, not started again', () => {
    const d = planDiff('p', [spec], [running({ withdrawn: true })], []);
    expect([d.added, d.withdrawn]).toEqual([[], [{ measureId: spec.id, title: spec.title }]]);
    expect(describeDiff(d, false)).toContain('已撤销的措施（不能以原编号重新启动；如需恢复，请用新的编号）（1项）：');
  });

  it('a closed measure keeps its deadline and people; its text still follows the file', () => {
    const closed = running({ status: 'closed' });
    const c = planDiff('p', [{ ...spec, deadline: '2030-01-31', leadUnit: '区委组织部', text: '新的内容' }], [closed], []).changed[0];
    expect(c.amend).toEqual({ text: '新的内容' });
    expect(c.reassign).toBeUndefined();
  });

  it('added, removed, changed kind, stages, participants and policy, and the directory, grouped', () => {
    const other = testSpec({ id: '1.2', title: '第二项' });
    const edited = {
      ...spec,
      kind: 'phased' as const,
      milestones: [{ title: '完成摸排', deadline: '2024-08-30' }],
      participants: ['区委办'],
      policy: { ...spec.policy, dueAt: '17:00' },
    };
    const d = planDiff('p', [edited, testSpec({ id: '3.1', title: '新增' })], [running(), running({}, other)], ['单位邮箱: 区发改委']);
    expect(d.added).toEqual([{ measureId: '3.1', title: '新增' }]);
    expect(d.removed).toEqual([{ measureId: '1.2', title: '第二项' }]);
    expect(d.changed[0].amend).toEqual({ participants: ['区委办'], milestones: edited.milestones, kind: 'phased' });
    expect(d.changed[0].policy).toEqual(edited.policy);
    expect(describeDiff(d, true)).toContain('名录和规则变更（下一次发送起生效，不改动措施）：');
    expect(describeDiff(d, true)).toContain('计划中已删除（将撤销：停止提醒，工作流结束）（1项）：');
  });
});

describe('the requests plan apply sends', () => {
  const cal = chinaCalendar();
  const now = bj('2024-03-01 10:00');
  const story = () => MeasureStory.of({ kind: 'deadline', deadline: '2024-06-28' });

  it('amend: the office only, with a reason and something to change', () => {
    const s = story().state;
    expect(() => validateAmendMeasure(s, { actor: { role: 'unit', who: '区发改委' }, reason: 'x', text: 'y' }, cal, now)).toThrow(
      '只有巡察办',
    );
    expect(() => validateAmendMeasure(s, { actor: OFFICE, reason: '', text: 'y' }, cal, now)).toThrow('调整理由不能为空');
    expect(() => validateAmendMeasure(s, { actor: OFFICE, reason: 'x' }, cal, now)).toThrow('没有要调整的内容');
    expect(() => validateAmendMeasure(s, { actor: OFFICE, reason: 'x', deadline: '2024-06-30' }, cal, now)).not.toThrow();
  });

  it('amend: a deadline in the past, a closed measure, long-term conversions, stages after the deadline are refused', () => {
    const s = story().state;
    expect(() => validateAmendMeasure(s, { actor: OFFICE, reason: 'x', deadline: '2024-01-31' }, cal, now)).toThrow('应晚于今天');
    expect(() => validateAmendMeasure(s, { actor: OFFICE, reason: 'x', kind: 'longterm' }, cal, now)).toThrow('长期坚持类');
    expect(() =>
      validateAmendMeasure(
        s,
        { actor: OFFICE, reason: 'x', kind: 'phased', milestones: [{ title: '摸排', deadline: '2024-09-30' }] },
        cal,
        now,
      ),
    ).toThrow('阶段节点不能晚于整改时限（2024年6月28日）');
    const closed = story().submit(bj('2024-02-01 10:00')).verify(bj('2024-02-02 10:00')).state;
    expect(() => validateAmendMeasure(closed, { actor: OFFICE, reason: 'x', deadline: '2024-06-30' }, cal, now)).toThrow('措施已销号');
  });

  it('amend: completed stages stay as they were; the changed ones are chased afresh', () => {
    const phased = MeasureStory.of({
      kind: 'phased',
      deadline: '2024-12-31',
      milestones: [
        { title: '摸排', deadline: '2024-03-29' },
        { title: '清理', deadline: '2024-06-28' },
      ],
    });
    life.applyReportProgress(phased.state, { actor: UNIT(), note: '摸排完成', completesMilestone: true }, bj('2024-02-20 10:00'));
    phased.state.progress.handled = { 'milestone:0:reminder:5': 'sent', 'milestone:1:reminder:5': 'sent' };
    const s = phased.state;
    const moved = [s.spec.milestones[0], { title: '清理', deadline: '2024-09-30' }];
    expect(() =>
      validateAmendMeasure(s, { actor: OFFICE, reason: 'x', milestones: [{ title: '新增', deadline: '2024-02-29' }, ...moved] }, cal, now),
    ).toThrow('已完成的前1个阶段节点不能修改或删除');
    expect(() => validateAmendMeasure(s, { actor: OFFICE, reason: 'x', milestones: moved }, cal, now)).not.toThrow();
    life.applyAmendMeasure(s, { actor: OFFICE, reason: 'x', milestones: moved }, now);
    expect(s.progress.handled).toEqual({ 'milestone:0:reminder:5': 'sent' });
  });

  it('amend: a new deadline makes a pending extension request moot, and the record keeps each extension’s true start', () => {
    const st = story().extend(bj('2024-02-01 10:00'), '2024-07-31');
    life.applyRequestExtension(st.state, { actor: UNIT(), newDeadline: '2024-08-30', reason: '再延' }, bj('2024-02-10 10:00'));
    life.applyAmendMeasure(st.state, { actor: OFFICE, reason: '按台账', deadline: '2024-09-30' }, now);
    expect(st.state.pendingExtension).toBeUndefined();
    expect(st.state.audit.at(-1)!.detail).toMatchObject({
      deadline: '2024-09-30',
      previousDeadline: '2024-07-31',
      droppedExtension: '2024-08-30',
    });
    life.applyRequestExtension(st.state, { actor: UNIT(), newDeadline: '2024-10-31', reason: '三延' }, bj('2024-03-05 10:00'));
    life.applyDecideExtension(st.state, { actor: OFFICE, approve: true }, bj('2024-03-06 10:00'));
    expect(st.record().extensions.map((e) => [e.from, e.to])).toEqual([
      ['2024-06-28', '2024-07-31'],
      ['2024-09-30', '2024-10-31'],
    ]);
  });

  it('withdraw: the office, with a reason, once', () => {
    const s = story().state;
    expect(() => validateWithdrawMeasure(s, { actor: OFFICE, reason: '' })).toThrow('撤销理由不能为空');
    expect(() => validateWithdrawMeasure(s, { actor: OFFICE, reason: '合并' })).not.toThrow();
    s.withdrawn = { at: '2024-03-01T02:00:00Z', by: OFFICE, reason: '合并' };
    expect(() => validateWithdrawMeasure(s, { actor: OFFICE, reason: '合并' })).toThrow('措施已撤销');
  });
});
