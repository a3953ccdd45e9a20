/** The office's ledger (台账) files: .xlsx and .csv read into rows of cells, from the header row on. */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../config/plan-files';
import { HEADER_WORDS, type Cell } from '../domain/ledger/columns';

/** A ledger's rows from its header row on, and the sheet row number of that header. */
export async function readLedger(path: string): Promise<{ rows: Cell[][]; headerRow: number }> {
  if (!existsSync(path)) throw new InputError(`文件不存在：${path}`);
  const ext = extname(path).toLowerCase();
  let rows: Cell[][];
  if (ext === '.csv') {
    rows = parseCsv(csvText(readFileSync(path)), { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } else if (ext === '.xlsx') {
    const book = new ExcelJS.Workbook();
    try {
      await book.xlsx.readFile(path);
    } catch (e) {
      throw new InputError(`无法读取 Excel 文件 ${path}：${(e as Error).message}`);
    }
    const sheet = book.worksheets[0];
    if (!sheet) throw new InputError(`${path} 中没有工作表`);
    rows = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => {
      const values = row.values as ExcelJS.CellValue[];
      rows[n - 1] = values.slice(1).map(cellValue);
    });
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  } else {
    throw new InputError(`台账应为 .xlsx 或 .csv: ${path}`);
  }
  // The header is the first row with at least two cells that are known column names (title and note
  // rows may come first; a title merged across the row repeats one text, which counts once).
  const headerIndex = rows.findIndex(
    (r) =>
      new Set(r.map((c) => String(c ?? '').replace(/[\s*＊]|[（(][^)）]*[)）]/g, '')).filter((c) => HEADER_WORDS.includes(c))).size >= 2,
  );
  if (headerIndex < 0)
    throw new InputError(`${path}：找不到表头行（应含“问题”“整改措施”“牵头单位/责任单位”“负责区领导/责任领导”“整改时限/完成时限”等列）`);
  return { rows: rows.slice(headerIndex), headerRow: headerIndex + 1 };
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/** A CSV's text: UTF-8 (with or without BOM), or GB18030/GBK as Excel saves CSV on Chinese Windows. */
export function csvText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
