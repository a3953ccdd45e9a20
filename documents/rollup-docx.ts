/**
 * The roll-up report (巡视整改进展情况汇总表) as a Word document, in the official form of the
 * district report (documents/official-docx.ts) on a landscape page: the title, a paragraph of the
 * totals in the report's phrasing, and the table of districts with the totals' row; the columns
 * are the roll-up's own (domain/rollup.ts ROLLUP_COLUMNS).
 */
import type { Paragraph, Table } from 'docx';
import { LATEST_REPORT_LABEL, ROLLUP_COLUMNS, rollupSummary, rollupTable, type Rollup } from '../domain/rollup';
import { body, LANDSCAPE_TEXT_MM, officialDocx, table, titleBlock } from './official-docx';

const RATE = ROLLUP_COLUMNS.find((c) => c.key === 'completionRate')!.label;

export async function rollupDocx(r: Rollup, o: { title: string }): Promise<Buffer> {
  const t = rollupTable(r);
  const children: (Paragraph | Table)[] = [
    ...titleBlock(`${o.title}巡视整改进展情况汇总表`, `（截至${t.asOfZh}）`),
    ...body(rollupSummary(r)),
    table(
      ['地区（计划）', ...t.head],
      [...t.rows.map((d) => [[d.name, d.planId], ...d.cells.map(String)]), [t.totals.name, ...t.totals.cells.map(String)]],
      // The district's name and the date the widest; a rate (33.3%) whole on its line; counts narrow.
      [36, ...t.head.map((h) => (h === LATEST_REPORT_LABEL ? 42 : h === RATE ? 19 : 14))],
      LANDSCAPE_TEXT_MM,
    ),
  ];
  return officialDocx({ title: `${o.title}巡视整改进展情况汇总表`, description: `截至${t.asOfZh}`, children, landscape: true });
}
