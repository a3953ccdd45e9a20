/**
 * The live ledger as a spreadsheet offices print: a title row, the header frozen under it with
 * filters, column widths, wrapped text, the light's cell in its colour with its word, A4 landscape
 * with the header repeated on every page. CSV: the same columns, header first. Text stays text
 * (a cell that starts like a formula is quoted in CSV, a string in xlsx).
 */
import ExcelJS from 'exceljs';
import { EXPORT_COLUMNS, type ExportRow } from '../domain/report/ledger-export';
import { LIGHT_COLORS } from '../domain/vocabulary';

const FILL: Record<string, string> = { ...LIGHT_COLORS, closed: '#607d8b' };
const argb = (hex: string) => `FF${hex.replace('#', '').toUpperCase()}`;

export async function liveLedgerXlsx(rows: ExportRow[], title: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'rectify';
  const ws = book.addWorksheet('整改台账', {
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '2:2',
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页,共 &N 页' },
  });
  const n = EXPORT_COLUMNS.length;
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, n);
  Object.assign(ws.getRow(1), { height: 28 });
  ws.getCell(1, 1).font = { name: '黑体', size: 16, bold: true };
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  const head = ws.addRow(EXPORT_COLUMNS.map((c) => c.title));
  head.font = { name: '黑体', bold: true };
  head.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  head.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EBEF' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  const lightColumn = EXPORT_COLUMNS.findIndex((c) => c.title === '红黄绿灯') + 1;
  for (const r of rows) {
    const row = ws.addRow(EXPORT_COLUMNS.map((c) => c.value(r)));
    row.font = { name: '仿宋' };
    row.alignment = { vertical: 'top', wrapText: false };
    EXPORT_COLUMNS.forEach((c, i) => {
      if (c.wrap) row.getCell(i + 1).alignment = { vertical: 'top', wrapText: true };
    });
    if (r.light) {
      const cell = row.getCell(lightColumn);
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(FILL[r.light]) } };
      cell.font = { name: '黑体', bold: true, color: { argb: 'FFFFFFFF' } };
      cell.alignment = { horizontal: 'center', vertical: 'top' };
    }
  }
  EXPORT_COLUMNS.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: n } };
  return Buffer.from(await book.xlsx.writeBuffer());
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
