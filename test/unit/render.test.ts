/**
 * The mails as their readers get them (plain text, as the HTML is the same view): what happened,
 * what this reader is asked to do in words, whom to contact, and the office's 落款.
 */
import { chinaCalendar } from '../../domain/calendar-data';
import { deadlineIcs } from '../../domain/email/ics';
import { resolveRecipients } from '../../domain/email/recipients';
import { renderCalendarAlert, renderDigest, renderNotice, type RenderContext } from '../../domain/email/render';
import type { Notice, NoticeAudience, NoticeKind, NoticeMeasure } from '../../domain/notice';
import type { Directory } from '../../domain/plan/schema';
import { digestSlot, NOTICE_KINDS } from '../../domain/vocabulary';
import { nestedBrackets } from '../../domain/typography';
import { testMeasure, testNotice } from '../helpers/notices';

const measure: NoticeMeasure = testMeasure({
  id: '2.2',
  problem: { no: 2, title: '争先进位劲头不足' },
  title: '全力稳定外资',
  leadUnit: '区商务局',
  leader: '副区长(分管发展改革、商务)',
  participants: [],
  trafficLight: 'red',
});
const OFFICE = { name: '区委巡察办', emails: ['xunchaban@example.org'], phone: '0510-8000 0000', address: '区行政中心 3 号楼' };
const NAMES: Record<NoticeAudience, string> = {
  leadUnit: '区商务局',
  leader: '副区长(分管发展改革、商务)',
  office: '区委巡察办',
  leadershipGroup: '区委巡视整改工作领导小组',
  previousLeadUnit: '区发改委',
  previousLeader: '区委常委、常务副区长',
};
const ctx = (now: string, audience: NoticeAudience = 'leadUnit'): RenderContext => ({
  recipient: { email: 'someone@example.org', name: NAMES[audience], audience },
  office: OFFICE,
  now: Date.parse(now),
  calendar: chinaCalendar(),
  timeZone: 'Asia/Shanghai',
});
const notice = (over: Partial<Notice>): Notice =>
  testNotice({ dueDate: undefined, dueAt: undefined, workdaysBefore: undefined, measure, ...over });

describe('mails people can act on (zh-CN)', () => {
  it('tells a lead unit in words what to do by when and whom to contact, and ends with the office’s 落款', () => {
    const mail = renderNotice(
      notice({ kind: 'reminder', workdaysBefore: 5, measure: { ...measure, trafficLight: 'yellow' } }),
      ctx('2024-10-09T09:00:00+08:00'),
    );
    expect(mail.subject).toBe('【整改提醒】措施2.2“全力稳定外资”（还剩5个工作日）'); // 10-12 is a make-up Saturday
    expect(mail.text).toContain('区商务局：');
    expect(mail.text).toContain('本措施将于2024年10月15日（周二）18:00到期。');
    expect(mail.text).toContain('请于2024年10月15日（周二）18:00前完成整改，并向区委巡察办报送整改完成情况及佐证材料。');
    // No online 申请延期 link in this mail (no link settings): a written application.
    expect(mail.text).toContain('确需延期的，请在到期前向区委巡察办提出书面申请，说明理由和拟完成时间。');
    expect(mail.text).toContain('如有疑问，请联系区委巡察办，电话：0510-8000 0000；地址：区行政中心3号楼；邮箱：xunchaban@example.org。');
    expect(
      mail.text
        .trimEnd()
        .split('\n')
        .slice(-2)
        .map((l) => l.trim()),
    ).toEqual(['区委巡察办', '2024年10月9日']);
    expect(mail.html).toContain('请于2024年10月15日（周二）18:00前完成整改');
  });

  it('never asks anyone to run a command, whatever the kind and whoever reads it', () => {
    const events: Partial<Notice> = {
      event: {
        actor: { role: 'office', who: '督查科' },
        reason: '理由',
        note: '说明',
        evidence: ['文件'],
        accepted: false,
        approved: true,
      },
      milestone: { index: 0, title: '摸排', deadline: '2024-06-28' },
      period: '2024-06-30',
      dueDate: '2024-06-30',
      lookback: { round: 1, closedOn: '2024-06-28', dueDate: '2024-10-08' },
    };
    events.event!.previousDeadline = '2024-10-15';
    events.event!.requestedDeadline = '2024-11-29';
    events.event!.previousLeadUnit = '区发改委';
    events.event!.previousLeader = '区委常委、常务副区长';
    for (const kind of Object.keys(NOTICE_KINDS) as NoticeKind[]) {
      for (const audience of Object.keys(NAMES) as NoticeAudience[]) {
        const mail = renderNotice(notice({ kind, audiences: [audience], level: 1, ...events }), ctx('2024-10-16T09:00:00+08:00', audience));
        expect([kind, audience, mail.text]).not.toContainEqual(expect.stringMatching(/rectify|--[a-z]|\bundefined\b/));
        // The due time holds brackets of its own: never within brackets (GB/T 15834).
        expect([kind, audience, nestedBrackets(mail.text)]).toEqual([kind, audience, []]);
      }
    }
  });

  it('badges a relapse as an alarm for leadership, and asks leadership to watch, not to act for the unit', () => {
    const relapse = notice({
      kind: 'relapsed',
      audiences: ['leadUnit', 'leader', 'leadershipGroup'],
      event: { actor: { role: 'office', who: '督查科' }, reason: '外资项目再度停滞', requestedDeadline: '2024-12-31', outcome: 'relapsed' },
      measure: {
        ...measure,
        status: 'active',
        trafficLight: 'green',
        deadline: '2024-12-31',
        dueAt: '2024-12-31T10:00:00.000Z',
        deadlineVersion: 2,
      },
    });
    const mail = renderNotice(relapse, ctx('2024-10-16T09:00:00+08:00', 'leadershipGroup'));
    // Said once: the subject names it, and beside its badge the item's label says the rest.
    expect(mail.subject).toBe('【反弹回潮·重新整改】措施2.2“全力稳定外资”');
    const heading = mail.text.split('\n').find((l) => l.includes('措施2.2“'))!;
    expect(heading).toBe('[反弹回潮]【重新整改】措施2.2“全力稳定外资”');
    expect(mail.html).toContain('● 反弹回潮</span>【重新整改】');
    expect(mail.text).not.toContain('绿灯');
    expect(mail.text).toContain(
      '回头看发现本措施反弹回潮，已重新列入整改，新的整改时限为2024年12月31日（周二）18:00。核查说明：外资项目再度停滞',
    );
    expect(mail.text).toContain('请领导小组关注，督促区商务局限期重新整改。');
    expect(mail.text).not.toContain('请于'); // the unit's instructions are the unit's
    const toUnit = renderNotice(relapse, ctx('2024-10-16T09:00:00+08:00', 'leadUnit'));
    expect(toUnit.text).toContain('请于2024年12月31日（周二）18:00前重新完成整改，并向区委巡察办报送整改完成情况及佐证材料。');
  });

  it('asks the office for a look-back of a closed measure without calling it overdue', () => {
    const review = notice({
      kind: 'lookback-request',
      audiences: ['office'],
      dueDate: '2024-10-08',
      dueAt: '2024-10-08T10:00:00.000Z',
      lookback: { round: 1, closedOn: '2024-06-28', dueDate: '2024-10-08', campaign: '2024年秋季回头看' },
      measure: { ...measure, status: 'closed', trafficLight: 'green', deadline: '2022-12-30', dueAt: '2022-12-30T10:00:00.000Z' },
    });
    const mail = renderNotice(review, ctx('2024-09-26T09:00:00+08:00', 'office'));
    expect(mail.subject).toBe('【回头看】措施2.2“全力稳定外资”');
    expect(mail.text).toContain('[已销号]');
    expect(mail.text).not.toContain('逾期');
    expect(mail.text).toContain(
      '本措施已于2024年6月28日（周五）销号，现开展第1次回头看（“2024年秋季回头看”专项），核查整改成效是否巩固、有无反弹回潮。',
    );
    expect(mail.text).toContain('回头看时限：2024年10月8日（周二）18:00，还剩4个工作日'); // 9-27, 9-29 (make-up Sunday), 9-30, then 国庆 until 10-08
    expect(mail.text).toContain('请于2024年10月8日（周二）18:00前完成核查，在系统中记录结论');
    expect(mail.text).not.toContain('如有疑问'); // the office is not told to contact itself
  });

  it('merges a look-back campaign’s requests to the office into one mail that asks once, and only those', () => {
    const review = (id: string, closedOn: string, campaign = '2024年秋季回头看') =>
      notice({
        kind: 'lookback-request',
        audiences: ['office'],
        dueDate: '2024-10-08',
        dueAt: '2024-10-08T10:00:00.000Z',
        lookback: { round: 1, closedOn, dueDate: '2024-10-08', campaign },
        measure: { ...measure, id, status: 'closed', trafficLight: 'green', deadline: '2022-12-30', dueAt: '2022-12-30T10:00:00.000Z' },
      });
    const mail = renderDigest(
      [review('10.2', '2024-06-28'), review('2.2', '2024-05-31'), review('3.1', '2024-06-03')],
      ctx('2024-09-26T09:00:00+08:00', 'office'),
    );
    expect(mail.subject).toBe('【回头看】“2024年秋季回头看”专项：3项已销号措施待核查');
    expect(mail.text).toContain(
      '回头看专项“2024年秋季回头看”列入以下3项已销号的整改措施，核查整改成效是否巩固、有无反弹回潮。请于2024年10月8日（周二）18:00前完成核查，在系统中记录结论：整改成效巩固；或反弹回潮，并确定新的整改时限。',
    );
    // By number; each says when it was closed; the ask is said once, not per measure.
    expect([...mail.text.matchAll(/措施(\d+\.\d+)“/g)].map((m) => m[1])).toEqual(['2.2', '3.1', '10.2']);
    expect(mail.text).toContain('本措施已于2024年5月31日（周五）销号。');
    expect(mail.text).not.toContain('现开展');
    expect(mail.text.match(/完成核查/g)).toHaveLength(1);
    expect(mail.text).not.toContain('整改提醒汇总');
    // Two campaigns, or a request among reminders, read as a morning's digest.
    expect(
      renderDigest([review('2.2', '2024-05-31'), review('3.1', '2024-06-03', '另一专项')], ctx('2024-09-26T09:00:00+08:00', 'office'))
        .subject,
    ).toMatch(/^【整改提醒汇总】/);
  });

  it('merges scheduled notices per send time, a campaign’s requests per minute, and nothing else', () => {
    const at = { plannedAt: '2024-09-26T01:00:00.000Z', decidedAt: '2024-09-26T06:31:42.500Z' };
    const minute = Date.parse('2024-09-26T06:31:00.000Z');
    const lookback = { round: 1, closedOn: '2024-06-28', dueDate: '2024-10-08' };
    expect(digestSlot(notice({ kind: 'reminder', catchUp: false, ...at }))).toBe(Date.parse(at.plannedAt));
    expect(digestSlot(notice({ kind: 'overdue', catchUp: true, ...at }))).toBe(minute);
    expect(digestSlot(notice({ kind: 'lookback-request', ...at, lookback: { ...lookback, campaign: '秋季' } }))).toBe(minute);
    expect(digestSlot(notice({ kind: 'lookback-request', ...at, lookback }))).toBeUndefined();
    for (const kind of ['submitted', 'urged', 'lookback-reminder', 'relapsed'] as NoticeKind[])
      expect(digestSlot(notice({ kind, ...at, lookback: { ...lookback, campaign: '秋季' } }))).toBeUndefined();
  });

  it('shows the office what the unit wrote when it submits', () => {
    const submitted = notice({
      kind: 'submitted',
      audiences: ['office'],
      event: { actor: { role: 'unit', who: '区商务局' }, evidence: ['《稳外资若干措施》印发文件', '兑现台账'], note: '奖励资金已全部兑现' },
    });
    const mail = renderNotice(submitted, ctx('2024-10-16T09:00:00+08:00', 'office'));
    expect(mail.text).toContain('区商务局已提交整改完成情况。佐证材料：《稳外资若干措施》印发文件、兑现台账。');
    expect(mail.text).toContain('说明：奖励资金已全部兑现');
    expect(mail.text).toContain('请核验佐证材料，在系统中办理销号；材料不足的，退回并说明理由。');
  });

  it('names an uploaded file by its name and size, never by its hash', () => {
    const hash = (c: string) => c.repeat(64);
    const submitted = notice({
      kind: 'submitted',
      audiences: ['office'],
      event: {
        actor: { role: 'unit', who: '区商务局', via: 'link' },
        evidence: ['兑现台账', `附件「整改报告.pdf」(1.2 MB,sha256:${hash('a')})`],
        note: `补充见附件「奖励名单.xlsx」(34 KB，sha256:${hash('b')})`,
      },
    });
    const mail = renderNotice(submitted, ctx('2024-10-16T09:00:00+08:00', 'office'));
    expect(mail.text).toContain('佐证材料：兑现台账、附件“整改报告.pdf”（1.2 MB）。');
    expect(mail.text).toContain('说明：补充见附件“奖励名单.xlsx”（34 KB）');
    for (const body of [mail.text, mail.html]) expect(body).not.toMatch(/sha256|[0-9a-f]{64}/);
  });

  it('says in the subject which way a verification went, and gives the office’s words to the unit and the leader', () => {
    const by = { role: 'office' as const, who: '督查科' };
    const rejected = notice({
      kind: 'verification-result',
      audiences: ['leadUnit', 'leader'],
      event: { actor: by, accepted: false, reason: '兑现台账缺少签章' },
    });
    const accepted = notice({
      kind: 'verification-result',
      audiences: ['leadUnit', 'leader'],
      event: { actor: by, accepted: true, reason: '外资到位情况已逐项核实' },
      measure: { ...measure, status: 'closed', trafficLight: 'green' },
    });
    const at = '2024-10-16T09:00:00+08:00';
    for (const audience of ['leadUnit', 'leader'] as const) {
      const back = renderNotice(rejected, ctx(at, audience));
      expect(back.subject).toBe('【核验退回】措施2.2“全力稳定外资”');
      expect(back.text).toContain('巡察办核验未通过，已退回整改。退回理由：兑现台账缺少签章');
      const closed = renderNotice(accepted, ctx(at, audience));
      expect(closed.subject).toBe('【核验通过】措施2.2“全力稳定外资”');
      expect(closed.text).toContain('巡察办已核验通过，本措施销号。\n  核验说明：外资到位情况已逐项核实');
    }
    expect(renderNotice(rejected, ctx(at, 'leadUnit')).text).toContain('请按退回理由继续整改');
    expect(renderNotice(rejected, ctx(at, 'leader')).text).toContain('请督促区商务局按退回理由继续整改。');
    // Without a note, an acceptance says only that.
    const plain = renderNotice({ ...accepted, event: { actor: by, accepted: true } }, ctx(at, 'leader'));
    expect(plain.text).toContain('本措施销号。\n\n如有疑问');
  });

  it('signs mail to the office as the system, and mail to everyone else as the office', () => {
    const at = '2024-10-16T09:00:00+08:00';
    const overdue = notice({ kind: 'overdue', level: 1, audiences: ['leadUnit', 'leader', 'office'] });
    const signature = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .slice(-2)
        .map((l) => l.trim());
    expect(signature(renderNotice(overdue, ctx(at, 'office')).text)).toEqual(['巡视整改督办系统', '2024年10月16日']);
    expect(signature(renderNotice(overdue, { ...ctx(at, 'office'), systemName: '某区整改督办平台' }).text)).toEqual([
      '某区整改督办平台',
      '2024年10月16日',
    ]);
    for (const audience of ['leadUnit', 'leader'] as const)
      expect(signature(renderNotice(overdue, ctx(at, audience)).text)).toEqual(['区委巡察办', '2024年10月16日']);
    expect(renderNotice(overdue, ctx(at, 'office')).html).toContain('巡视整改督办系统<br>2024年10月16日');
  });

  it('tells the old unit and leader of a reassignment as well as the new ones', () => {
    const moved = notice({
      kind: 'reassigned',
      audiences: ['leadUnit', 'leader', 'previousLeadUnit', 'previousLeader'],
      event: {
        actor: { role: 'office', who: '督查科' },
        reason: '职责调整',
        previousLeadUnit: '区发改委',
        previousLeader: '区委常委、常务副区长',
      },
    });
    const directory: Directory = {
      units: [
        { name: '区商务局', emails: ['swj@example.org'] },
        { name: '区发改委', emails: ['fgw@example.org'] },
      ],
      leaders: [
        { role: '副区长(分管发展改革、商务)', email: 'vice@example.org' },
        { role: '区委常委、常务副区长', email: 'edm@example.org' },
      ],
      office: OFFICE,
      leadershipGroup: { name: '领导小组', emails: ['lg@example.org'] },
    };
    expect(resolveRecipients(directory, moved).recipients.map((r) => [r.email, r.audience])).toEqual([
      ['swj@example.org', 'leadUnit'],
      ['vice@example.org', 'leader'],
      ['fgw@example.org', 'previousLeadUnit'],
      ['edm@example.org', 'previousLeader'],
    ]);
    const at = '2024-10-16T09:00:00+08:00';
    expect(renderNotice(moved, ctx(at, 'previousLeadUnit')).text).toContain(
      '本措施已改由区商务局牵头，你单位今后不再收到本措施的提醒；请将已有工作材料移交区商务局。',
    );
    expect(renderNotice(moved, ctx(at, 'leadUnit')).text).toContain('本措施今后由你单位牵头，请与原牵头单位区发改委做好交接');
    expect(renderNotice(moved, ctx(at, 'previousLeader')).text).toContain(
      '本措施的负责区领导已调整为副区长（分管发展改革、商务），此后的提醒不再发送给您。',
    );
    expect(renderNotice(moved, ctx(at, 'leadUnit')).text).toContain(
      '巡察办调整了本措施的分工：牵头单位由区发改委调整为区商务局；负责区领导由区委常委、常务副区长调整为副区长（分管发展改革、商务）。理由：职责调整',
    );
  });

  it('reports a unit without any address to the office instead of dropping the mail', () => {
    const { recipients, problems } = resolveRecipients(
      {
        units: [{ name: '区商务局', emails: [] }],
        leaders: [],
        office: OFFICE,
        leadershipGroup: { name: '领导小组', emails: ['lg@example.org'] },
      },
      notice({ audiences: ['leadUnit'] }),
    );
    expect(recipients).toEqual([]);
    expect(problems).toEqual(['牵头单位“区商务局”没有联系邮箱（在计划名录中补充后，此后的通知会送达）']);
  });

  it('says a deadline on a day off falls due on the last working day before it', () => {
    const sunday = { ...measure, deadline: '2024-06-30', dueAt: '2024-06-28T10:00:00.000Z', trafficLight: 'yellow' as const };
    const friday = renderNotice(notice({ kind: 'final-reminder', measure: sunday, workdaysBefore: 0 }), ctx('2024-06-28T09:00:00+08:00'));
    expect(friday.text).toContain('整改时限：2024年6月30日（逢休息日，2024年6月28日到期）');
    expect(friday.text).toContain('本措施于2024年6月28日（周五）18:00到期，今天是最后一个工作日。');
  });

  it('explains a catch-up and the provisional calendar', () => {
    const at = ctx('2024-10-16T09:00:00+08:00');
    const catchUp = renderNotice(notice({ kind: 'overdue', level: 0, catchUp: true, provisionalCalendar: true }), at);
    expect(catchUp.subject).toBe('【逾期督办·第1级】措施2.2“全力稳定外资”（已逾期1个工作日）');
    expect(catchUp.text).toContain('本通知为补发');
    expect(catchUp.text).toContain(
      '（该年度节假日安排尚未公布，工作日暂按《全国年节及纪念日放假办法》规定的法定节假日计算（节日逢周末顺延补假，不含调休上班日），按临时日历计算。）',
    );
    const weekdays = renderNotice(notice({ kind: 'overdue', level: 0, provisionalCalendar: true }), {
      ...at,
      calendar: chinaCalendar({ unpublishedYears: 'weekdays' }),
    });
    expect(weekdays.text).toContain('（该年度节假日安排尚未公布，工作日暂按周一至周五计算，按临时日历计算。）');
  });

  it('says a count of working days rests on the provisional calendar when it passes through an unpublished year', () => {
    const in2027 = { ...measure, deadline: '2027-01-08', dueAt: '2027-01-08T10:00:00.000Z', trafficLight: 'yellow' as const };
    const at = { ...ctx('2026-12-30T09:00:00+08:00'), calendar: chinaCalendar({ unpublishedYears: 'statutory' }) };
    const mail = renderNotice(notice({ kind: 'reminder', measure: in2027, provisionalCalendar: true }), at);
    // 31 Dec, then 元旦 (Fri 1 Jan) off by statute, then 4–8 Jan.
    expect(mail.subject).toBe('【整改提醒】措施2.2“全力稳定外资”（还剩6个工作日，按临时日历计算）');
    expect(mail.text).toContain('整改时限：2027年1月8日（周五）18:00，还剩6个工作日（按临时日历计算）');
    const published = renderNotice(
      notice({ kind: 'reminder', measure: { ...in2027, deadline: '2026-12-31', dueAt: '2026-12-31T10:00:00.000Z' } }),
      at,
    );
    expect(published.text).toContain('还剩1个工作日\n');
    // The workflow's own count, when the notice carries it (a measure counting Mon–Fri there).
    const counted = { ...in2027, workdaysLeft: 7, provisionalCount: true };
    expect(renderNotice(notice({ kind: 'reminder', measure: counted }), at).text).toContain('还剩7个工作日（按临时日历计算）');
  });

  it('lists a digest red first and counts the lights', () => {
    const at = ctx('2024-10-09T09:00:00+08:00');
    const digest = renderDigest(
      [
        notice({ measure: { ...measure, id: '2.3', trafficLight: 'yellow' } }),
        notice({ measure: { ...measure, id: '2.10', trafficLight: 'green' } }),
        notice({ kind: 'overdue', level: 2, measure: { ...measure, id: '2.4', trafficLight: 'red' } }),
      ],
      at,
    );
    expect(digest.subject).toBe('【整改提醒汇总】2024年10月9日（周三）共3项：红1黄1绿1');
    expect([...digest.text.matchAll(/措施(2\.\d+)“/g)].map((m) => m[1])).toEqual(['2.4', '2.3', '2.10']);
  });

  it('gives a look-back review its own calendar event, leaving the measure’s deadline event where it is', () => {
    const review = notice({
      kind: 'lookback-request',
      audiences: ['office'],
      dueDate: '2024-10-08',
      dueAt: '2024-10-08T10:00:00.000Z',
      lookback: { round: 1, closedOn: '2024-06-28', dueDate: '2024-10-08' },
      measure: { ...measure, status: 'closed', trafficLight: 'green' },
    });
    const reviewIcs = deadlineIcs([review], 'example.org')!.content;
    expect(reviewIcs).toContain('UID:drill-2024.2.2.lookback1@example.org');
    expect(reviewIcs).toContain('SUMMARY:第1次回头看时限：措施2.2“全力稳定外资”');
    expect(reviewIcs).not.toContain('.deadline@');
    const reminderIcs = deadlineIcs([notice({ kind: 'reminder', dueDate: '2024-10-15', dueAt: measure.dueAt })], 'example.org')!.content;
    expect(reminderIcs).toContain('UID:drill-2024.2.2.deadline@example.org');
    expect(deadlineIcs([notice({ kind: 'submitted' })], 'example.org')).toBeUndefined();
  });

  it('tells the office, once, that a year’s arrangement is missing and what happens meanwhile', () => {
    const office = { ...ctx('2026-11-02T09:00:00+08:00', 'office'), calendar: chinaCalendar({ unpublishedYears: 'statutory' }) };
    const mail = renderCalendarAlert(
      { planId: 'drill-2024', year: 2027, from: '2027-01-01', asOf: '2026-11-02', idempotencyKey: 'calendar:drill-2024:2027' },
      '梁溪区巡视整改方案',
      office,
    );
    expect(mail.subject).toBe('【节假日安排待导入】2027年节假日安排尚未收录');
    expect(mail.text).toContain(
      '2027年的节假日安排（国务院办公厅关于2027年部分节假日安排的通知）尚未收录。自2027年1月1日起（还有60天），梁溪区巡视整改方案各项整改措施的提醒、督办和工作日计数将暂按《全国年节及纪念日放假办法》规定的法定节假日计算',
    );
    expect(mail.text).toContain('请将通知全文交系统管理员导入');
    expect(mail.text).not.toMatch(/rectify [a-z]/);
    // From the system to the office, not from the office to itself.
    expect(mail.text.trimEnd().split('\n').at(-2)!.trim()).toBe('巡视整改督办系统');
  });
});
