/**
 * The live ledger as a spreadsheet offices keep and print. Two sheets:
 * - 整改台账, the data: every column with the whole texts, a title row, the header frozen under it
 *   with filters, the light's cell in its colour with its word. `plan import-ledger` reads it (the
 *   first sheet) back.
 * - 打印, what offices print (the workbook opens on it): the columns they print, A4 landscape at
 *   100% (fit to the width should a program's columns be wider) with the header on every page, the
 *   text in 五号 (10.5 pt).
 * Spreadsheet programs do not fit a row's height to wrapped text when they open a file (LibreOffice
 * shows and prints one line), so every row's height is computed here from its texts and widths.
 * CSV: the data sheet's columns, header first. Text stays text (a cell that starts like a formula is
 * quoted in CSV, a string in xlsx).
 */
import ExcelJS from 'exceljs';
import { EXPORT_COLUMNS, type ExportRow } from '../domain/report/ledger-export';
import { LIGHT_COLORS } from '../domain/vocabulary';

const FILL: Record<string, string> = { ...LIGHT_COLORS, closed: '#607d8b' };
const argb = (hex: string) => `FF${hex.replace('#', '').toUpperCase()}`;
const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EBEF' } };
const BOX: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  bottom: { style: 'thin' },
  left: { style: 'thin' },
  right: { style: 'thin' },
};
const FOOTER = '第&P页，共&N页';

/**
 * A column printed: one of the data sheet's columns (by its title, so its values are the same), at
 * its print width. 139 units in all: A4 landscape's width in LibreOffice, whose units are the widest
 * (about 5.7 pt), so that it prints at 100%; in Excel (5.25 pt) the table takes nine tenths of the
 * width, centred.
 */
const PRINT_COLUMNS: { title: string; width: number; center?: boolean }[] = [
  { title: '编号', width: 6, center: true },
  { title: '问题', width: 10 },
  { title: '整改措施', width: 33 },
  { title: '负责区领导', width: 10 },
  { title: '牵头单位', width: 10 },
  { title: '整改时限', width: 13 },
  { title: '状态', width: 7, center: true },
  { title: '红黄绿灯', width: 7, center: true },
  { title: '剩余/逾期工作日', width: 7, center: true },
  { title: '最新进展', width: 25 },
  { title: '进展日期', width: 11, center: true },
];

/** Font sizes in points: the printed body is 五号 (10.5 pt), the data sheet the spreadsheet's default 11 pt. */
const PRINT_SIZE = 10.5;
const DATA_SIZE = 11;
const TITLE_SIZE = 16;

export async function liveLedgerXlsx(rows: ExportRow[], title: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'rectify';
  dataSheet(book, rows, title);
  printSheet(book, rows, title);
  // Opens on the print sheet (one sheet selected, so that printing prints it alone).
  book.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 1, visibility: 'visible' }];
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * A4 landscape, one page wide. As many pages tall as there are rows (a page holds one at least): no
 * limit, said so that LibreOffice reads it so (0, "automatic", it takes for as many pages as it
 * counts without the repeated header, and shrinks the page to fit them, adding a blank one).
 */
const pageSetup = (leftRight: number, rows: number): Partial<ExcelJS.PageSetup> => ({
  paperSize: 9, // A4
  orientation: 'landscape',
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: Math.min(32767, rows + 2),
  printTitlesRow: '2:2',
  horizontalCentered: true,
  margins: { left: leftRight, right: leftRight, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
});

function titleRow(ws: ExcelJS.Worksheet, title: string, columns: number[]): void {
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, columns.length);
  const font = { name: '黑体', size: TITLE_SIZE, bold: true };
  ws.getCell(1, 1).font = font;
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  ws.getRow(1).height = Math.max(28, rowHeight([[title, sum(columns)]], TITLE_SIZE));
}

function headerRow(ws: ExcelJS.Worksheet, titles: string[], widths: number[], size: number): void {
  const head = ws.addRow(titles);
  head.font = { name: '黑体', size, bold: true };
  head.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  head.eachCell((cell) => {
    cell.fill = HEAD_FILL;
    cell.border = BOX;
  });
  head.height = rowHeight(
    titles.map((t, i) => [t, widths[i]]),
    size,
  );
}

function lightCell(cell: ExcelJS.Cell, r: ExportRow, size: number): void {
  if (!r.light) return;
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(FILL[r.light]) } };
  cell.font = { name: '黑体', size, bold: true, color: { argb: 'FFFFFFFF' } };
  cell.alignment = { horizontal: 'center', vertical: 'top', wrapText: true };
}

/** Every column and the whole texts, as `plan import-ledger` reads them back. */
function dataSheet(book: ExcelJS.Workbook, rows: ExportRow[], title: string): void {
  const ws = book.addWorksheet('整改台账', {
    // A column 9 wide is exceljs's default, written without a width: the sheet's default says 9.
    properties: { defaultColWidth: 9 },
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: pageSetup(0.4, rows.length),
    headerFooter: { oddFooter: FOOTER },
  });
  const widths = EXPORT_COLUMNS.map((c) => c.width);
  titleRow(ws, title, widths);
  headerRow(
    ws,
    EXPORT_COLUMNS.map((c) => c.title),
    widths,
    DATA_SIZE,
  );
  const lightColumn = EXPORT_COLUMNS.findIndex((c) => c.title === '红黄绿灯') + 1;
  for (const r of rows) {
    const values = EXPORT_COLUMNS.map((c) => c.value(r));
    const row = ws.addRow(values);
    row.font = { name: '仿宋', size: DATA_SIZE };
    row.alignment = { vertical: 'top', wrapText: false };
    EXPORT_COLUMNS.forEach((c, i) => {
      if (c.wrap) row.getCell(i + 1).alignment = { vertical: 'top', wrapText: true };
    });
    lightCell(row.getCell(lightColumn), r, DATA_SIZE);
    row.height = rowHeight(
      values.flatMap((v, i) => (EXPORT_COLUMNS[i].wrap ? [[String(v), widths[i]] as [string, number]] : [])),
      DATA_SIZE,
    );
  }
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: EXPORT_COLUMNS.length } };
}

/**
 * The columns offices print, every text whole and wrapped, ruled. Each row names its problem (a
 * problem's row of its own over its measures could be left alone at the foot of a page: fit-to-width
 * printing ignores page breaks set in the file).
 */
function printSheet(book: ExcelJS.Workbook, rows: ExportRow[], title: string): void {
  const ws = book.addWorksheet('打印', {
    views: [{ state: 'frozen', ySplit: 2, tabSelected: true } as Partial<ExcelJS.WorksheetView>],
    pageSetup: { ...pageSetup(0.3, rows.length), firstPageNumber: 1 },
    headerFooter: { oddFooter: FOOTER },
  });
  const columns = PRINT_COLUMNS.map((p) => {
    const c = EXPORT_COLUMNS.find((e) => e.title === p.title);
    if (!c) throw new Error(`print column ${p.title} is not a ledger column`);
    return { ...p, value: c.value };
  });
  const widths = columns.map((c) => c.width);
  titleRow(ws, title, widths);
  headerRow(
    ws,
    columns.map((c) => c.title),
    widths,
    PRINT_SIZE,
  );
  const lightColumn = columns.findIndex((c) => c.title === '红黄绿灯') + 1;
  for (const r of rows) {
    const values = columns.map((c) => c.value(r));
    const row = ws.addRow(values);
    row.font = { name: '仿宋', size: PRINT_SIZE };
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.alignment = { vertical: 'top', horizontal: c.center ? 'center' : 'left', wrapText: true };
      cell.border = BOX;
    });
    lightCell(row.getCell(lightColumn), r, PRINT_SIZE);
    row.height = rowHeight(
      values.map((v, i) => [String(v), widths[i]]),
      PRINT_SIZE,
    );
  }
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Points per unit of column width: a unit is the width of a digit of the workbook's default font,
 * Calibri 11 (7 pixels at 96 dpi in Excel; LibreOffice, with Calibri or its metric twin Carlito,
 * makes it about 5.6 pt). The narrower, so that no line is counted short.
 */
const POINTS_PER_WIDTH = 5.25;
/** What a cell keeps of its width for text: the padding spreadsheet programs leave on both sides, and a margin. */
const CELL_PADDING = 6;
/** A line of wrapped text, in ems: spreadsheet programs set Chinese fonts at 1.15 to 1.2. */
const LINE_EMS = 1.22;
/** Row padding, top and bottom, in points. */
const ROW_PADDING = 3;
/** The largest row height a spreadsheet stores. */
const MAX_ROW = 409;

/** Wide (one em): CJK ideographs and punctuation, full-width forms, and the quotation marks and dashes Chinese fonts set wide. */
const WIDE = /[\u1100-\u115f\u2014\u2018-\u201d\u2026\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Characters a line may not start with (GB/T 15834's closing marks), nor end with (opening marks). */
const NO_START = /[，。、；：？！）》」』】〕”’,.;:?!)\]%]/u;
const NO_END = /[（《「『【〔“‘([]/u;

/**
 * A character's advance in ems, against Excel's column widths: wide ones 1; Latin ones as the widest
 * font a cell may fall back to sets them (DejaVu Sans where 仿宋 is missing, in LibreOffice, whose
 * columns are wider by as much again: digits 0.64 em there, 0.59 here).
 */
const advance = (c: string) =>
  WIDE.test(c) ? 1 : /[0-9]/.test(c) ? 0.59 : /[A-Z]/.test(c) ? 0.7 : /[a-z]/.test(c) ? 0.56 : /\s/.test(c) ? 0.3 : 0.36;

/**
 * How many lines a text takes in a column `width` units wide at `size` points: broken as
 * spreadsheet programs break it, or later (greedily; a Latin word or number moves whole, with what
 * it follows without a space: 案;2024-09-30, 宣讲857; a closing mark keeps to the character before
 * it and an opening mark to the one after), each paragraph a line at least.
 */
export function wrappedLines(text: string, width: number, size: number): number {
  const room = (width * POINTS_PER_WIDTH - CELL_PADDING) / size; // ems
  let lines = 0;
  for (const paragraph of text.split(/\r?\n/)) {
    // Pieces that break together: a Latin word or number with what it follows, a wide character with the marks that keep to it.
    const pieces: string[] = [];
    for (const m of paragraph.matchAll(/[A-Za-z0-9.\-/%:]+|./gsu)) {
      const piece = m[0];
      const before = pieces.at(-1);
      const keeps =
        before !== undefined &&
        (NO_START.test(piece[0]) || NO_END.test(before.at(-1)!) || (/^[A-Za-z0-9]/.test(piece) && !/\s$/.test(before)));
      if (keeps) pieces[pieces.length - 1] += piece;
      else pieces.push(piece);
    }
    let n = 1;
    let used = 0;
    for (const piece of pieces) {
      const w = [...piece].reduce((a, c) => a + advance(c), 0);
      if (used + w <= room) used += w;
      else if (w <= room) {
        n++;
        used = w;
      } else
        for (const c of piece) {
          // A piece longer than a line breaks where it must.
          if (used + advance(c) > room) {
            n++;
            used = 0;
          }
          used += advance(c);
        }
    }
    lines += n;
  }
  return lines;
}

/** A row's height in points: the tallest of its cells' wrapped texts ([text, column width]) at `size`. */
export function rowHeight(cells: [string, number][], size: number): number {
  const lines = Math.max(1, ...cells.map(([text, width]) => (text ? wrappedLines(text, width, size) : 1)));
  return Math.min(MAX_ROW, Math.ceil(lines * size * LINE_EMS + 2 * ROW_PADDING));
}

/** A CSV field: quoted when it must be, and a leading =, +, - or @ defused so that spreadsheets show it as text. */
export function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** UTF-8 with a byte-order mark (Excel reads Chinese then), CRLF, header first. */
export function liveLedgerCsv(rows: ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.map((c) => csvField(c.title)), ...rows.map((r) => EXPORT_COLUMNS.map((c) => csvField(c.value(r))))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}
