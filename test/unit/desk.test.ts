/**
 * The office's desk, pure parts: the ledger's filters (from and back to the URL, a bad value
 * named), its sorts and exports; a measure's timeline; 催办 (the stage it urges, when it is
 * refused, what the mail says); the weekly digest (when it goes, what it counts, what it says).
 */
import { chinaCalendar } from '../../domain/calendar-data';
import { renderNotice, renderWeeklyDigest, type RenderContext } from '../../domain/email/render';
import { chatWeekly } from '../../domain/chat/render';
import { planPageUrl } from '../../activities/mail/delivery';
import * as life from '../../domain/lifecycle';
import { currentStage } from '../../domain/planner';
import {
  checkLedgerValues,
  ledgerQueryWords,
  ledgerRow,
  ledgerSearch,
  LedgerQueryError,
  parseLedgerQuery,
  selectLedger,
} from '../../domain/report/ledger';
import { nearest } from '../../client/actions';
import { validateRemind, validateRequestLink, RequestRejected, RELINK_LIMITS } from '../../domain/requests';
import { timeline } from '../../domain/timeline';
import { digestSendAt, digestTiming, weeklyDigest } from '../../domain/weekly';
import { liveLedgerCsv } from '../../documents/ledger-sheet';
import { exportRow } from '../../domain/report/ledger-export';
import { testNotice } from '../helpers/notices';
import { bj, MeasureStory, OFFICE, UNIT } from '../helpers/records';
import { STRAY } from '../helpers/typography';

const calendar = chinaCalendar({ unpublishedYears: 'statutory' });

describe('the ledger', () => {
  const now = bj('2024-06-03 10:00');
  const rows = [
    MeasureStory.of({ id: '1.1', deadline: '2024-06-28' }).progress(bj('2024-05-01 10:00'), '推进中').record(),
    MeasureStory.of({ id: '1.2', deadline: '2024-05-31', leadUnit: '区商务局' }).record(),
    MeasureStory.of({ id: '2.1', problem: { no: 2, title: '资产管理' }, kind: 'longterm', leadUnit: '区商务局' }).record(),
    MeasureStory.of({ id: '1.10', deadline: '2024-04-30' }).submit(bj('2024-04-01 10:00')).verify(bj('2024-04-02 10:00')).record(),
  ].map((r) => ledgerRow(r, now, calendar));

  it('shows working days left or overdue by the calendar, and 已销号 for a closed measure', () => {
    expect(rows.map((r) => [r.id, r.leftWords, r.overdue])).toEqual([
      ['1.1', `还剩${calendar.workdaysBetween('2024-06-03', '2024-06-28')}个工作日`, false],
      ['1.2', '已逾期1个工作日', true],
      ['2.1', '—', false],
      ['1.10', '已销号', false],
    ]);
    expect(rows[0].latest).toMatchObject({ kind: 'progress', date: '2024-05-01', text: '推进中。', links: [] });
    expect(rows[0].latestDateZh).toBe('2024年5月1日');
    expect(rows[3].lookback).toBe('scheduled');
  });

  it('filters and sorts as the URL says, and writes the same view back to a URL', () => {
    const q = parseLedgerQuery({ unit: '区商务局', sort: 'deadline', order: 'desc', plan: undefined });
    expect(selectLedger(rows, q).map((r) => r.id)).toEqual(['2.1', '1.2']); // no deadline sorts last, descending first
    expect(ledgerSearch(q)).toBe(`?unit=${encodeURIComponent('区商务局')}&sort=deadline&order=desc`);
    expect(parseLedgerQuery(Object.fromEntries(new URLSearchParams(ledgerSearch(q).slice(1))))).toEqual(q);
    expect(selectLedger(rows, parseLedgerQuery({ overdue: 'yes' })).map((r) => r.id)).toEqual(['1.2']);
    expect(selectLedger(rows, parseLedgerQuery({ status: 'closed' })).map((r) => r.id)).toEqual(['1.10']);
    expect(selectLedger(rows, parseLedgerQuery({ kind: 'longterm' })).map((r) => r.id)).toEqual(['2.1']);
    expect(selectLedger(rows, parseLedgerQuery({})).map((r) => r.id)).toEqual(['1.1', '1.2', '1.10', '2.1']); // numeric ids
    expect(selectLedger(rows, parseLedgerQuery({ sort: 'left' })).map((r) => r.id)).toEqual(['1.2', '1.1', '1.10', '2.1']); // no count (closed, long-term): last, by problem and id
  });

  it('says a query in words, for the filter box folded on a phone: the filters in the form’s order, then the order', () => {
    expect(ledgerQueryWords(parseLedgerQuery({}))).toBe('全部措施；按问题序号升序排列');
    const problems = [{ no: 3, title: '落实意识形态工作责任制不到位' }];
    const q = parseLedgerQuery({
      light: 'red',
      unit: '区商务局',
      problem: '3',
      overdue: 'no',
      lookback: 'relapsed',
      sort: 'deadline',
      order: 'desc',
    });
    expect(ledgerQueryWords(q, problems)).toBe(
      '牵头单位：区商务局；问题序号：3.落实意识形态工作责任制不到位；灯色：红灯；是否逾期：未逾期；回头看：反弹回潮；按整改时限降序排列',
    );
    // A problem the choices do not name is given by its number alone.
    expect(ledgerQueryWords(parseLedgerQuery({ problem: '7', kind: 'longterm', status: 'closed' }))).toBe(
      '问题序号：7；类别：长期坚持；状态：已销号；按问题序号升序排列',
    );
    expect(ledgerQueryWords(q, problems)).not.toMatch(STRAY);
  });

  it('refuses a bad filter naming the field, its value and what it may be', () => {
    const refusal = (q: Record<string, unknown>) => {
      try {
        parseLedgerQuery(q);
      } catch (e) {
        return [(e as LedgerQueryError).field, (e as Error).message];
      }
      return undefined;
    };
    expect(refusal({ light: 'purple' })).toEqual([
      'light',
      '筛选条件“灯色”（light）的值无效：purple；可选：red（红灯）、yellow（黄灯）、green（绿灯）',
    ]);
    expect(refusal({ problem: 'x' })).toEqual(['problem', '筛选条件“问题序号”（problem）应为正整数：x']);
    expect(refusal({ colour: 'red' })?.[1]).toMatch(/^未知的筛选条件：colour；可用：unit、leader/);
    expect(refusal({ unit: ['a', 'b'] })?.[1]).toBe('筛选条件“牵头单位”（unit）只能给一个值');
  });

  it('refuses a unit, leader or problem no measure has (not 0 rows under 全部), offering the nearest name as the CLI does', () => {
    const refusal = (q: Record<string, unknown>) => {
      try {
        checkLedgerValues(parseLedgerQuery(q), rows, nearest);
      } catch (e) {
        const x = e as LedgerQueryError;
        return [x.field, x.message, x.suggestion];
      }
      return undefined;
    };
    expect(refusal({ unit: '发改委' })).toEqual(['unit', '没有牵头单位为“发改委”的措施。是不是“区发改委”？', '区发改委']);
    expect(refusal({ unit: '教育局' })).toEqual([
      'unit',
      '没有牵头单位为“教育局”的措施。本计划的牵头单位：区发改委、区商务局。',
      undefined,
    ]);
    expect(refusal({ leader: '常务副区长' })).toEqual([
      'leader',
      '没有负责区领导为“常务副区长”的措施。是不是“区委常委、常务副区长”？',
      '区委常委、常务副区长',
    ]);
    expect(refusal({ problem: '40' })).toEqual(['problem', '本计划没有第40个问题。问题序号为1至2。', undefined]);
    // What the plan has is no refusal, even where the other filters leave no row.
    expect(refusal({ unit: '区商务局', status: 'closed', problem: '2' })).toBeUndefined();
  });

  it('the live ledger: a row per measure as it stands, or as it stood at the end of a past day', () => {
    const story = MeasureStory.of({ id: '1.2', deadline: '2024-05-31', leadUnit: '区商务局', participants: ['区财政局'] })
      .progress(bj('2024-05-10 10:00'), '推进中')
      .extend(bj('2024-05-20 10:00'), '2024-06-28', '需协调省级部门');
    const spec = { text: '一是全力稳定外资。提高奖励比例。', participants: ['区财政局'], milestones: [], kind: 'deadline' as const };
    const live = exportRow(story.record(), spec, now, true, calendar);
    expect(live).toMatchObject({
      id: '1.2',
      text: '一是全力稳定外资。提高奖励比例。',
      participants: '区财政局',
      deadlineCell: '2024年6月28日',
      originalDeadline: '2024年5月31日',
      statusLabel: '整改中',
      note: '推进中。',
      noteDate: '2024年5月10日',
      extensions: '1次；需协调省级部门',
      workdaysLeft: calendar.workdaysBetween('2024-06-03', '2024-06-28'),
    });
    // On 2024-05-15, before the extension: the first deadline, no extension, the light not on record.
    const past = exportRow(story.record(), spec, bj('2024-05-15 23:59'), false, calendar);
    expect([past.deadlineCell, past.originalDeadline, past.extensions, past.lightLabel]).toEqual(['2024年5月31日', '', '', '—']);
    // A phased measure's stages and deadline in one cell, as the importer reads them; long-term in words.
    const phased = { ...spec, kind: 'phased' as const, milestones: [{ title: '完成摸排', deadline: '2024-03-31' }] };
    expect(exportRow(MeasureStory.of({ kind: 'phased', deadline: '2024-12-31' }).record(), phased, now, true, calendar).deadlineCell).toBe(
      '2024年3月31日前完成摸排；2024年12月31日',
    );
    // A deadline on a day off: as written, with the day it falls due (Sunday 2024-06-30: Friday the 28th).
    expect(exportRow(MeasureStory.of({ deadline: '2024-06-30' }).record(), undefined, now, true, calendar).deadlineCell).toBe(
      '2024年6月30日（逢休息日，2024年6月28日到期）',
    );
    expect(exportRow(MeasureStory.of({ kind: 'longterm' }).record(), undefined, now, true, calendar).deadlineCell).toBe('长期坚持');
  });

  it('exports CSV that spreadsheets open as Chinese text, with formulas defused', () => {
    const row = exportRow(
      MeasureStory.of({ id: '1.1', deadline: '2024-06-28' })
        .progress(bj('2024-05-01 10:00'), 'first line\nhttps://example.org/a?q="x"')
        .record(),
      undefined,
      now,
      true,
      calendar,
    );
    const csv = liveLedgerCsv([{ ...row, text: '=HYPERLINK("http://x","点我")' }]);
    expect(csv.startsWith('\uFEFF编号,问题,措施名称,整改措施,类型,负责区领导,牵头单位,参与单位,整改时限')).toBe(true);
    const [, line] = csv.split('\r\n');
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
    // The note's link on a line of its own in the cell, never glued to the sentence; quotes doubled.
    expect(line).toContain('"first line。\nhttps://example.org/a?q=""x"""');
  });
});

describe('the timeline', () => {
  it('lists start, actions, notices with their recipients and Message-IDs, and look-back outcomes, in time order', () => {
    const story = MeasureStory.of({ deadline: '2024-06-28' })
      .delivered({
        at: bj('2024-06-14 09:00'),
        stage: 'v1:deadline:reminder:10',
        kind: 'reminder',
        audiences: ['leadUnit'],
        to: [{ audience: 'leadUnit', name: '区发改委', email: 'fgw@example.org', messageId: '<abc@example.org>' }],
      })
      .progress(bj('2024-06-10 10:00'), '已起草文件')
      .submit(bj('2024-06-20 10:00'), ['印发文件<b>'])
      .verify(bj('2024-06-21 10:00'))
      .lookback(bj('2024-09-20 09:00'), bj('2024-09-25 10:00'), 'sustained');
    story.state.deliveries!.push({
      at: new Date(bj('2024-06-20 10:00')).toISOString(),
      stage: 'x',
      kind: 'submitted',
      audiences: ['office'],
      problems: ['区委巡察办: 邮箱已满'],
    });
    const t = timeline(story.state);
    expect(t.map((e) => [e.kind, e.what])).toEqual([
      ['start', '开始跟踪本措施（整改任务下达）'],
      ['action', '报送进展，说明：已起草文件'],
      ['notice', '发出“整改提醒”（致牵头单位）'],
      ['action', '提交整改完成，佐证：印发文件<b>'],
      ['notice', '发出“待核验”（致巡察办）'],
      ['action', '核验通过，销号'],
      ['lookback', '开展第1次回头看'],
      ['lookback', '第1次回头看：整改成效巩固，核查说明：成效巩固'],
    ]);
    expect(t[2].to).toEqual([{ label: '牵头单位·区发改委 <fgw@example.org>', channels: '邮件', messageId: '<abc@example.org>' }]);
    expect(t[4].problems).toEqual(['区委巡察办：邮箱已满']);
    expect(t[3].who).toBe('单位·区发改委');
    expect(t[7].who).toBe('巡察办·督查科');
  });
});

describe('催办', () => {
  const spec = { deadline: '2024-10-15' };

  it('urges the stage the measure is at: the next reminder before any, the highest rung reached after the deadline', () => {
    const s = MeasureStory.of(spec).state;
    const cal = chinaCalendar({ unpublishedYears: 'statutory' });
    expect(currentStage(s.spec, s.progress, cal, bj('2024-08-01 10:00'))).toMatchObject({ kind: 'reminder', audiences: ['leadUnit'] });
    expect(currentStage(s.spec, s.progress, cal, bj('2024-10-14 10:00'))).toMatchObject({ kind: 'reminder', workdaysBefore: 1 });
    // 3 working days late (10-18): level 1 of the default ladder, to the office too; 10 late: the leadership group.
    expect(currentStage(s.spec, s.progress, cal, bj('2024-10-21 10:00'))).toMatchObject({ kind: 'overdue', level: 1 });
    expect(currentStage(s.spec, s.progress, cal, bj('2024-11-15 10:00'))).toMatchObject({
      kind: 'overdue',
      level: 2,
      audiences: ['leadUnit', 'leader', 'office', 'leadershipGroup'],
    });
  });

  it('is the office’s, once a working day unless forced, never for a closed or submitted measure', () => {
    const story = MeasureStory.of(spec);
    const at = bj('2024-10-21 10:00');
    const refuse = (r: Parameters<typeof validateRemind>[1], now = at) => {
      try {
        validateRemind(story.state, r, now);
        return undefined;
      } catch (e) {
        expect(e).toBeInstanceOf(RequestRejected);
        return (e as Error).message;
      }
    };
    expect(refuse({ actor: UNIT() })).toBe('只有巡察办可以催办；单位“区发改委”无权操作');
    expect(refuse({ actor: OFFICE, note: '请抓紧' })).toBeUndefined();
    life.applyRemind(story.state, { actor: OFFICE, note: '请抓紧' }, at, undefined);
    expect(refuse({ actor: OFFICE }, at + 3600_000)).toBe(
      '今天10:00已由督查科催办过；每项措施每个工作日催办一次，确需再次催办请加 --force',
    );
    expect(refuse({ actor: OFFICE, force: true }, at + 3600_000)).toBeUndefined();
    expect(refuse({ actor: OFFICE }, bj('2024-10-22 09:00'))).toBeUndefined();
    story.submit(bj('2024-10-22 10:00'));
    expect(refuse({ actor: OFFICE }, bj('2024-10-23 10:00'))).toBe('措施已提交待核验，请先核验销号或退回，无需催办牵头单位');
    story.verify(bj('2024-10-23 11:00'));
    expect(refuse({ actor: OFFICE }, bj('2024-10-24 10:00'))).toBe('措施已销号，无需催办');
  });

  it('sends the current rung to its audiences, worded as that rung with the office’s note, and keeps it on record', () => {
    const story = MeasureStory.of(spec);
    const cal = chinaCalendar({ unpublishedYears: 'statutory' });
    const at = bj('2024-10-21 10:00');
    const [event] = life.applyRemind(
      story.state,
      { actor: OFFICE, note: '请本周内报送' },
      at,
      currentStage(story.spec, story.state.progress, cal, at),
    );
    expect(event).toMatchObject({
      kind: 'urged',
      audiences: ['leadUnit', 'leader', 'office'],
      urge: { kind: 'overdue', level: 1, dueDate: '2024-10-15' },
    });
    expect(story.state.audit.at(-1)).toMatchObject({
      action: 'remind',
      actor: OFFICE,
      detail: { note: '请本周内报送', stage: 'overdue', level: 1 },
    });
    const notice = testNotice(
      {
        kind: 'urged',
        audiences: event.audiences,
        urge: { kind: 'overdue' },
        level: 1,
        dueDate: '2024-10-15',
        event: event.event,
        decidedAt: new Date(at).toISOString(),
      },
      { deadline: '2024-10-15', dueAt: '2024-10-15T10:00:00.000Z', trafficLight: 'red' },
    );
    const ctx: RenderContext = {
      recipient: { email: 'fgw@example.org', name: '区发改委', audience: 'leadUnit' },
      office: { name: '区委巡察办', emails: ['xcb@example.org'] },
      now: at,
      calendar: cal,
      timeZone: 'Asia/Shanghai',
    };
    const mail = renderNotice(notice, ctx);
    expect(mail.subject).toBe('【催办】措施1.1“健全政策机制”（已逾期4个工作日）');
    expect(mail.text).toContain('【催办·逾期督办·第2级】');
    expect(mail.text).toContain('巡察办对本措施进行催办：请本周内报送');
    expect(mail.text).toContain('本措施的整改时限2024年10月15日（周二）18:00已过，现为第2级督办。');
    expect(mail.text).toContain('本通知同时发送：负责区领导、巡察办。');
    expect(mail.text).toContain('请立即完成整改');
    expect(mail.text).not.toMatch(/rectify [a-z]/);
  });
});

describe('a new link on the unit’s request', () => {
  const refuse = (story: MeasureStory, r: Parameters<typeof validateRequestLink>[1], now: number) => {
    try {
      validateRequestLink(story.state, r, now);
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(RequestRejected);
      return (e as Error).message;
    }
  };
  const asUnit = { actor: { ...UNIT(), via: 'link' as const } };

  it('is for the lead unit, while the measure is open, once in ten minutes and five times a day', () => {
    const story = MeasureStory.of({ deadline: '2024-10-15' });
    const at = bj('2024-10-21 10:00');
    expect(refuse(story, { actor: UNIT('区财政局') }, at)).toBe('只有本措施的牵头单位（区发改委）可以这样做；单位“区财政局”无权操作');
    expect(refuse(story, { actor: OFFICE }, at)).toBe('只有本措施的牵头单位（区发改委）可以这样做；巡察办“督查科”无权操作');
    let t = at;
    for (let i = 0; i < RELINK_LIMITS.perDay; i++, t += RELINK_LIMITS.minutes * 60_000) {
      expect(refuse(story, asUnit, t)).toBeUndefined();
      const [event] = life.applyRequestLink(story.state, asUnit, t);
      expect(event).toEqual({ kind: 'link-sent', audiences: ['leadUnit'], event: { actor: asUnit.actor } });
      expect(refuse(story, asUnit, t + 9 * 60_000)).toMatch(/^\d\d:\d\d已向本单位邮箱发送新的办理链接，请查收；每10分钟最多发送一次$/);
    }
    expect(refuse(story, asUnit, t)).toBe('今天已发送5次新的办理链接，请查收邮件；仍未收到的，请联系巡察办');
    expect(refuse(story, asUnit, bj('2024-10-22 09:00'))).toBeUndefined();
    expect(story.state.audit.filter((a) => a.action === 'relink')).toHaveLength(5);
    story.submit(bj('2024-10-22 10:00'));
    expect(refuse(story, asUnit, bj('2024-10-22 11:00'))).toBeUndefined();
    story.verify(bj('2024-10-23 11:00'));
    expect(refuse(story, asUnit, bj('2024-10-24 10:00'))).toBe('措施当前状态为“已销号”，不能发送办理链接（本措施已销号，无需再办理）');
  });

  it('tells the unit in its mail why the new links come and what to do with them', () => {
    const at = bj('2024-10-21 10:00');
    const notice = testNotice(
      { kind: 'link-sent', audiences: ['leadUnit'], event: { actor: asUnit.actor }, decidedAt: new Date(at).toISOString() },
      { deadline: '2024-10-31', dueAt: '2024-10-31T10:00:00.000Z', trafficLight: 'green' },
    );
    const mail = renderNotice(notice, {
      recipient: { email: 'fgw@example.org', name: '区发改委', audience: 'leadUnit' },
      office: { name: '区委巡察办', emails: ['xcb@example.org'] },
      now: at,
      calendar,
      timeZone: 'Asia/Shanghai',
    });
    expect(mail.subject).toContain('【办理链接】');
    expect(mail.text).toContain('应你单位在办理页面提出的申请，现发送本措施新的办理链接；此前邮件中的链接如已失效，请改用本邮件中的链接。');
    expect(mail.text).toContain('请通过下方链接办理本措施。如非你单位申请，请告知巡察办。');
    expect(mail.text).toContain('2024年10月31日');
  });
});

describe('the weekly leadership digest', () => {
  it('goes on the plan’s day, or at its time on the next working day when that day is off', () => {
    expect(digestTiming({})).toEqual({ weekday: 1, at: '09:00' });
    expect(digestTiming({ leadershipDigest: { weekday: 5 } })).toEqual({ weekday: 5, at: '09:00' });
    expect(digestTiming({ leadershipDigest: false })).toBeUndefined();
    const monday = bj('2024-06-03 09:00');
    expect(digestSendAt(monday, { at: '09:00' }, 'Asia/Shanghai', calendar)).toBe(monday);
    // 2024-09-16 was the Mid-Autumn holiday (Mon) and 09-17 too: the digest waits for Wednesday 09:00.
    expect(new Date(digestSendAt(bj('2024-09-16 09:00'), { at: '09:00' }, 'Asia/Shanghai', calendar)).toISOString()).toBe(
      new Date(bj('2024-09-18 09:00')).toISOString(),
    );
    // National Day week 2024: Monday 09-30 was a working day, 10-07 a holiday: on to Tuesday 10-08.
    expect(digestSendAt(bj('2024-10-07 09:00'), { at: '09:00' }, 'Asia/Shanghai', calendar)).toBe(bj('2024-10-08 09:00'));
  });

  const week = () => {
    const from = bj('2024-06-03 09:00');
    const to = bj('2024-06-10 09:00');
    const records = [
      MeasureStory.of({ id: '1.1', deadline: '2024-06-05' }).delivered({
        at: bj('2024-06-07 09:00'),
        stage: 'v1:deadline:overdue:2',
        kind: 'overdue',
        level: 2,
        audiences: ['leadershipGroup'],
      }),
      MeasureStory.of({ id: '1.2', deadline: '2024-05-31' }),
      MeasureStory.of({ id: '1.3', deadline: '2024-06-28' }).submit(bj('2024-06-04 10:00')).verify(bj('2024-06-05 10:00')),
      MeasureStory.of({ id: '1.4', deadline: '2024-06-07', leadUnit: '区商务局' }).extend(bj('2024-06-04 10:00'), '2024-07-31'),
      MeasureStory.of({ id: '1.5', deadline: '2024-03-29' })
        .submit(bj('2024-03-20 10:00'))
        .verify(bj('2024-03-21 10:00'))
        .lookback(bj('2024-06-03 09:30'), bj('2024-06-06 10:00'), 'relapsed', '2024-08-30'),
    ].map((s) => {
      s.state.trafficLight = s.state.progress.status === 'closed' ? 'green' : s.state.progress.deadline! < '2024-06-10' ? 'red' : 'green';
      return s.record();
    });
    return weeklyDigest(records, from, to, calendar);
  };

  it('counts the week: newly overdue, escalated, closed, relapsed, extended, red per unit', () => {
    const w = week();
    expect(w.newlyOverdue.map((i) => [i.id, i.detail])).toEqual([['1.1', '2024年6月5日到期未完成']]); // 1.2 was overdue before the week
    expect(w.escalated.map((i) => i.id)).toEqual(['1.1']);
    expect(w.closed.map((i) => i.id)).toEqual(['1.3']);
    expect(w.relapsed.map((i) => [i.id, i.detail])).toEqual([['1.5', '第1次回头看发现反弹回潮，重新整改至2024年8月30日']]);
    expect(w.extended.map((i) => [i.id, i.detail])).toEqual([['1.4', '整改时限由2024年6月7日延至2024年7月31日']]);
    expect(w.redByUnit).toEqual([{ unit: '区发改委', red: 2, open: 3 }]);
    expect(w.totals).toMatchObject({ measures: 5, closed: 1, overdue: 2 });
    expect([w.from, w.to, w.open]).toEqual(['2024-06-03', '2024-06-10', 4]);
  });

  it('says it in one mail for the leadership group (and the office), in Chinese, with the office as contact', () => {
    const w = week();
    const ctx = (audience: 'leadershipGroup' | 'office'): RenderContext => ({
      recipient: { email: 'group@example.org', name: audience === 'office' ? '区委巡察办' : '区委巡视整改工作领导小组', audience },
      office: { name: '区委巡察办', emails: ['xcb@example.org'], phone: '0510-0000' },
      now: bj('2024-06-10 09:00'),
      calendar,
      timeZone: 'Asia/Shanghai',
    });
    const mail = renderWeeklyDigest(w, ctx('leadershipGroup'));
    expect(mail.subject).toBe('【领导小组周报】演练计划（2024年6月3日—2024年6月10日）：新增逾期1项，销号1项，完成率20.0%');
    expect(mail.text).toContain('区委巡视整改工作领导小组：');
    expect(mail.text).toContain(w.summary);
    expect(mail.text).toContain('本周新增逾期（1项）\n  · 措施1.1“健全政策机制”（区发改委）：2024年6月5日到期未完成');
    expect(mail.text).toContain('各牵头单位红灯（未完成的措施中）\n  · 区发改委：红灯2项（未完成3项）');
    expect(mail.text).toContain('请领导小组关注逾期、督办和反弹回潮的措施');
    expect(mail.text).toContain('如有疑问，请联系区委巡察办，电话：0510-0000');
    expect(mail.html).toContain('<h3 style="font-size: 16px; margin: 16px 0 4px">本周销号（1项）</h3>');
    expect(renderWeeklyDigest(w, ctx('office')).text).toContain('请巡察办跟踪督办逾期和反弹回潮的措施');
    expect(mail.text).not.toContain('在线查看');
  });

  it('links to the plan on the desk when the desk has an address, in the mail and the chat message alike', () => {
    const ctx: RenderContext = {
      recipient: { email: 'group@example.org', name: '区委巡视整改工作领导小组', audience: 'leadershipGroup' },
      office: { name: '区委巡察办', emails: ['xcb@example.org'] },
      now: bj('2024-06-10 09:00'),
      calendar,
      timeZone: 'Asia/Shanghai',
      desk: { of: () => '', plan: planPageUrl('https://zhenggai.example.org/', 'drill-2024') },
    };
    const mail = renderWeeklyDigest(week(), ctx);
    expect(mail.text).toContain('在线查看整改总览和台账（需登录）：https://zhenggai.example.org/?plan=drill-2024\n');
    expect(mail.html).toContain(
      '<a href="https://zhenggai.example.org/?plan=drill-2024" style="color: #0b57d0; font-weight: bold">在线查看整改总览和台账（需登录）</a>',
    );
    expect(chatWeekly(week(), ctx, 'wecom').markdown).toMatch(
      /\n\[在线查看整改总览和台账（需登录）\]\(https:\/\/zhenggai\.example\.org\/\?plan=drill-2024\)$/,
    );
  });
});
