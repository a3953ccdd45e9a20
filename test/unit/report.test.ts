/**
 * The progress report from measure records: where each measure stood on a date (status changes,
 * deadlines, extensions, notes, look-back outcomes), the totals in the seed report's phrasing, and
 * the documents (Markdown, HTML, Word, Excel) read back as their readers would.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { chinaCalendar } from '../../domain/calendar-data';
import { buildReport, chineseNumber, PLACEHOLDER, type ProgressReport } from '../../domain/report/model';
import { NOTE_CHARS, standing, type MeasureRecord } from '../../domain/record';
import { reportDocx } from '../../documents/report-docx';
import { reportHtml } from '../../documents/report-html';
import { reportMarkdown } from '../../documents/report-md';
import { reportXlsx } from '../../documents/sheets';
import { bj, MeasureStory } from '../helpers/records';

const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
const P2 = { no: 2, title: '资产管理较为混乱' };
const P3 = { no: 3, title: '基层党建工作重视不够' };

/** Six measures over three problems, each with a life up to mid-2024. */
function plan(): MeasureRecord[] {
  const a = MeasureStory.of({ id: '1.1', title: '健全政策机制', deadline: '2024-06-28' })
    .progress(bj('2024-03-01 10:00'), '一季度完成调研')
    .submit(bj('2024-05-20 10:00'))
    .verify(bj('2024-05-22 10:00'));
  const b = MeasureStory.of({ id: '1.2', title: '全力稳定外资', deadline: '2024-03-29', leadUnit: '区商务局' });
  const c = MeasureStory.of({ id: '2.1', problem: P2, title: '清查闲置资产', deadline: '2024-04-30', leadUnit: '区财政局' }).extend(
    bj('2024-04-10 10:00'),
    '2024-09-30',
  );
  const d = MeasureStory.of({ id: '2.2', problem: P2, title: '规范资产处置', deadline: '2024-03-29', leadUnit: '区财政局' })
    .submit(bj('2024-03-20 10:00'))
    .verify(bj('2024-03-25 10:00'))
    .lookback(bj('2024-06-03 09:00'), bj('2024-06-10 15:00'), 'relapsed', '2024-08-30');
  const e = MeasureStory.of({ id: '3.1', problem: P3, title: '坚持长效常治', kind: 'longterm', leadUnit: '区委组织部' });
  const f = MeasureStory.of({ id: '3.2', problem: P3, title: '整顿软弱涣散党组织', deadline: '2024-04-30', leadUnit: '区委组织部' })
    .submit(bj('2024-04-18 10:00'))
    .verify(bj('2024-04-20 10:00'))
    .lookback(bj('2024-06-03 09:00'), bj('2024-06-05 11:00'), 'sustained', undefined, '2024年中回头看');
  return [a, b, c, d, e, f].map((s) => s.record());
}

const report = (asOf: string, records = plan(), extra: Partial<Parameters<typeof buildReport>[1]> = {}): ProgressReport =>
  buildReport(records, { planId: 'drill', planTitle: '演练计划', asOf, timeZone: 'Asia/Shanghai', calendar, ...extra });

describe('a measure as it stood', () => {
  it('reads status, deadline and overdue at any instant from the record', () => {
    const [a, b, c, d] = plan();
    expect(a.statusChanges.map((x) => x.status)).toEqual(['active', 'submitted', 'closed']);
    expect(standing(a, bj('2024-05-21 12:00')).status).toBe('submitted');
    expect(standing(a, bj('2024-05-23 12:00'))).toMatchObject({ status: 'closed', overdue: false });
    // Due at 18:00 on its day: not overdue at 17:59, overdue at 18:01.
    expect(standing(b, bj('2024-03-29 17:59')).overdue).toBe(false);
    expect(standing(b, bj('2024-03-29 18:01')).overdue).toBe(true);
    // Before its extension it fell due on 04-30; after, on 09-30.
    expect(standing(c, bj('2024-04-09 12:00')).deadline).toBe('2024-04-30');
    expect(standing(c, bj('2024-05-06 12:00'))).toMatchObject({ deadline: '2024-09-30', overdue: false });
    expect(c.extensions).toEqual([{ at: expect.any(String), from: '2024-04-30', to: '2024-09-30', reason: '需协调省级部门' }]);
    // Closed in March, reopened by a relapse in June with a new deadline.
    expect(standing(d, bj('2024-05-01 12:00')).status).toBe('closed');
    expect(standing(d, bj('2024-06-11 12:00'))).toMatchObject({ status: 'active', deadline: '2024-08-30', overdue: false });
    expect(d.relapses).toEqual([{ at: expect.any(String), round: 1, newDeadline: '2024-08-30', notes: '问题反复', by: '巡察办·督查科' }]);
  });

  it('keeps only the latest note, clipped, in the compact form the memo carries', () => {
    const long = '进'.repeat(NOTE_CHARS + 50);
    const story = MeasureStory.of().progress(bj('2024-02-01 10:00'), '第一次').progress(bj('2024-03-01 10:00'), long);
    expect(story.record('all').notes.map((n) => n.text)).toEqual(['第一次', long]);
    const compact = story.record('latest');
    expect(compact.notes).toHaveLength(1);
    expect(compact.notes[0].text).toHaveLength(NOTE_CHARS);
    expect(compact.notes[0].text.endsWith('…')).toBe(true);
    expect(compact.noteClipped).toBe(true); // readers ask the measure for the whole note
    expect(story.record('all').noteClipped).toBeUndefined();
  });

  it('counts the first notice of each rung of the ladder per deadline as an escalation, and whether leadership was told', () => {
    const r = MeasureStory.of()
      .delivered({
        at: bj('2024-10-16 09:00'),
        stage: 'v1:deadline:overdue:0',
        kind: 'overdue',
        level: 0,
        audiences: ['leadUnit', 'leader'],
      })
      .delivered({
        at: bj('2024-10-29 09:00'),
        stage: 'v1:deadline:overdue:2',
        kind: 'overdue',
        level: 2,
        audiences: ['office', 'leadershipGroup'],
      })
      .delivered({
        at: bj('2024-11-05 09:00'),
        stage: 'v1:deadline:overdue:2:repeat:1',
        kind: 'overdue',
        level: 2,
        audiences: ['office', 'leadershipGroup'],
      })
      .record();
    expect(r.escalations.map((e) => [e.level, e.leadership])).toEqual([
      [0, false],
      [2, true],
    ]);
  });
});

describe('the progress report', () => {
  it('counts problems and measures as they stood at the end of the day, in the seed report phrasing', () => {
    const r = report('2024-06-30');
    expect(r.totals).toEqual({
      problems: 3,
      problemsClosed: 0,
      problemsContinuing: 2,
      problemsOverdue: 1,
      measures: 6,
      closed: 2,
      submitted: 0,
      active: 2,
      overdue: 1,
      longterm: 1,
      completionRate: '40.0%',
    });
    expect(r.summary).toBe(
      '截至2024年6月30日，巡视反馈的3个问题中，已整改销号0个，正在分阶段推进、持续整改2个，有逾期未完成措施的1个；' +
        '6项整改措施中，已完成（销号）2项，正在推进2项，长期坚持1项，逾期未完成1项，整改完成率40.0%（已完成措施占应完成措施的比例，长期坚持类不计入）。',
    );
    expect(r.problems.map((p) => [p.no, p.state, p.measures.map((m) => `${m.ordinal}${m.id}:${m.status}`)])).toEqual([
      [1, 'overdue', ['一是1.1:closed', '二是1.2:overdue']],
      [2, 'continuing', ['一是2.1:active', '二是2.2:active']],
      [3, 'continuing', ['一是3.1:longterm', '二是3.2:closed']],
    ]);
    expect(r.overdue.map((m) => [m.id, m.workdaysLeft])).toEqual([['1.2', -calendar.workdaysBetween('2024-03-29', '2024-06-30')]]);
    expect(r.extensions).toEqual([
      {
        id: '2.1',
        title: '清查闲置资产',
        leadUnit: '区财政局',
        from: '2024年4月30日',
        to: '2024年9月30日',
        date: '2024年4月10日',
        reason: '需协调省级部门',
      },
    ]);
    expect(r.lookback).toEqual({
      reviews: 2,
      sustained: 1,
      relapsed: 1,
      pending: 0,
      relapsedMeasures: [
        { id: '2.2', title: '规范资产处置', leadUnit: '区财政局', round: 1, date: '2024年6月10日', newDeadline: '2024年8月30日' },
      ],
      campaigns: [{ name: '2024年中回头看', reviews: 1, sustained: 1, relapsed: 0, pending: 0 }],
    });
    const a = r.problems[0].measures[0];
    // A closed measure's latest word is its completion (not the progress note before it), verified when and by whom.
    expect(a).toMatchObject({
      closedOn: '2024年5月22日',
      latest: {
        kind: 'closed',
        date: '2024年5月22日',
        text: '2024年5月20日提交整改完成。佐证材料：印发文件。2024年5月22日经巡察办·督查科核验通过，予以销号。',
      },
    });
    // A relapsed one's is its relapse.
    expect(r.problems[1].measures[1].latest).toMatchObject({
      kind: 'relapsed',
      date: '2024年6月10日',
      text: '第1次回头看发现反弹回潮，重新整改，整改时限调整为2024年8月30日。核查说明：问题反复。',
    });
  });

  it('regenerates last quarter: before the close-outs, the extension and the look-back, the figures were those of then', () => {
    const r = report('2024-03-31');
    expect(r.totals).toMatchObject({ measures: 6, closed: 1, active: 3, overdue: 1, longterm: 1, completionRate: '20.0%' });
    expect(r.problems[1].measures.map((m) => [m.id, m.status, m.deadline])).toEqual([
      ['2.1', 'active', '2024年4月30日'],
      ['2.2', 'closed', '2024年3月29日'],
    ]);
    expect(r.extensions).toEqual([]);
    expect(r.lookback).toMatchObject({ reviews: 0, sustained: 0, relapsed: 0 });
    // A day later than a change, the change counts; a submission waits for verification.
    expect(report('2024-05-21').problems[0].measures[0].status).toBe('submitted');
    // A measure of a plan whose feedback came after the date is not in the report of that date;
    // one put into rectify later is (open until what happened to it in rectify).
    const later = MeasureStory.of({ id: '9.9', feedbackDate: '2024-07-01' }, bj('2024-07-02 10:00')).record();
    expect(report('2024-06-30', [...plan(), later]).totals.measures).toBe(6);
    expect(report('2024-01-16').totals).toMatchObject({ measures: 6, active: 5, closed: 0, longterm: 1 });
  });

  it('counts a review whose outcome came later as still pending on the earlier date', () => {
    const r = report('2024-06-04');
    expect(r.lookback).toMatchObject({ reviews: 2, sustained: 0, relapsed: 0, pending: 2 });
    expect(r.lookback.campaigns).toEqual([{ name: '2024年中回头看', reviews: 1, sustained: 0, relapsed: 0, pending: 1 }]);
  });

  it('numbers measures 一是 …', () => {
    expect([1, 2, 9, 10, 11, 20, 21, 99, 100, 105, 110, 1000, 1010].map(chineseNumber)).toEqual([
      '一',
      '二',
      '九',
      '十',
      '十一',
      '二十',
      '二十一',
      '九十九',
      '一百',
      '一百零五',
      '一百一十',
      '一千',
      '一千零一十',
    ]);
  });
});

describe('the report as documents', () => {
  const r = report('2024-06-30');
  const withProse = report('2024-06-30', plan(), { preface: '区委高度重视。\n成立领导小组。', nextSteps: '持续抓好整改。' });

  it('as Markdown: the seed order, with marked places for the office prose unless it is given', () => {
    const md = reportMarkdown(r);
    const order = ['# 巡视整改进展情况', r.summary, '## 一、巡视整改组织领导情况', PLACEHOLDER.preface, '## 二、整改进展情况及成效'];
    let at = -1;
    for (const part of [
      ...order,
      '### 1. 关于“高质量发展成效不显”问题的整改。',
      '### 逾期未完成的措施',
      '### 批准延期的措施',
      '### 回头看情况',
      '## 三、下一步工作打算',
      PLACEHOLDER.nextSteps,
    ]) {
      const next = md.indexOf(part);
      expect([part, next > at]).toEqual([part, true]);
      at = next;
    }
    expect(md).toContain(
      '整改情况：一是健全政策机制。牵头单位：区发改委；负责区领导：区委常委、常务副区长；整改时限：2024年6月28日。目前已完成，于2024年5月22日销号。' +
        '最新进展（2024年5月22日）：2024年5月20日提交整改完成。佐证材料：印发文件。2024年5月22日经巡察办·督查科核验通过，予以销号。二是全力稳定外资。',
    );
    expect(md).toContain('整改后仍有反复（反弹回潮）1项');
    const prose = reportMarkdown(withProse);
    expect(prose).toContain('区委高度重视。\n成立领导小组。');
    expect(prose).not.toContain(PLACEHOLDER.preface);
  });

  it('as HTML: escaped, self-contained, A4 print styles', () => {
    const records = plan();
    records[0].title = '<script>alert(1)</script>';
    records[0].submissions![0].note = '<img src=x onerror=alert(2)>';
    const html = reportHtml(report('2024-06-30', records));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/<script>alert|<img src=x/);
    expect(html).toMatch(/@page\s*\{\s*size: A4;/);
    expect(html).not.toMatch(/<link|<script/);
  });

  it('as Word: A4 with official fonts, every figure and measure in the text, the office prose where given', async () => {
    const zip = await JSZip.loadAsync(await reportDocx(withProse));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain(withProse.summary);
    expect(text).toContain('一、巡视整改组织领导情况区委高度重视。成立领导小组。二、整改进展情况及成效');
    expect(text).toContain('1. 关于“高质量发展成效不显”问题的整改。');
    expect(text).toContain('二是全力稳定外资。');
    expect(text).toContain('三、下一步工作打算持续抓好整改。');
    expect(xml).toContain('w:eastAsia="仿宋"');
    expect(xml).toContain('w:eastAsia="黑体"');
    expect(xml).toMatch(/<w:pgSz w:w="11907" w:h="16840"|<w:pgSz w:w="1190\d" w:h="168\d\d"/);
  });

  it('as Excel: the figures sheet by sheet, read back', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await reportXlsx(r)) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['汇总', '措施', '逾期', '延期', '回头看']);
    const summary = new Map<string, unknown>();
    book.getWorksheet('汇总')!.eachRow((row, i) => i > 1 && summary.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(Object.fromEntries(summary)).toMatchObject({
      措施总数: 6,
      '已完成（销号）': 2,
      逾期未完成: 1,
      整改完成率: '40.0%',
      批准延期: 1,
      '回头看·反弹回潮': 1,
    });
    const measures = book.getWorksheet('措施')!;
    expect(measures.rowCount).toBe(7);
    expect(measures.getRow(3).values).toEqual(expect.arrayContaining(['1.2', '全力稳定外资', '逾期未完成']));
    expect(book.getWorksheet('延期')!.getRow(2).values).toEqual(expect.arrayContaining(['2.1', '2024年4月30日', '2024年9月30日']));
  });
});
