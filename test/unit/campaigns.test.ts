/** Look-back campaigns as the desk follows them (domain/campaigns.ts): each campaign per plan, its reviews, the counts and their words. */
import { campaignTallies, campaignWords, reviewWords } from '../../domain/campaigns';
import type { MeasureRecord } from '../../domain/record';
import { bj, MeasureStory } from '../helpers/records';

const reviewed = (r: MeasureRecord, lookbacks: MeasureRecord['lookbacks']): MeasureRecord => ({ ...r, lookbacks });

describe('campaign tallies', () => {
  const now = bj('2025-03-20 10:00');
  const started = new Date(bj('2025-03-03 09:00')).toISOString();
  const review = (over: Partial<MeasureRecord['lookbacks'][number]>) => ({
    round: 1,
    campaign: '年终回头看',
    startedAt: started,
    dueDate: '2025-03-14',
    dueAt: new Date(bj('2025-03-14 18:00')).toISOString(),
    ...over,
  });
  const records = [
    reviewed(MeasureStory.of({ id: '1.2', title: '全力稳定外资' }).record(), [review({})]),
    reviewed(MeasureStory.of({ id: '1.10', title: '清查闲置资产', leadUnit: '区财政局' }).record(), [
      review({ outcome: 'relapsed', recordedAt: started }),
    ]),
    reviewed(MeasureStory.of({ id: '1.3', title: '规范资产处置' }).record(), [
      review({ dueDate: '2025-03-31', dueAt: new Date(bj('2025-03-31 18:00')).toISOString() }),
      review({ round: 2, campaign: undefined }),
    ]),
    reviewed(MeasureStory.of({ id: '2.1', title: '整顿软弱涣散党组织' }).record(), [review({ outcome: 'sustained' })]),
    { ...reviewed(MeasureStory.of({ id: '1.2', title: '另一计划的措施' }).record(), [review({})]), planId: 'other-2025' },
  ];

  it('counts each plan’s campaign apart, waiting reviews first (oldest due first), then by measure number', () => {
    const tallies = campaignTallies(records, now);
    expect(tallies.map((t) => [t.planId, t.name])).toEqual([
      [records[0].planId, '年终回头看'],
      ['other-2025', '年终回头看'],
    ]);
    const [t] = tallies;
    expect(t).toMatchObject({
      reviews: 4,
      done: 2,
      pending: 2,
      overdue: 1,
      sustained: 1,
      relapsed: 1,
      dueDate: '2025-03-31',
      startedAt: started,
    });
    expect(t.measures.map((m) => [m.measureId, m.title, m.leadUnit, reviewWords(m)])).toEqual([
      ['1.2', '全力稳定外资', '区发改委', '逾期未核查'],
      ['1.3', '规范资产处置', '区发改委', '待核查'],
      ['1.10', '清查闲置资产', '区财政局', '反弹回潮'],
      ['2.1', '整顿软弱涣散党组织', '区发改委', '已巩固'],
    ]);
  });

  it('says where a campaign stands in one line', () => {
    const [t, other] = campaignTallies(records, now);
    expect(campaignWords(t)).toBe('共4项：已核查2项（已巩固1项、反弹回潮1项），待核查2项（逾期1项）');
    expect(campaignWords(other)).toBe('共1项：尚无核查结论，待核查1项（逾期1项）');
    expect(campaignWords({ reviews: 2, done: 2, pending: 0, overdue: 0, sustained: 2, relapsed: 0 })).toBe(
      '共2项：已核查2项（已巩固2项、反弹回潮0项）',
    );
  });
});
