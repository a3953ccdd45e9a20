/**
 * The report's figures as a spreadsheet (汇总, 措施, 逾期, 延期, 回头看). The ledger's own
 * spreadsheet is documents/ledger-sheet.ts.
 */
import ExcelJS from 'exceljs';
import type { ProgressReport } from '../domain/report/model';

type Cell = string | number;

function sheet(book: ExcelJS.Workbook, name: string, head: string[], rows: Cell[][], widths: number[] = []): void {
  const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(head).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  head.forEach((h, i) => (ws.getColumn(i + 1).width = widths[i] ?? Math.max(10, h.length * 2 + 2)));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: head.length } };
}

async function buffer(book: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function reportXlsx(r: ProgressReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'rectify';
  const t = r.totals;
  sheet(
    book,
    '汇总',
    ['项目', '数值'],
    [
      ['截至', r.asOfZh],
      ['问题总数', t.problems],
      ['已整改销号的问题', t.problemsClosed],
      ['分阶段推进、持续整改的问题', t.problemsContinuing],
      ['有逾期措施的问题', t.problemsOverdue],
      ['措施总数', t.measures],
      ['已完成（销号）', t.closed],
      ['已提交待核验', t.submitted],
      ['正在推进', t.active],
      ['长期坚持', t.longterm],
      ['逾期未完成', t.overdue],
      ['整改完成率', t.completionRate],
      ['批准延期', r.extensions.length],
      ['回头看', r.lookback.reviews],
      ['回头看·巩固', r.lookback.sustained],
      ['回头看·反弹回潮', r.lookback.relapsed],
    ],
    [30, 16],
  );
  sheet(
    book,
    '措施',
    [
      '问题序号',
      '问题',
      '序',
      '措施编号',
      '整改措施',
      '类别',
      '牵头单位',
      '负责区领导',
      '整改时限',
      '状态',
      '剩余工作日',
      '最新进展日期',
      '最新进展',
    ],
    r.problems.flatMap((p) =>
      p.measures.map((m) => [
        p.no,
        p.title,
        m.ordinal,
        m.id,
        m.title,
        m.kindLabel,
        m.leadUnit,
        m.leader,
        m.deadline,
        m.statusLabel,
        m.workdaysLeft ?? '',
        m.latest?.date ?? '',
        [m.latest?.text ?? '', ...(m.latest?.links ?? [])].filter(Boolean).join('\n'),
      ]),
    ),
    [8, 30, 6, 10, 40, 12, 20, 20, 16, 14, 10, 16, 60],
  );
  sheet(
    book,
    '逾期',
    ['措施编号', '整改措施', '牵头单位', '负责区领导', '整改时限', '逾期工作日'],
    r.overdue.map((m) => [m.id, m.title, m.leadUnit, m.leader, m.deadline, -(m.workdaysLeft ?? 0)]),
    [10, 40, 20, 20, 16, 12],
  );
  sheet(
    book,
    '延期',
    ['措施编号', '整改措施', '牵头单位', '原时限', '新时限', '批准日期', '理由'],
    r.extensions.map((e) => [e.id, e.title, e.leadUnit, e.from ?? '', e.to, e.date, e.reason ?? '']),
    [10, 40, 20, 16, 16, 16, 40],
  );
  sheet(
    book,
    '回头看',
    ['专项', '核查', '巩固', '反弹回潮', '尚在核查'],
    [
      ['全部', r.lookback.reviews, r.lookback.sustained, r.lookback.relapsed, r.lookback.pending],
      ...r.lookback.campaigns.map((c) => [c.name, c.reviews, c.sustained, c.relapsed, c.pending]),
    ],
    [24, 10, 10, 10, 10],
  );
  return buffer(book);
}
