/**
 * Which channel carried each notice, and what else goes to the group robots, pure: the channels'
 * words from one table (CHANNEL_LABELS) on the timeline, in the CLI's lines and what an acting
 * command prints; `simulate`'s prediction from the directory; the week, the calendar alert and a
 * report of what could not be reached as chat messages in the mail's own words, within each
 * platform's size.
 */
import { actionLines } from '../../client/cli/acted';
import { timelineLines } from '../../client/cli/measure-lines';
import { planSchedule } from '../../client/schedule';
import { chinaCalendar } from '../../domain/calendar-data';
import { chatBody } from '../../domain/chat/payload';
import { CHAT_PLATFORMS, PLATFORMS, robotPlatforms } from '../../domain/chat/platforms';
import { chatCalendarAlert, chatDeliveryProblem, chatWeekly } from '../../domain/chat/render';
import { noticeChannels } from '../../domain/email/recipients';
import {
  calendarAlertView,
  renderCalendarAlert,
  renderDeliveryProblem,
  renderWeeklyDigest,
  weeklyView,
  type RenderContext,
} from '../../domain/email/render';
import type { Directory } from '../../domain/plan/schema';
import { parsePlanText } from '../../domain/plan/load';
import { timeline } from '../../domain/timeline';
import { CHANNEL_LABELS, channelWords } from '../../domain/vocabulary';
import { weeklyDigest, type WeekItem, type WeeklyDigest } from '../../domain/weekly';
import { testNotice } from '../helpers/notices';
import { drillPlan } from '../helpers/plans';
import { bj, MeasureStory } from '../helpers/records';
import { STRAY } from '../helpers/typography';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

const directory: Directory = {
  units: [
    {
      name: '区发改委',
      emails: ['fgw@district.example.org', 'fgw2@district.example.org'],
      channels: [
        { platform: 'wecom', key: { env: 'K1' } },
        { platform: 'wecom', key: { env: 'K2' } },
        { platform: 'feishu', hook: { env: 'H' } },
      ],
    },
    { name: '区财政局', emails: ['czj@district.example.org'] },
  ],
  leaders: [
    {
      role: '区委常委、常务副区长',
      email: 'edm@district.example.org',
      channels: [{ platform: 'dingtalk', token: { env: 'T' } }],
    },
  ],
  office: { name: '区委巡察办', emails: ['xcb@district.example.org'], phone: '0510-0000 0000' },
  leadershipGroup: { name: '区委巡视整改工作领导小组', emails: ['group@district.example.org'] },
} as Directory;

describe('the channels, named once', () => {
  it('names mail and each platform from one table, which the platforms’ facts use too', () => {
    expect(CHANNEL_LABELS).toEqual({ mail: '邮件', wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书' });
    for (const p of CHAT_PLATFORMS) expect(PLATFORMS[p].label).toBe(CHANNEL_LABELS[p]);
    expect(channelWords(['mail', 'wecom', 'feishu'])).toBe('邮件、企业微信、飞书');
    // A copy recorded before group robots (or without any) went by mail alone.
    expect(channelWords(undefined)).toBe('邮件');
    expect(channelWords(['dingtalk'])).toBe('钉钉');
    expect(robotPlatforms(directory.units[0].channels!)).toEqual(['wecom', 'feishu']);
  });

  it('predicts for simulate which channels a notice goes by, from the directory', () => {
    const to = (audiences: ('leadUnit' | 'leader' | 'office')[], leadUnit = '区发改委') =>
      noticeChannels(directory, { audiences, measure: { leadUnit, leader: '区委常委、常务副区长' } });
    expect(to(['leadUnit'])).toEqual(['mail', 'wecom', 'feishu']);
    expect(to(['leadUnit'], '区财政局')).toEqual(['mail']);
    expect(to(['leadUnit', 'leader'], '区财政局')).toEqual(['mail', 'dingtalk']);
    expect(to(['office'])).toEqual(['mail']);
    // A unit the directory does not know: nobody to send to (the office is told when it happens).
    expect(to(['leadUnit'], '区不存在局')).toEqual([]);
  });

  it('simulate lists each notice with its channels', () => {
    const text = drillPlan({
      id: 'sim-2024',
      title: '演练计划',
      problems: ['问题'],
      measures: [
        `{ id: "1.1", problem: 1, title: 甲, text: 甲。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
        `{ id: "1.2", problem: 1, title: 乙, text: 乙。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2024-06-28 }`,
      ],
    }).replace(
      '      emails: [fgw@district.example.org]',
      '      emails: [fgw@district.example.org]\n      channels:\n        - { platform: wecom, key: { env: WECOM_KEY_FGW } }',
    );
    const { plan, issues } = parsePlanText(text, 'plan.yaml');
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const schedule = planSchedule(plan!, bj('2024-06-01 00:00'), bj('2024-08-01 00:00'));
    const of = (id: string, kind: string) => schedule.find((n) => n.measureId === id && n.kind === kind)!;
    expect(of('1.1', 'reminder').channels).toEqual(['mail', 'wecom']);
    expect(of('1.2', 'reminder').channels).toEqual(['mail']);
    // The ladder's higher rungs reach the office and the leadership group by mail; the unit's robot still has it.
    const top = schedule.filter((n) => n.measureId === '1.1' && n.audiences.includes('leadershipGroup'));
    expect(top.length).toBeGreaterThan(0);
    for (const n of top) expect(n.channels).toEqual(['mail', 'wecom']);
  });
});

describe('which channel carried each notice, on the timeline and in what a command prints', () => {
  const story = () =>
    MeasureStory.of({ deadline: '2024-06-28' })
      .delivered({
        at: bj('2024-06-14 09:00'),
        stage: 'v1:deadline:reminder:10',
        kind: 'reminder',
        audiences: ['leadUnit', 'leader'],
        to: [
          {
            audience: 'leadUnit',
            name: '区发改委',
            email: 'fgw@example.org',
            messageId: '<abc@example.org>',
            channels: ['mail', 'wecom'],
          },
          // The leader's server refused the mail; its robot took the notice.
          { audience: 'leader', name: '区委常委、常务副区长', email: 'edm@example.org', channels: ['dingtalk'] },
        ],
        problems: ['区委常委、常务副区长 <edm@example.org>: 550 mailbox unavailable'],
      })
      .delivered({
        at: bj('2024-06-21 09:00'),
        stage: 'v1:deadline:reminder:5',
        kind: 'reminder',
        audiences: ['leadUnit'],
        to: [{ audience: 'leadUnit', name: '区发改委', email: 'fgw@example.org', digest: 'digest:x', channels: ['mail', 'wecom'] }],
      })
      // Recorded before group robots: no channels, by mail.
      .delivered({
        at: bj('2024-06-24 09:00'),
        stage: 'v1:deadline:reminder:2',
        kind: 'reminder',
        audiences: ['leadUnit'],
        to: [{ audience: 'leadUnit', name: '区发改委', email: 'fgw@example.org', messageId: '<old@example.org>' }],
      });

  it('each recipient’s copy says what carried it, old copies by mail', () => {
    const notices = timeline(story().state).filter((e) => e.kind === 'notice');
    expect(notices.map((e) => e.to)).toEqual([
      [
        { label: '牵头单位·区发改委 <fgw@example.org>', channels: '邮件、企业微信', messageId: '<abc@example.org>' },
        { label: '负责区领导·区委常委、常务副区长 <edm@example.org>', channels: '钉钉' },
      ],
      [{ label: '牵头单位·区发改委 <fgw@example.org>', channels: '邮件、企业微信', digest: 'digest:x' }],
      [{ label: '牵头单位·区发改委 <fgw@example.org>', channels: '邮件', messageId: '<old@example.org>' }],
    ]);
  });

  it('rectify show --timeline prints them', () => {
    const lines = timelineLines(timeline(story().state), 'Asia/Shanghai');
    expect(lines.filter((l) => l.includes('→'))).toEqual([
      '    → 牵头单位·区发改委 <fgw@example.org>  经邮件、企业微信  Message-ID <abc@example.org>',
      '    → 负责区领导·区委常委、常务副区长 <edm@example.org>  经钉钉',
      '    → 牵头单位·区发改委 <fgw@example.org>  经邮件、企业微信  并入当日汇总',
      '    → 牵头单位·区发改委 <fgw@example.org>  经邮件  Message-ID <old@example.org>',
    ]);
  });

  it('remind says whom it reached and, where robots had it, by which channels', () => {
    const d = {
      leadUnit: '区发改委',
      leader: '区委常委、常务副区长',
      spec: { milestones: [] },
      outgoing: [],
      audit: [
        { at: '2024-10-21T01:00:00.000Z', action: 'remind', actor: { role: 'office', who: '督查科' }, detail: { stage: 'reminder' } },
      ],
      deliveries: [
        {
          at: '2024-10-21T01:00:01.000Z',
          stage: 'v1:event:1:urged',
          kind: 'urged',
          audiences: ['leadUnit', 'office'],
          to: [
            { name: '区发改委', email: 'fgw@example.org', audience: 'leadUnit', messageId: '<a@example.org>', channels: ['mail', 'wecom'] },
            { name: '区委巡察办', email: 'xb@example.org', audience: 'office', messageId: '<c@example.org>' },
          ],
        },
      ],
    } as unknown as Parameters<typeof actionLines>[1];
    expect(actionLines({ action: 'remind', notice: 'urged' }, d).slice(1)).toEqual([
      '已通知：',
      '  牵头单位·区发改委（fgw@example.org，经邮件、企业微信）',
      '  巡察办·区委巡察办（xb@example.org）',
    ]);
  });
});

describe('the week, the calendar alert and delivery reports as chat messages', () => {
  const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
  const ctx = (audience: 'leadershipGroup' | 'office'): RenderContext => ({
    recipient: { email: 'group@example.org', name: audience === 'office' ? '区委巡察办' : '区委巡视整改工作领导小组', audience },
    office: { name: '区委巡察办', emails: ['xcb@example.org'], phone: '0510-0000' },
    now: bj('2024-06-10 09:00'),
    calendar,
    timeZone: 'Asia/Shanghai',
  });
  const item = (i: number, detail: string): WeekItem => ({
    id: `${Math.floor(i / 10) + 1}.${(i % 10) + 1}`,
    workflowId: `measure:x:${i}`,
    planId: 'x',
    title: `第${i + 1}项措施，标题写得比较长以占去一些字节`,
    leadUnit: '区发改委',
    leader: '区委常委、常务副区长',
    detail,
  });
  const week = (overdue: number): WeeklyDigest => {
    const empty = weeklyDigest([], bj('2024-06-03 09:00'), bj('2024-06-10 09:00'), calendar);
    return {
      ...empty,
      planTitle: '演练计划',
      newlyOverdue: Array.from({ length: overdue }, (_, i) => item(i, '2024年6月5日到期未完成')),
      closed: [item(99, '2024年6月6日销号')],
      redByUnit: overdue ? [{ unit: '区发改委', red: overdue, open: overdue + 3 }] : [],
      open: overdue + 3,
    };
  };

  it('the week: the mail’s headline, opening, sections and ask, in the chat’s markdown', () => {
    const w = week(2);
    const mail = weeklyView(w, ctx('leadershipGroup'));
    const text = chatWeekly(w, ctx('leadershipGroup'), 'wecom');
    expect(text.title).toBe(mail.subject);
    expect(text.title).toBe(renderWeeklyDigest(w, ctx('leadershipGroup')).subject);
    expect(text.markdown.startsWith(mail.intro)).toBe(true);
    expect(text.markdown).toContain(
      '**本周新增逾期（2项）**\n措施1.1“第1项措施，标题写得比较长以占去一些字节”（区发改委）：2024年6月5日到期未完成',
    );
    expect(text.markdown).toContain('**本周督办至领导小组（0项）**\n无。');
    expect(text.markdown).toContain('**各牵头单位红灯（未完成的措施中）**\n区发改委：红灯2项（未完成5项）');
    expect(text.markdown.endsWith('请领导小组关注逾期、督办和反弹回潮的措施，督促责任单位和负责区领导抓紧整改。')).toBe(true);
    expect(chatWeekly(w, ctx('office'), 'wecom').markdown).toContain('请巡察办跟踪督办逾期和反弹回潮的措施');
    expect([text.omitted, text.alarm]).toEqual([0, true]);
    expect(chatWeekly(week(0), ctx('office'), 'feishu').alarm).toBe(false);
    expect(text.markdown).not.toMatch(STRAY);
  });

  it('a long week keeps within 企业微信’s 4,096 bytes: every heading and the ask stay, the lines left out are counted', () => {
    const w = week(80);
    const text = chatWeekly(w, ctx('leadershipGroup'), 'wecom');
    const content = (chatBody({ platform: 'wecom', key: { env: 'K' } }, text) as { markdown: { content: string } }).markdown.content;
    expect(bytes(content)).toBeLessThanOrEqual(4096);
    expect(bytes(content)).toBeGreaterThan(3500);
    expect(text.omitted).toBeGreaterThan(0);
    expect(text.markdown).toContain(`……另有${text.omitted}条，详见邮件。`);
    for (const heading of weeklyView(w, ctx('leadershipGroup')).sections.map((s) => s.heading))
      expect(text.markdown).toContain(`**${heading}**`);
    expect(text.markdown).toContain('请领导小组关注');
    // Every line the mail has is either in the message or counted.
    const lines = weeklyView(w, ctx('leadershipGroup')).sections.flatMap((s) => s.lines);
    expect(lines.filter((l) => text.markdown.includes(l)).length + text.omitted).toBe(lines.length);
    // 钉钉 and 飞书 take the whole week.
    expect(chatWeekly(w, ctx('leadershipGroup'), 'dingtalk').omitted).toBe(0);
  });

  it('the calendar alert: the mail’s headline and words', () => {
    const office = { ...ctx('office'), now: bj('2026-11-02 09:00') };
    const alert = { planId: 'drill-2024', year: 2027, from: '2027-01-01', asOf: '2026-11-02', idempotencyKey: 'calendar:drill-2024:2027' };
    const text = chatCalendarAlert(alert, '梁溪区巡视整改方案', office);
    const mail = calendarAlertView(alert, '梁溪区巡视整改方案', office);
    expect(text).toEqual({ title: '【节假日安排待导入】2027年节假日安排尚未收录', markdown: mail.intro, omitted: 0, alarm: true });
    expect(renderCalendarAlert(alert, '梁溪区巡视整改方案', office).text).toContain(mail.intro.slice(0, 60));
    expect(text.markdown).toContain('请将通知全文交系统管理员导入');
    expect(text.markdown).not.toMatch(STRAY);
  });

  it('a report of what could not be reached: the measure, each failure and what to check, no link to act from', () => {
    const office: RenderContext = {
      ...ctx('office'),
      now: Date.parse('2024-10-09T09:00:00+08:00'),
      desk: { of: () => 'https://zg.example.org/measures/drill-2024/1.1' },
    };
    const problems = ['区发改委的企业微信群机器人：invalid webhook url（93000）'];
    const text = chatDeliveryProblem(testNotice(), problems, office, 'wecom');
    const mail = renderDeliveryProblem(testNotice(), problems, office);
    expect(text.title).toBe(mail.subject);
    expect(text.title).toBe('【通知未送达】措施1.1“健全政策机制”');
    expect(text.markdown).toContain('以下通知未能送达：【整改提醒】');
    expect(text.markdown).toContain('· 区发改委的企业微信群机器人：invalid webhook url（93000）');
    expect(text.markdown).toContain('请核对其 key、token 或密钥');
    expect(text.markdown).not.toContain('](http');
    expect(text.alarm).toBe(true);
    // A count through an unpublished year reads as the mail's: no brackets within brackets.
    const provisional = chatDeliveryProblem(testNotice({}, { workdaysLeft: 5, provisionalCount: true }), problems, office, 'wecom');
    expect(provisional.markdown).toContain('整改时限：2024年10月15日（周二）18:00，还剩5个工作日（按临时日历计算）');
    expect(provisional.markdown).not.toMatch(/（[^（）]*（/);
  });
});
