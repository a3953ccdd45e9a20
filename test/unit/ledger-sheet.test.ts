/**
 * The live ledger's workbook as a spreadsheet program opens it: the data sheet first (what
 * `plan import-ledger` reads), the print sheet it opens on and prints, and row heights computed from
 * the wrapped texts (programs do not fit them on opening). Printed for real in test/documents/print.test.ts.
 */
import ExcelJS from 'exceljs';
import { chinaCalendar } from '../../domain/calendar-data';
import { exportRow } from '../../domain/report/ledger-export';
import { liveLedgerXlsx, rowHeight, wrappedLines } from '../../documents/ledger-sheet';
import { bj, MeasureStory } from '../helpers/records';

const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
const LONG =
  '加强督学宣传。优化“梁溪慧学理论学习平台”,用数字化手段动态监测基层党委(党组)理论学习中心组学习情况,扬名街道对未认真开展学习的班子成员提醒谈话。'.repeat(
    3,
  );

describe('wrapped lines', () => {
  it('counts a column of Chinese text by its width, a line at least, each paragraph a line of its own', () => {
    // 40 units of 5.25 pt less the padding hold 19 characters of 10.5 pt.
    expect(wrappedLines('', 40, 10.5)).toBe(1);
    expect(wrappedLines('一'.repeat(19), 40, 10.5)).toBe(1);
    expect(wrappedLines('一'.repeat(20), 40, 10.5)).toBe(2);
    expect(wrappedLines('一'.repeat(19 * 5), 40, 10.5)).toBe(5);
    expect(wrappedLines('一\n二\n三', 40, 10.5)).toBe(3);
    // Half as wide a column, twice the lines; a larger font, more.
    expect(wrappedLines(LONG, 20, 10.5)).toBeGreaterThanOrEqual(2 * wrappedLines(LONG, 40, 10.5) - 1);
    expect(wrappedLines(LONG, 40, 12)).toBeGreaterThan(wrappedLines(LONG, 40, 10.5));
  });

  it('moves a date or number whole to the next line, and keeps a closing mark with the character before it', () => {
    // 17 characters, then a date that does not fit after them: two lines, the date whole on the second.
    expect(wrappedLines(`${'一'.repeat(17)}2024-06-30`, 40, 10.5)).toBe(2);
    expect(wrappedLines(`${'一'.repeat(9)}2024-06-30`, 40, 10.5)).toBe(1);
    // 19 characters then 。: the mark does not start a line, its character goes with it.
    expect(wrappedLines(`${'一'.repeat(19)}。`, 40, 10.5)).toBe(2);
  });

  it('a row is as tall as its tallest cell', () => {
    const one = rowHeight([['短', 40]], 10.5);
    expect(
      rowHeight(
        [
          ['短', 40],
          [LONG, 40],
        ],
        10.5,
      ),
    ).toBeGreaterThan(5 * one);
    expect(rowHeight([[LONG.repeat(20), 10]], 10.5)).toBe(409); // what a spreadsheet stores at most
  });
});

describe('the workbook', () => {
  it('opens on its print sheet; the data sheet comes first; every row as tall as its text', async () => {
    const now = bj('2024-06-03 10:00');
    const rows = [
      MeasureStory.of({ id: '1.1', text: LONG }).progress(bj('2024-05-01 10:00'), LONG.slice(0, 120)).record(),
      MeasureStory.of({ id: '1.2', text: '短。' }).record(),
    ].map((r) =>
      exportRow(r, { text: r.id === '1.1' ? LONG : '短。', participants: [], milestones: [], kind: 'deadline' }, now, true, calendar),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await liveLedgerXlsx(rows, '演练计划整改台账')) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['整改台账', '打印']);
    expect(book.views[0].activeTab).toBe(1);
    const print = book.getWorksheet('打印')!;
    expect(print.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 4, // no limit: as many pages as rows (0 LibreOffice reads as a limit, and shrinks)
      printTitlesRow: '2:2',
    });
    // Title, header, the two measures, each with its problem.
    expect(print.rowCount).toBe(4);
    expect([print.getCell(2, 2).value, print.getCell(3, 2).value, print.getCell(4, 2).value]).toEqual([
      '问题',
      '1. 高质量发展成效不显',
      '1. 高质量发展成效不显',
    ]);
    expect(print.getRow(3).height).toBeGreaterThan(3 * print.getRow(4).height);
    const data = book.getWorksheet('整改台账')!;
    expect(data.getRow(3).height).toBeGreaterThan(3 * data.getRow(4).height);
  });
});
