/**
 * The weekly digest at city or province level: the districts that moved in the week (newly
 * overdue, escalated to the leadership group, relapsed), each in the words and counts of its own
 * leadership digest and with its roll-up figures, and the mail the city or province office reads.
 */
import { chinaCalendar } from '../../domain/calendar-data';
import { rollupWeekView, renderRollupDigest, ROLLUP_ITEMS_PER_DISTRICT } from '../../domain/email/rollup-digest';
import type { RenderContext } from '../../domain/email/render';
import type { MeasureRecord } from '../../domain/record';
import { districtFigures, rollupSummary } from '../../domain/rollup';
import { rollupWeek, type PlanWeekSource } from '../../domain/rollup-weekly';
import { weeklyDigest } from '../../domain/weekly';
import { bj, MeasureStory } from '../helpers/records';
import { STRAY } from '../helpers/typography';

const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
const from = bj('2024-06-03 10:00');
const to = bj('2024-06-10 10:00');

const plan = (planId: string, stories: MeasureStory[]): PlanWeekSource => ({
  planId,
  records: stories.map((s) => {
    s.state.trafficLight = s.state.progress.status === 'closed' ? 'green' : s.state.progress.deadline! < '2024-06-10' ? 'red' : 'green';
    return s.record();
  }),
});
const of = (planId: string, planTitle: string, o: Parameters<typeof MeasureStory.of>[0]) => MeasureStory.of({ planId, planTitle, ...o });

/** Three districts: 梁溪 moved three ways, 滨湖 had only a close-out and an old overdue (quiet), 新吴 one newly overdue. */
function districts(): PlanWeekSource[] {
  const lx = (o: Parameters<typeof MeasureStory.of>[0]) => of('liangxi', '梁溪区巡察整改', o);
  const bh = (o: Parameters<typeof MeasureStory.of>[0]) => of('binhu', '滨湖区巡察整改', o);
  const xw = (o: Parameters<typeof MeasureStory.of>[0]) => of('xinwu', '新吴区巡察整改', o);
  return [
    plan('binhu', [
      bh({ id: '1.1', deadline: '2024-05-31' }),
      bh({ id: '1.2', deadline: '2024-06-28' }).submit(bj('2024-06-04 10:00')).verify(bj('2024-06-05 10:00')),
    ]),
    plan('liangxi', [
      lx({ id: '1.1', deadline: '2024-06-05' }).delivered({
        at: bj('2024-06-07 09:00'),
        stage: 'v1:deadline:overdue:2',
        kind: 'overdue',
        level: 2,
        audiences: ['leadershipGroup'],
      }),
      lx({ id: '2.1', deadline: '2024-03-29', leadUnit: '区商务局' })
        .submit(bj('2024-03-20 10:00'))
        .verify(bj('2024-03-21 10:00'))
        .lookback(bj('2024-06-03 10:30'), bj('2024-06-06 10:00'), 'relapsed', '2024-08-30'),
      lx({ id: '2.2', deadline: '2024-07-31' }),
    ]),
    plan('xinwu', [xw({ id: '3.1', deadline: '2024-06-07', leadUnit: '区教育局' })]),
    // A plan whose measures were all withdrawn: nothing to count.
    { planId: 'empty', records: [] },
  ];
}

const ctx: RenderContext = {
  recipient: { email: 'sxcb@example.org', name: '市委巡察办', audience: 'office' },
  office: { name: '市委巡察办', emails: ['sxcb@example.org'] },
  now: to,
  calendar,
  timeZone: 'Asia/Shanghai',
};

describe('the roll-up digest (各地区周报)', () => {
  it('names the districts that moved, most movements first, each as its own leadership digest says it', () => {
    const plans = districts();
    const w = rollupWeek(plans, from, to, calendar, '某市委巡察办');
    expect(w.moved.map((d) => [d.planId, d.newlyOverdue.length, d.escalated.length, d.relapsed.length])).toEqual([
      ['liangxi', 1, 1, 1],
      ['xinwu', 1, 0, 0],
    ]);
    expect(w.quiet).toBe(1);
    expect([w.from, w.to, w.fromZh, w.toZh, w.timeZone]).toEqual([
      '2024-06-03',
      '2024-06-10',
      '2024年6月3日',
      '2024年6月10日',
      'Asia/Shanghai',
    ]);
    for (const d of w.moved) {
      const own = weeklyDigest(plans.find((p) => p.planId === d.planId)!.records, from, to, calendar);
      expect([d.newlyOverdue, d.escalated, d.relapsed]).toEqual([own.newlyOverdue, own.escalated, own.relapsed]);
    }
    // The figures are the roll-up's row for each district (the empty plan is left out), on the week's last day.
    expect(w.rollup.districts.map((d) => d.planId).sort()).toEqual(['binhu', 'liangxi', 'xinwu']);
    const liangxi = plans.find((p) => p.planId === 'liangxi')!.records;
    expect(w.moved[0].figures).toEqual(
      districtFigures(liangxi, { planId: 'liangxi', planTitle: '梁溪区巡察整改', asOf: '2024-06-10', timeZone: 'Asia/Shanghai', calendar }),
    );
    expect(w.rollup.totals).toMatchObject({ districts: 3, measures: 6, closed: 1 });
    // Open everywhere: 滨湖 1, 梁溪 3 (2.1 reopened by the relapse), 新吴 1.
    expect(w.open).toBe(5);
  });

  it('says it in one mail to the city office: the totals, a section per district that moved, the ask, the roll-up page', () => {
    const w = rollupWeek(districts(), from, to, calendar, '某市委巡察办');
    const mail = renderRollupDigest(w, ctx, 'https://zhenggai.example.org/rollup');
    expect(mail.subject).toBe(
      '【各地区整改周报】某市委巡察办（2024年6月3日—2024年6月10日）：2个地区有变化，新增逾期2项、督办至领导小组1项、反弹回潮1项',
    );
    expect(mail.text).toContain('市委巡察办：');
    expect(mail.text).toContain(rollupSummary(w.rollup));
    expect(mail.text).toContain(
      '本周（2024年6月3日至2024年6月10日），2个地区有新增逾期、督办至领导小组或反弹回潮的措施（新增逾期2项、督办至领导小组1项、反弹回潮1项），情况如下；其余1个地区本周没有这些情况。',
    );
    const liangxi = w.moved[0].figures;
    expect(mail.text).toContain(
      `梁溪区巡察整改：新增逾期1项、督办至领导小组1项、反弹回潮1项（完成率${liangxi.completionRate}，逾期${liangxi.overdue}项）\n` +
        '  · 措施1.1“健全政策机制”（区发改委）：2024年6月5日到期未完成\n' +
        '  · 措施1.1“健全政策机制”（区发改委）：2024年6月7日督办至领导小组\n' +
        '  · 措施2.1“健全政策机制”（区商务局）：第1次回头看发现反弹回潮，重新整改至2024年8月30日\n',
    );
    expect(mail.text).toContain('新吴区巡察整改：新增逾期1项（');
    expect(mail.text).not.toContain('滨湖区');
    expect(mail.text).toContain('在线查看各地区汇总（需登录）：https://zhenggai.example.org/rollup');
    // Mail to an office is the system's: its 落款, and no contact line pointing at itself.
    expect(mail.text).toMatch(/巡视整改督办系统\n\s*2024年6月10日/);
    expect(mail.text).not.toContain('如有疑问');
    expect(mail.html).toContain('梁溪区巡察整改：新增逾期1项、督办至领导小组1项、反弹回潮1项');
    for (const t of [mail.subject, mail.text]) expect(t).not.toMatch(STRAY);
  });

  it('lists at most ten measures of a district and counts the rest', () => {
    const many = Array.from({ length: ROLLUP_ITEMS_PER_DISTRICT + 3 }, (_, i) =>
      of('liangxi', '梁溪区巡察整改', { id: `1.${i + 1}`, deadline: '2024-06-05' }),
    );
    const w = rollupWeek([plan('liangxi', many)], from, to, calendar);
    const [section] = rollupWeekView(w).sections;
    expect(section.lines).toHaveLength(ROLLUP_ITEMS_PER_DISTRICT + 1);
    expect(section.lines[ROLLUP_ITEMS_PER_DISTRICT]).toBe('另有3项，详见该地区的整改总览和领导小组周报。');
    expect(section.heading).toMatch(/^梁溪区巡察整改：新增逾期13项（完成率/);
  });

  it('says so when no district moved, and has no sections', () => {
    const quiet = [plan('binhu', [of('binhu', '滨湖区巡察整改', { id: '1.1', deadline: '2024-12-31' })])];
    const w = rollupWeek(quiet, from, to, calendar);
    const view = rollupWeekView(w);
    expect(view.sections).toEqual([]);
    expect(view.subject).toBe(
      '【各地区整改周报】（2024年6月3日—2024年6月10日）：0个地区有变化，新增逾期0项、督办至领导小组0项、反弹回潮0项',
    );
    expect(view.intro).toContain('本周（2024年6月3日至2024年6月10日），各地区没有新增逾期、督办至领导小组或反弹回潮的措施。');
    expect(view.online).toBeUndefined();
  });

  it('has nothing open when every district has closed every measure', () => {
    const done = [
      plan('binhu', [
        of('binhu', '滨湖区巡察整改', { id: '1.1', deadline: '2024-06-28' }).submit(bj('2024-06-04 10:00')).verify(bj('2024-06-05 10:00')),
      ]),
    ];
    expect(rollupWeek(done, from, to, calendar).open).toBe(0);
    const records: MeasureRecord[] = done[0].records;
    expect(records[0].status).toBe('closed');
  });
});
