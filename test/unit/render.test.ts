import { chinaCalendar } from '../../domain/calendar-data';
import { deadlineIcs } from '../../domain/email/ics';
import {
  renderCalendarAlert,
  renderDigest,
  renderLeadershipDigest,
  renderLookbackRequest,
  renderNotice,
  type RenderContext,
} from '../../domain/email/render';
import type { Notice, NoticeMeasure } from '../../domain/notice';
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
const ctx = (now: string): RenderContext => ({
  recipient: { email: 'swj@example.org', name: '区商务局', audience: 'leadUnit' },
  office: { name: '区委巡察办', emails: ['xunchaban@example.org'] },
  now: Date.parse(now),
  calendar: chinaCalendar(),
});
const notice = (over: Partial<Notice>): Notice =>
  testNotice({ dueDate: undefined, dueAt: undefined, workdaysBefore: undefined, measure, ...over });

describe('mail templates (zh-CN)', () => {
  it('explains each event in words the recipient can act on', () => {
    const at = ctx('2024-10-16T09:00:00+08:00');
    expect(
      renderNotice(
        notice({
          kind: 'extension-decided',
          audiences: ['leadUnit', 'leader'],
          event: {
            actor: { role: 'office', who: '督查科' },
            approved: true,
            previousDeadline: '2024-10-15',
            requestedDeadline: '2024-11-29',
            reason: '需协调',
          },
        }),
        at,
      ).text,
    ).toContain('延期申请已批准: 整改时限由 2024-10-15 调整为 2024-11-29(周五)。');
    expect(
      renderNotice(
        notice({ kind: 'verification-result', event: { actor: { role: 'office', who: '督查科' }, accepted: false, reason: '佐证不足' } }),
        at,
      ).text,
    ).toContain('巡察办核验未通过,已退回整改。理由: 佐证不足');
    expect(
      renderNotice(
        notice({ kind: 'report-reminder', period: '2024-12-31', measure: { ...measure, kind: 'longterm', deadline: undefined } }),
        at,
      ).subject,
    ).toBe('【进展报送提醒】措施 2.2「全力稳定外资」');
    const catchUp = renderNotice(notice({ kind: 'overdue', level: 0, catchUp: true, provisionalCalendar: true }), at);
    expect(catchUp.subject).toBe('【逾期督办·第1级】措施 2.2「全力稳定外资」(已逾期 1 个工作日)');
    expect(catchUp.text).toContain('本通知为补发');
    expect(catchUp.text).toContain(
      '(该年度节假日安排尚未公布,工作日暂按《全国年节及纪念日放假办法》规定的法定节假日计算(节日逢周末顺延补假,不含调休上班日),按临时日历计算。)',
    );
    const weekdays = renderNotice(notice({ kind: 'overdue', level: 0, provisionalCalendar: true }), {
      ...at,
      calendar: chinaCalendar({ unpublishedYears: 'weekdays' }),
    });
    expect(weekdays.text).toContain('(该年度节假日安排尚未公布,工作日暂按周一至周五计算,按临时日历计算。)');
  });

  it('says a count of working days rests on the provisional calendar when it passes through an unpublished year', () => {
    const in2027 = { ...measure, deadline: '2027-01-08', dueAt: '2027-01-08T10:00:00.000Z', trafficLight: 'yellow' as const };
    const at = { ...ctx('2026-12-30T09:00:00+08:00'), calendar: chinaCalendar({ unpublishedYears: 'statutory' }) };
    const mail = renderNotice(notice({ kind: 'reminder', measure: in2027, provisionalCalendar: true }), at);
    // 31 Dec, then 元旦 (Fri 1 Jan) off by statute, then 4–8 Jan.
    expect(mail.subject).toBe('【整改提醒】措施 2.2「全力稳定外资」(还剩 6 个工作日,按临时日历计算)');
    expect(mail.text).toContain('整改时限: 2027-01-08 18:00 (周五),还剩 6 个工作日(按临时日历计算)');
    const published = renderNotice(notice({ kind: 'reminder', measure: { ...in2027, deadline: '2026-12-31' } }), at);
    expect(published.text).toContain('还剩 1 个工作日\n');
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
    expect(reviewIcs).toContain('SUMMARY:第 1 次回头看时限: 措施 2.2「全力稳定外资」');
    expect(reviewIcs).not.toContain('.deadline@');
    const reminderIcs = deadlineIcs([notice({ kind: 'reminder', dueDate: '2024-10-15', dueAt: measure.dueAt })], 'example.org')!.content;
    expect(reminderIcs).toContain('UID:drill-2024.2.2.deadline@example.org');
    expect(deadlineIcs([notice({ kind: 'submitted' })], 'example.org')).toBeUndefined();
  });

  it('says the count the workflow planned with, when the notice carries it', () => {
    // The workflow counted Mon–Fri (a measure started before the statutory calendar); the worker would count 元旦 off.
    const in2027 = {
      ...measure,
      deadline: '2027-01-08',
      dueAt: '2027-01-08T10:00:00.000Z',
      trafficLight: 'yellow' as const,
      workdaysLeft: 7,
      provisionalCount: true,
    };
    const at = { ...ctx('2026-12-30T09:00:00+08:00'), calendar: chinaCalendar({ unpublishedYears: 'statutory' }) };
    expect(renderNotice(notice({ kind: 'reminder', measure: in2027 }), at).text).toContain('还剩 7 个工作日(按临时日历计算)');
  });

  it('tells the office, once, that a year’s arrangement is missing and what happens meanwhile', () => {
    const office = {
      ...ctx('2026-11-02T09:00:00+08:00'),
      recipient: { email: 'xunchaban@example.org', name: '区委巡察办', audience: 'office' as const },
      calendar: chinaCalendar({ unpublishedYears: 'statutory' }),
    };
    const mail = renderCalendarAlert(
      { planId: 'drill-2024', year: 2027, from: '2027-01-01', asOf: '2026-11-02', idempotencyKey: 'calendar:drill-2024:2027' },
      '梁溪区巡视整改方案',
      office,
    );
    expect(mail.subject).toBe('【节假日安排待导入】2027年节假日安排尚未收录');
    expect(mail.text).toContain('区委巡察办:');
    expect(mail.text).toContain(
      '2027年的节假日安排(国务院办公厅关于2027年部分节假日安排的通知)尚未收录。自 2027年1月1日起(还有 60 天),梁溪区巡视整改方案各项整改措施的提醒、督办和工作日计数将暂按《全国年节及纪念日放假办法》规定的法定节假日计算',
    );
    expect(mail.text).toContain('相关邮件注明“按临时日历计算”');
    expect(mail.text).toContain('请将通知全文交系统管理员导入');
    expect(mail.text).not.toMatch(/rectify [a-z]/); // no command for the office to run
  });

  it('says so when the last working day comes before a deadline on a day off', () => {
    const sunday = { ...measure, deadline: '2024-06-30', dueAt: '2024-06-30T10:00:00.000Z', trafficLight: 'yellow' as const };
    const friday = renderNotice(notice({ kind: 'final-reminder', measure: sunday }), ctx('2024-06-28T09:00:00+08:00'));
    expect(friday.subject).toBe('【今日到期】措施 2.2「全力稳定外资」(今天是截止前最后一个工作日)');
    expect(friday.text).toContain('本措施于 2024-06-30 18:00 (周日) 截止,今天是截止前最后一个工作日');
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
    expect(digest.subject).toBe('【整改提醒汇总】2024-10-09(周三) 共 3 项: 红 1 黄 1 绿 1');
    expect([...digest.text.matchAll(/措施 (2\.\d+)「/g)].map((m) => m[1])).toEqual(['2.4', '2.3', '2.10']);
  });

  it('asks for a look-back review', () => {
    const mail = renderLookbackRequest(
      {
        measure: { ...measure, status: 'closed', trafficLight: 'green' },
        round: 1,
        closedOn: '2024-06-28',
        dueDate: '2024-10-08',
        campaign: '2024年秋季回头看',
      },
      ctx('2024-09-26T09:00:00+08:00'),
    );
    expect(mail.subject).toBe('【回头看】措施 2.2「全力稳定外资」');
    expect(mail.text).toContain('本措施已于 2024-06-28 销号。请开展第 1 次回头看(「2024年秋季回头看」专项)');
    expect(mail.text).toContain('回头看时限: 2024-10-08(周二),还剩 4 个工作日'); // 9-27, 9-29 (make-up Sunday), 9-30, then 国庆 until 10-08
  });

  it('sums up the plan for leadership, with the completion rate in the report’s own terms', () => {
    const mail = renderLeadershipDigest(
      { planTitle: '整改方案', asOf: '2024-01-08', counts: { total: 39, closed: 26, red: 2, yellow: 5, green: 6 }, attention: [measure] },
      { ...ctx('2024-01-08T09:00:00+08:00'), recipient: { email: 'lg@example.org', name: '领导小组', audience: 'leadershipGroup' } },
    );
    expect(mail.subject).toBe('【整改进展周报】2024-01-08 红灯 2 项,完成率 66.67%');
    expect(mail.text).toContain('共 39 项整改措施: 已销号 26 项(整改完成率 66.67%)');
    expect(mail.html).toContain('全力稳定外资');
  });
});
