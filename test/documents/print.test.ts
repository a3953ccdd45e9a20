/**
 * The printed documents, printed: the live ledger (xlsx) and the progress report (docx) of the
 * sample plan, with its long measure texts and progress notes, through LibreOffice to PDF, read
 * back as a reader reads the paper: every cell's and measure's text whole, nothing printed over
 * anything, the size the text is printed at, the header on every page. Needs soffice and poppler
 * (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui, poppler-utils) and fonts-crosextra-carlito,
 * the Calibri-metric font by which LibreOffice sizes columns as Excel does.
 * RECTIFY_PRINT_OUT=<dir> keeps the PDFs and page images to look at.
 */
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPlan } from '../../config/plan-files';
import { chinaCalendar } from '../../domain/calendar-data';
import { measureSpecs } from '../../domain/measure';
import { trafficLight } from '../../domain/planner';
import type { MeasureRecord } from '../../domain/record';
import { exportRow, type ExportRow } from '../../domain/report/ledger-export';
import { buildReport } from '../../domain/report/model';
import { liveLedgerXlsx } from '../../documents/ledger-sheet';
import { reportDocx } from '../../documents/report-docx';
import { measureSentence } from '../../documents/report-md';
import {
  columnsOf,
  inReadingOrder,
  lineTexts,
  onlySheet,
  overprinted,
  pagesToPng,
  pngInches,
  printedSize,
  printToPdf,
  readPdf,
  squeeze,
  type PrintedPage,
  type PrintedWord,
} from '../helpers/print';
import { bj, MeasureStory } from '../helpers/records';

const SAMPLE = resolve(__dirname, '../../config/plans/liangxi-2023.yaml');
const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
const AS_OF = '2024-06-20';
jest.setTimeout(300_000);

/** The text to the end of the sentence `chars` characters in (or all of it). */
const sentences = (text: string, chars: number) => text.slice(0, text.indexOf('。', chars) + 1 || undefined);

/** The sample plan's 124 measures on 2024-06-20 (the June deadlines in their reminder window, December's overdue): progress notes of every length (other measures' texts), close-outs, extensions, a relapse. */
function sample(): { title: string; rows: ExportRow[]; records: MeasureRecord[] } {
  const { plan } = loadPlan(SAMPLE);
  const specs = measureSpecs(plan, plan.feedbackDate);
  const now = bj(`${AS_OF} 20:00`);
  const records = specs.map((spec, i) => {
    const story = new MeasureStory(spec, bj('2023-10-16 10:00'));
    if (i % 3 === 0) story.progress(bj('2024-04-10 10:00'), sentences(specs[(i + 7) % specs.length].text, 40 + ((i * 37) % 260)));
    if (spec.kind !== 'longterm' && i % 11 === 5) story.submit(bj('2024-04-15 10:00')).verify(bj('2024-04-16 10:00'));
    if (spec.kind === 'deadline' && i % 17 === 2) story.extend(bj('2024-04-20 10:00'), '2024-10-31', '需协调省级部门,待省里政策出台后推进');
    if (spec.kind !== 'longterm' && i === 16)
      story
        .submit(bj('2024-01-05 10:00'))
        .verify(bj('2024-01-08 10:00'))
        .lookback(bj('2024-04-08 09:00'), bj('2024-04-12 15:00'), 'relapsed', '2024-08-30');
    const cal = chinaCalendar({ ...spec.calendar, unpublishedYears: 'statutory' });
    story.state.trafficLight = trafficLight(spec, story.state.progress, cal, now).light;
    return story.record();
  });
  const rows = records.map((r, i) => exportRow(r, specs[i], now, true, calendar));
  return { title: `${plan.title}整改台账（截至2024年6月20日）`, rows, records };
}

const pureHan = (w: PrintedWord) => printedSize(w) !== undefined;

describe('the live ledger, printed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-printed-'));
  const { title, rows } = sample();
  let book: ExcelJS.Workbook;
  let xlsx: Buffer;

  beforeAll(async () => {
    xlsx = await liveLedgerXlsx(rows, title);
    book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx as unknown as ArrayBuffer);
    // Column widths are in digits of the workbook's font, Calibri: without it or its metric twin LibreOffice makes columns wider, and the table prints smaller.
    const calibri = spawnSync('fc-match', ['Calibri'], { encoding: 'utf8' }).stdout;
    if (!/Calibri|Carlito/.test(calibri))
      throw new Error(`no Calibri nor Carlito (fc-match Calibri: ${calibri}): apt-get install fonts-crosextra-carlito`);
  });

  /** A sheet printed alone, read back. */
  async function printed(sheet: string): Promise<{ pages: PrintedPage[]; titles: string[]; widths: number[]; pdf: string }> {
    const file = join(dir, `台账-${sheet}.xlsx`);
    writeFileSync(file, await onlySheet(xlsx, sheet));
    const pdf = await printToPdf(file);
    const ws = book.getWorksheet(sheet)!;
    const titles = (ws.getRow(2).values as string[]).slice(1);
    return { pages: readPdf(pdf), titles, widths: titles.map((_, i) => ws.getColumn(i + 1).width ?? ws.properties.defaultColWidth!), pdf };
  }

  it('the print sheet: the columns offices print on A4 landscape, every cell whole, nothing printed over, the header on every page, text 9 pt or more', async () => {
    const { pages, titles, widths, pdf } = await printed('打印');
    expect(titles).toEqual([
      '编号',
      '问题',
      '整改措施',
      '负责区领导',
      '牵头单位',
      '整改时限',
      '状态',
      '红黄绿灯',
      '剩余/逾期工作日',
      '最新进展',
      '进展日期',
    ]);
    for (const p of pages) expect([p.number, Math.round(p.width), Math.round(p.height)]).toEqual([p.number, 842, 595]);
    // Every page starts with the header: its titles are above every measure on it.
    for (const p of pages) {
      const top = Math.max(...p.words.filter((w) => ['编号', '整改措施', '最新进展'].includes(w.text)).map((w) => w.bottom));
      const ids = p.words.filter((w) => rows.some((r) => r.id === w.text));
      expect([p.number, ids.length > 0, ids.every((w) => w.y > top)]).toEqual([p.number, true, true]);
    }
    // Every cell's text whole, in its column, and each measure once; no line of one row under another's.
    const columns = columnsOf(pages, titles, widths);
    const text = columns.map((c) => squeeze(c.map((w) => w.text).join('')));
    for (const [i, t] of titles.entries()) {
      expect([t, overprinted(columns[i])]).toEqual([t, []]);
      const missing = rows.filter((r) => !text[i].includes(squeeze(String(printValue(r, t)))));
      expect([t, missing.map((r) => r.id)]).toEqual([t, []]);
    }
    // The measures' column is their texts one after the other, nothing lost or added.
    expect(text[titles.indexOf('整改措施')]).toBe(squeeze(rows.map((r) => r.text).join('')));
    // The size on paper: every run of Chinese characters at 9 pt or more (10.5 pt set, the page at or near full scale).
    const sizes = pages.flatMap((p) => p.words.filter(pureHan).map((w) => printedSize(w)!));
    expect(sizes.length).toBeGreaterThan(200);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(9);
    // At full scale: the body's 10.5 pt on paper.
    expect(sizes.filter((s) => s > 10.4 && s < 10.6).length / sizes.length).toBeGreaterThan(0.9);
    // A page to look at.
    const [png] = pagesToPng(pdf, 60, 1, 1);
    expect(pngInches(png, 60)).toEqual([11.7, 8.3]);
  });

  it('the data sheet: every column with the whole texts, each row as tall as its text', async () => {
    const { pages, titles, widths } = await printed('整改台账');
    expect(titles).toContain('参与单位');
    const columns = columnsOf(pages, titles, widths);
    for (const t of ['整改措施', '最新进展', '整改时限']) {
      const i = titles.indexOf(t);
      expect([t, overprinted(columns[i])]).toEqual([t, []]);
      const text = squeeze(columns[i].map((w) => w.text).join(''));
      expect([t, rows.filter((r) => !text.includes(squeeze(String(printValue(r, t))))).map((r) => r.id)]).toEqual([t, []]);
    }
  });
});

/** A ledger row's value in the column titled so. */
function printValue(r: ExportRow, title: string): string | number {
  const fields: Record<string, (r: ExportRow) => string | number> = {
    编号: (x) => x.id,
    问题: (x) => x.problem,
    整改措施: (x) => x.text,
    负责区领导: (x) => x.leader,
    牵头单位: (x) => x.leadUnit,
    整改时限: (x) => x.deadlineCell,
    状态: (x) => x.statusLabel,
    红黄绿灯: (x) => x.lightLabel,
    '剩余/逾期工作日': (x) => x.workdaysLeft,
    最新进展: (x) => x.note,
    进展日期: (x) => x.noteDate,
  };
  return fields[title](r);
}

describe('the progress report, printed', () => {
  it('A4, the body in 三号 (16 pt) with the fallback font too, every measure whole', async () => {
    const { records } = sample();
    const report = buildReport(records, {
      planId: 'liangxi-2023',
      planTitle: '梁溪区示例',
      asOf: AS_OF,
      timeZone: 'Asia/Shanghai',
      calendar,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'rectify-printed-')), '进展情况.docx');
    writeFileSync(file, await reportDocx(report));
    const pdf = await printToPdf(file);
    const pages = readPdf(pdf);
    for (const p of pages) expect([p.number, Math.round(p.width), Math.round(p.height)]).toEqual([p.number, 595, 842]);
    // Sizes of runs of Chinese characters: 二号 title, 三号 body (justified lines a little wider), 四号 tables; nothing else.
    const sizes = pages.flatMap((p) => p.words.filter(pureHan).map((w) => printedSize(w)!));
    const near = (size: number, s: number) => s > size - 0.05 && s < size + 0.05;
    // Justified lines spread their characters: a body line is 16 pt or a little wider, never narrower.
    const body = sizes.filter((s) => s > 15.95 && s < 17.6);
    expect(sizes.filter((s) => !near(22, s) && !near(14, s) && !body.includes(s))).toEqual([]);
    expect(body.length).toBeGreaterThan(20);
    expect(Math.min(...body)).toBeCloseTo(16, 1);
    // Every measure's sentence whole, in reading order, the page numbers (— 2 —) left out.
    const text = squeeze(
      pages
        .flatMap((p) => inReadingOrder(p.words))
        .map((w) => w.text)
        .join(' ')
        .replace(/— \d+ —/g, ''),
    );
    const missing = report.problems.flatMap((p) => p.measures).filter((m) => !text.includes(squeeze(measureSentence(m))));
    expect(missing.map((m) => m.id)).toEqual([]);
    // No heading at the foot of a page, away from what it heads.
    const headings = [
      ...report.problems.map((p) => `${p.no}. 关于“${p.title}”问题的整改。`),
      '一、巡视整改组织领导情况',
      '二、整改进展情况及成效',
      '三、下一步工作打算',
      '逾期未完成的措施',
      '批准延期的措施',
      '回头看情况',
    ].map(squeeze);
    expect(headings.filter((h) => !text.includes(h))).toEqual([]);
    const stranded = pages.flatMap((p) => {
      const lines = lineTexts(p.words).filter((l) => !/^—\d+—$/.test(l));
      const [before, last] = [lines.at(-2) ?? '', lines.at(-1) ?? ''];
      return headings.filter((h) => h === last || h === before + last).map((h) => `p.${p.number}: ${h}`);
    });
    expect(stranded).toEqual([]);
    // A table row on one page: each row's first cell whole in the first column of one table on one page (its header repeated above it).
    expect(report.overdue.length + report.extensions.length).toBeGreaterThan(5);
    const firstCells = pages.flatMap((p) => {
      const heads = p.words.filter((w) => w.text === '牵头单位').sort((a, b) => a.y - b.y);
      return heads.map((head, i) => {
        const below = (w: PrintedWord) => w.y > (head.y + head.bottom) / 2 && w.y < (heads[i + 1]?.y ?? p.height);
        const column = p.words.filter((w) => below(w) && w.x < head.x - 2 && !/^—|—$/.test(w.text));
        return squeeze(
          inReadingOrder(column)
            .map((w) => w.text)
            .join(''),
        );
      });
    });
    const rows = [...report.overdue, ...report.extensions, ...report.lookback.relapsedMeasures].map((m) => squeeze(`${m.id} ${m.title}`));
    expect(rows.filter((r) => !firstCells.some((c) => c.includes(r)))).toEqual([]);
    const [png] = pagesToPng(pdf, 60, 2, 2);
    expect(pngInches(png, 60)).toEqual([8.3, 11.7]);
  });
});
