/**
 * The roll-up report as a spreadsheet: one sheet, the districts and the totals' row under the same
 * headings as the Word document and the page (domain/rollup.ts rollupTable), numbers as numbers.
 */
import ExcelJS from 'exceljs';
import { rollupTable, type Rollup } from '../domain/rollup';

export async function rollupXlsx(r: Rollup, o: { title: string }): Promise<Buffer> {
  const t = rollupTable(r);
  const book = new ExcelJS.Workbook();
  book.creator = 'rectify';
  const ws = book.addWorksheet('汇总表', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.addRow([`${o.title}巡视整改进展情况汇总表（截至${t.asOfZh}）`]).font = { bold: true, size: 14 };
  const head = ['地区（计划）', '计划编号', ...t.head];
  ws.mergeCells(1, 1, 1, head.length);
  ws.addRow(head).font = { bold: true };
  for (const d of t.rows) ws.addRow([d.name, d.planId, ...d.cells]);
  ws.addRow([t.totals.name, '', ...t.totals.cells]).font = { bold: true };
  head.forEach((h, i) => (ws.getColumn(i + 1).width = i === 0 ? 40 : Math.max(10, h.length * 2 + 4)));
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + t.rows.length, column: head.length } };
  ws.pageSetup = { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '2:2' };
  return Buffer.from(await book.xlsx.writeBuffer());
}
