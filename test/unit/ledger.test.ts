import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLedger } from '../../client/ledger-files';
import type { Cell } from '../../domain/ledger/columns';
import { parseDates } from '../../domain/ledger/deadlines';
import { ledgerToPlan } from '../../domain/ledger/to-plan';
import { validatePlanData } from '../../domain/plan/load';

const CSV = join(__dirname, '../fixtures/ledger.csv');
const OPTIONS = {
  id: 'liangxi-ledger',
  title: '台账导入',
  feedbackDate: '2023-10-14',
  office: { name: '区委巡察办', emails: ['xunchaban@liangxi.example.org'] },
  leadershipGroup: { name: '领导小组', emails: ['leading-group@liangxi.example.org'] },
};

describe('ledger import', () => {
  it('reads a CSV ledger with a title row and free header order into a valid plan', async () => {
    const { rows, headerRow } = await readLedger(CSV);
    expect(headerRow).toBe(2);
    const result = ledgerToPlan(rows, { ...OPTIONS, file: CSV }, headerRow);
    expect(result.issues).toEqual([]);
    const plan = result.plan!;
    expect(plan.problems).toEqual([
      { no: 2, title: '争先进位劲头不足' },
      { no: 22, title: '‘四风’问题未得到根本遏制' },
      { no: 23, title: '问题23' },
    ]);
    expect(plan.measures.map((m) => [m.id, m.title, m.kind, m.leadUnit, m.deadline])).toEqual([
      ['2.1', '健全政策机制', 'deadline', '区发改委', '2024-06-30'],
      ['2.2', '全力稳定外资', 'phased', '区商务局', '2024-12-31'],
      ['22.1', '严惩违规吃喝歪风', 'longterm', '区纪委监委', undefined],
      ['23.1', '修订完善制度', 'immediate', '区委办', '2023-12-31'],
    ]);
    expect(plan.measures[1].milestones).toEqual([{ title: '完成摸排', deadline: '2024-03-31' }]);
    expect(plan.measures[0].participants).toEqual(['区财政局', '区商务局']);
    expect(plan.directory.units.find((u) => u.name === '区商务局')?.emails).toEqual(['swj@liangxi.example.org']);
    expect(plan.directory.leaders).toContainEqual({ role: '区委常委、常务副区长', email: 'edm@liangxi.example.org' });
    const { issues } = validatePlanData(plan, CSV, () => ({}));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reads an .xlsx ledger (dates as Excel dates, rich text) the same way', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('台账');
    sheet.addRow(['整改时限', '问题', '整改措施', '负责区领导', '牵头单位', '联系邮箱', '负责区领导邮箱', '类型']);
    sheet.addRow([
      new Date(Date.UTC(2024, 5, 28)),
      '1. 学习贯彻存在差距',
      { richText: [{ text: '一是全面系统学习。' }, { text: '开展集体学习。' }] },
      '区委常委、宣传部部长',
      '区委宣传部',
      'xcb@liangxi.example.org',
      'publicity@liangxi.example.org',
      '限期',
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'rectify-')), 'ledger.xlsx');
    await book.xlsx.writeFile(file);
    const { rows, headerRow } = await readLedger(file);
    const result = ledgerToPlan(rows, { ...OPTIONS, file }, headerRow);
    expect(result.issues).toEqual([]);
    expect(result.plan!.measures[0]).toMatchObject({
      id: '1.1',
      title: '全面系统学习',
      text: '一是全面系统学习。开展集体学习。',
      deadline: '2024-06-28',
      kind: 'deadline',
    });
  });

  it('names the row and column of every bad cell and builds no plan from them', () => {
    const rows: Cell[][] = [
      ['问题', '整改措施', '类型', '负责区领导', '牵头单位', '整改时限', '联系邮箱', '负责区领导邮箱'],
      ['1', '一是甲。', '马上办', '区长', '区发改委', '2024年6月底', 'a@example.org', 'mayor@example.org'],
      ['1', '二是乙。', '限期', '区长', '区发改委', '六月底', 'a@example.org', 'mayor@example.org'],
      ['1', '三是丙。', '限期', '副区长', '区发改委', '2024-06-30', 'a@example.org', ''],
    ];
    const { issues } = ledgerToPlan(rows, { ...OPTIONS, file: 'ledger.csv' });
    expect(issues.map((i) => [i.row, i.field, i.message])).toEqual([
      [2, '类型', '无法识别的整改类型：马上办'],
      [3, '整改时限', expect.stringContaining('无法识别的时限：六月底')],
      [4, '负责区领导邮箱', '缺少负责区领导的邮箱：副区长（或用 --directory 指定名录文件）'],
    ]);
  });

  it('what the fuzzing found: a cell that is a date no calendar has (Invalid Date) is a finding at its row, not a crash', () => {
    const rows: Cell[][] = [
      ['问题', '整改措施', '类型', '负责区领导', '牵头单位', '整改时限', '联系邮箱', '负责区领导邮箱'],
      ['1', '一是甲。', '限期', '区长', '区发改委', new Date(NaN), 'a@example.org', 'mayor@example.org'],
      ['1', '二是乙。', '限期', '区长', new Date(NaN), '2024-06-30', 'a@example.org', 'mayor@example.org'],
    ];
    const { issues } = ledgerToPlan(rows, { ...OPTIONS, file: 'ledger.csv' });
    expect(issues.map((i) => [i.row, i.field, i.message])).toEqual([[2, '整改时限', expect.stringMatching(/^无法识别的时限：无效日期/)]]);
    expect(ledgerToPlan(rows, { ...OPTIONS, file: 'ledger.csv' }).plan?.measures[1].leadUnit).toBe('无效日期');
    expect(parseDates(new Date(NaN))).toEqual([]);
  });

  it('names a missing required column', () => {
    const { issues, plan } = ledgerToPlan([['问题', '整改措施', '负责区领导', '整改时限']], { ...OPTIONS, file: 'x.csv' });
    expect(plan).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ row: 1, field: '表头', message: expect.stringContaining('缺少“牵头单位”列') })]);
  });

  it('understands the date forms ledgers use', () => {
    const dates = (s: string) => parseDates(s).map((d) => d.date);
    expect(dates('2024-03-31')).toEqual(['2024-03-31']);
    expect(dates('2024/3/5')).toEqual(['2024-03-05']);
    expect(dates('2024年3月5日')).toEqual(['2024-03-05']);
    expect(dates('2024年2月底前')).toEqual(['2024-02-29']);
    expect(dates('2024年底')).toEqual(['2024-12-31']);
    expect(dates('2024年上半年')).toEqual(['2024-06-30']);
    expect(dates('2024年第三季度')).toEqual(['2024-09-30']);
    expect(dates('2024-02-30')).toEqual([]);
    expect(dates('长期坚持')).toEqual([]);
  });
});
