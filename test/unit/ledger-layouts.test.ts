/**
 * Ledgers as district offices keep them: a title and a note row above the header, offices' own
 * header words, a problem's cell merged over its measures, blank spacer rows, problems numbered
 * 一、/(二)/问题3:, a running 序号, deadlines in words, 整改进展 and 备注 columns, and the emails in a
 * directory file of their own (or a template of it to fill). Every error with its row and column.
 */
import ExcelJS from 'exceljs';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLedger } from '../../client/ledger-files';
import { chinaCalendar } from '../../domain/calendar-data';
import { ledgerNames } from '../../domain/ledger/columns';
import { readDeadline } from '../../domain/ledger/deadlines';
import { directoryTemplate } from '../../domain/ledger/directory-template';
import { ordinalNumber, parseProblem } from '../../domain/ledger/problems';
import { ledgerToPlan } from '../../domain/ledger/to-plan';
import { measureSpecs } from '../../domain/measure';
import { initialState } from '../../domain/measure-state';
import { parseDirectoryText, validatePlanData } from '../../domain/plan/load';
import type { Directory } from '../../domain/plan/schema';
import { initialProgress } from '../../domain/simulate';
import { timeline } from '../../domain/timeline';
import { runCli } from '../helpers/cli';

const FEEDBACK = '2023-10-14';
const dir = () => mkdtempSync(join(tmpdir(), 'rectify-ledger-'));
/** Text as GB18030 bytes (Node decodes it but has no encoder): each character looked up by decoding its two-byte code. */
function gb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) table.set(decoder.decode(Buffer.from([hi, lo])), [hi, lo]);
  return Buffer.from([...text].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : table.get(c)!)));
}
/** `rectify plan import-ledger` with a directory file, as offices run it. */
const importLedger = (ledger: string, directory: string, out: string, id: string, ...more: string[]) =>
  runCli('plan', 'import-ledger', ledger, '--directory', directory, '--out', out, '--id', id, '--feedback-date', FEEDBACK, ...more);

const DIRECTORY: Directory = {
  units: [
    { name: '区委宣传部', emails: ['xcb@liangxi.example.org'] },
    { name: '区委办', emails: ['qwb@liangxi.example.org'] },
    { name: '区财政局', emails: ['czj@liangxi.example.org'] },
    { name: '区机关事务管理局', emails: ['jgsw@liangxi.example.org'] },
    { name: '区发改委', emails: [] },
  ],
  leaders: [
    { role: '区委常委、宣传部部长', email: 'publicity@liangxi.example.org' },
    { role: '区委常委、常务副区长', email: 'edm@liangxi.example.org' },
  ],
  office: { name: '区委巡察办', emails: ['xunchaban@liangxi.example.org'] },
  leadershipGroup: { name: '区委巡视整改工作领导小组', emails: ['leading-group@liangxi.example.org'] },
};

/** The ledger as a district office publishes it. */
async function officeLedger(file: string, change: (sheet: ExcelJS.Worksheet) => void = () => undefined, heading?: string): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('整改台账');
  sheet.addRow(['梁溪区关于省委第二巡视组反馈意见整改落实情况台账']);
  sheet.mergeCells('A1:I1');
  sheet.addRow(['填报单位: 区委巡察办', null, null, null, null, null, '填报日期: 2024年1月5日']);
  sheet.addRow(['序号', '问题', '整改措施', '责任领导', '责任单位', '配合单位', '完成时限', '整改进展', '备注']);
  const rows: (string | number | null)[][] = [
    [
      1,
      '一、学习贯彻党的二十大精神存在差距',
      '一是全面系统学习。开展集体学习。',
      '区委常委、宣传部部长',
      '区委宣传部',
      null,
      '立行立改',
      '已开展集体学习 3 次',
      null,
    ],
    [2, null, '二是长效常治。建立学习制度。', '区委常委、宣传部部长', '区委宣传部', '区委办', '长期坚持', null, '每季度报送'],
    [3, null, '三是深入调研。形成调研报告。', '区委常委、宣传部部长', '区委办', null, '12月底前', null, null],
    [null, null, null, null, null, null, null, null, null],
    [
      4,
      '(二)资产管理较为混乱',
      '一是清查闲置资产。全面摸排。',
      '区委常委、常务副区长',
      '区财政局',
      '区机关事务管理局',
      '2024年3月底前完成摸排;2024年12月底前全面完成',
      '摸排过半',
      null,
    ],
    [5, null, '二是规范资产处置。', '区委常委、常务副区长', '区财政局', null, '2024年一季度', null, null],
    [6, null, '三是完善制度。', '区委常委、常务副区长', '区机关事务管理局', null, '2024年上半年', null, null],
    [7, null, '四是建立台账。', '区委常委、常务副区长', '区财政局', null, '2024年底前', null, null],
  ];
  // A category heading merged across the sheet above the measures, when asked for.
  const shift = heading ? 1 : 0;
  if (heading) {
    sheet.addRow([heading]);
    sheet.mergeCells('A4:I4');
  }
  for (const r of rows) sheet.addRow(r);
  sheet.mergeCells(`B${4 + shift}:B${6 + shift}`);
  sheet.mergeCells(`B${8 + shift}:B${11 + shift}`);
  change(sheet);
  await book.xlsx.writeFile(file);
}

const options = (file: string, extra = {}) => ({
  file,
  id: 'liangxi-office',
  title: '台账导入',
  feedbackDate: FEEDBACK,
  directory: DIRECTORY,
  calendar: chinaCalendar(),
  ...extra,
});

describe('ledgers as offices keep them', () => {
  it('reads a published xlsx ledger: title rows, merged problems, spacer rows, words for deadlines, progress', async () => {
    const file = join(dir(), '台账.xlsx');
    await officeLedger(file);
    const { rows, headerRow } = await readLedger(file);
    expect(headerRow).toBe(3);
    const result = ledgerToPlan(rows, options(file), headerRow);
    expect(result.issues).toEqual([{ file, row: 3, field: '表头', message: '未使用的列：备注（导入时忽略）', severity: 'warning' }]);
    const plan = result.plan!;
    expect(plan.problems).toEqual([
      { no: 1, title: '学习贯彻党的二十大精神存在差距' },
      { no: 2, title: '资产管理较为混乱' },
    ]);
    expect(plan.measures.map((m) => [m.id, m.kind, m.leader, m.leadUnit, m.participants, m.deadline])).toEqual([
      // 立行立改: ten working days after Saturday 14 October 2023 (counted by hand: 16–20, 23–27 October).
      ['1.1', 'immediate', '区委常委、宣传部部长', '区委宣传部', [], '2023-10-27'],
      ['1.2', 'longterm', '区委常委、宣传部部长', '区委宣传部', ['区委办'], undefined],
      // 12月底前 without a year: the first 31 December on or after the feedback date.
      ['1.3', 'deadline', '区委常委、宣传部部长', '区委办', [], '2023-12-31'],
      ['2.1', 'phased', '区委常委、常务副区长', '区财政局', ['区机关事务管理局'], '2024-12-31'],
      ['2.2', 'deadline', '区委常委、常务副区长', '区财政局', [], '2024-03-31'],
      ['2.3', 'deadline', '区委常委、常务副区长', '区机关事务管理局', [], '2024-06-30'],
      ['2.4', 'deadline', '区委常委、常务副区长', '区财政局', [], '2024-12-31'],
    ]);
    expect(plan.measures[3].milestones).toEqual([{ title: '完成摸排', deadline: '2024-03-31' }]);
    expect(plan.measures.map((m) => m.progress)).toEqual([
      '已开展集体学习 3 次',
      undefined,
      undefined,
      '摸排过半',
      undefined,
      undefined,
      undefined,
    ]);
    expect(plan.measures[0].title).toBe('全面系统学习');
    expect(plan.directory).toBe(DIRECTORY);
    const { issues } = validatePlanData(plan, file, () => ({}));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reads a CSV with 问题N: cells, blank cells under a problem, 序号 like 2.3 kept, and other header words', async () => {
    const file = join(dir(), '台账.csv');
    writeFileSync(
      file,
      [
        '序号,问题,具体措施,分管领导,牵头部门,协办单位,完成时间',
        '1.1,问题1: 学习贯彻存在差距,一是全面系统学习。,区委常委、宣传部部长,区委宣传部,,2024年6月30日',
        '1.3,,二是长效常治。,区委常委、宣传部部长,区委宣传部,区委办,常态长效',
        ',问题2：资产管理较为混乱,一是清查。,区委常委、常务副区长,区财政局,,2024/3/31',
      ].join('\n'),
    );
    const { rows, headerRow } = await readLedger(file);
    const result = ledgerToPlan(rows, options(file), headerRow);
    expect(result.issues).toEqual([]);
    expect(result.plan!.measures.map((m) => [m.id, m.problem, m.kind, m.deadline])).toEqual([
      ['1.1', 1, 'deadline', '2024-06-30'],
      ['1.3', 1, 'longterm', undefined],
      ['2.1', 2, 'deadline', '2024-03-31'],
    ]);
  });

  it('skips a category heading merged across the row, and keeps ids written as text only', async () => {
    const file = join(dir(), '台账.xlsx');
    await officeLedger(
      file,
      (sheet) => {
        sheet.getCell('A5').value = 3.1; // Excel's number for "3.10": not trusted
        sheet.getCell('A6').value = '1.20';
      },
      '一、党的政治建设方面',
    );
    const { rows, headerRow } = await readLedger(file);
    const result = ledgerToPlan(rows, options(file), headerRow);
    expect(result.issues.filter((i) => i.severity === 'warning').map((i) => [i.row, i.message])).toContainEqual([
      4,
      '当作分类标题，不是措施：一、党的政治建设方面',
    ]);
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.plan!.measures.slice(0, 3).map((m) => m.id)).toEqual(['1.1', '1.20', '1.3']);
  });

  it('a CSV saved by Excel on Chinese Windows (GB18030) reads the same', async () => {
    const file = join(dir(), '台账.csv');
    const text = [
      '序号,问题,整改措施,责任领导,责任单位,完成时限',
      '1,一、学习贯彻存在差距,一是全面系统学习。,区委常委、宣传部部长,区委宣传部,2024年6月30日',
    ].join('\r\n');
    writeFileSync(file, gb18030(text));
    const { rows, headerRow } = await readLedger(file);
    expect(ledgerToPlan(rows, options(file), headerRow).plan!.measures[0]).toMatchObject({
      id: '1.1',
      leadUnit: '区委宣传部',
      deadline: '2024-06-30',
    });
  });

  it('names the row and column of every cell it cannot use, and of the first appearance of a name the directory lacks', async () => {
    const file = join(dir(), '台账.xlsx');
    await officeLedger(file, (sheet) => {
      sheet.getCell('G7').value = '尽快';
      sheet.getCell('E9').value = '区不存在局';
      sheet.getCell('D10').value = '副区长';
      sheet.getCell('D11').value = '副区长';
    });
    const { rows, headerRow } = await readLedger(file);
    const result = ledgerToPlan(rows, options(file), headerRow);
    expect(result.issues.filter((i) => i.severity === 'error').map((i) => [i.row, i.field, i.message.split('（')[0]])).toEqual([
      [7, '完成时限', '无法识别的时限：尽快'],
      [9, '责任单位', '名录中没有单位“区不存在局”'],
      [10, '责任领导', '名录中没有区领导“副区长”'],
    ]);
  });

  it('the CLI writes the plan from the ledger and the directory file, and nothing when there is an error', async () => {
    const d = dir();
    const ledger = join(d, '台账.xlsx');
    await officeLedger(ledger);
    const directory = join(d, '名录.yaml');
    writeFileSync(directory, `directory:\n${JSON.stringify(DIRECTORY)}`.replace('directory:\n{', 'directory: {'));
    const out = join(d, 'plan.yaml');
    const ok = await importLedger(ledger, directory, out, 'liangxi-office');
    expect([ok.code, ok.out]).toEqual([0, `${out}：2个问题，7项整改措施`]);
    expect(ok.err).toContain('未使用的列：备注（导入时忽略）');
    expect(readFileSync(out, 'utf8')).toContain('progress: 已开展集体学习 3 次');
    expect((await runCli('plan', 'check', out)).code).toBe(0);

    const broken = join(d, 'broken.xlsx');
    await officeLedger(broken, (sheet) => (sheet.getCell('G7').value = '尽快'));
    const out2 = join(d, 'plan2.yaml');
    const bad = await importLedger(broken, directory, out2, 'x');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`错误 ${broken} 第7行 完成时限：无法识别的时限：尽快`);
    expect(existsSync(out2)).toBe(false);

    const days = await runCli(
      'plan',
      'import-ledger',
      ledger,
      '--directory',
      directory,
      '--out',
      join(d, 'p3.yaml'),
      '--id',
      'x',
      '--feedback-date',
      FEEDBACK,
      '--immediate-days',
      '5',
    );
    expect(days.code).toBe(0);
    expect(readFileSync(join(d, 'p3.yaml'), 'utf8')).toContain('deadline: 2023-10-20');
  });

  it('a directory template lists every unit and leader with blank emails; filled in, it imports', async () => {
    const d = dir();
    const ledger = join(d, '台账.xlsx');
    await officeLedger(ledger);
    const template = join(d, '名录.yaml');
    const made = await runCli('plan', 'import-ledger', ledger, '--directory-template', template);
    expect([made.code, made.out]).toEqual([0, `${template}：4个单位，2位区领导；请填写邮箱后用“--directory ${template}”导入`]);
    const text = readFileSync(template, 'utf8');
    expect(text).toContain('- name: "区机关事务管理局"');
    // Unfilled, it names the first blank with its line.
    const unfilled = parseDirectoryText(text, template);
    expect(unfilled.directory).toBeUndefined();
    expect(unfilled.issues[0]).toMatchObject({ file: template, line: expect.any(Number), field: expect.stringContaining('directory.') });
    const filled = text
      .replace(/emails: \[\]/g, 'emails: [someone@liangxi.example.org]')
      .replace(/email: ''/g, 'email: leader@liangxi.example.org');
    writeFileSync(template, filled);
    const out = join(d, 'plan.yaml');
    const ok = await importLedger(ledger, template, out, 'liangxi-office');
    expect(ok.code).toBe(0);
    expect(
      ledgerNames(
        [
          ['责任单位', '责任领导'],
          ['区甲', '领导乙'],
        ],
        'x.csv',
      ).units,
    ).toEqual(['区甲']);
    expect(directoryTemplate({ units: ['区甲'], leaders: [] }, 'x.json')).toContain('"name": "区甲"');
  });

  it('the ledger’s 整改进展 is the measure’s first note, the lead unit’s, on its timeline', async () => {
    const file = join(dir(), '台账.xlsx');
    await officeLedger(file);
    const { rows, headerRow } = await readLedger(file);
    const { plan } = validatePlanData(ledgerToPlan(rows, options(file), headerRow).plan, file, () => ({}));
    const [spec] = measureSpecs(plan!, '2024-01-05');
    const at = Date.parse('2024-01-05T02:00:00Z');
    const state = initialState(spec, initialProgress(spec, at), at);
    expect(timeline(state).map((e) => [e.who, e.what])).toEqual([
      [undefined, '开始跟踪本措施（整改任务下达）'],
      ['单位·区委宣传部', '台账所载进展，说明：已开展集体学习3次'],
    ]);
  });
});

describe('problem cells and deadline words', () => {
  it.each([
    ['一、学习贯彻', { no: 1, title: '学习贯彻' }],
    ['(十二)资产管理', { no: 12, title: '资产管理' }],
    ['(二十)整改', { no: 20, title: '整改' }],
    ['问题3:基层党建', { no: 3, title: '基层党建' }],
    ['问题三、基层党建', { no: 3, title: '基层党建' }],
    ['4. 作风建设', { no: 4, title: '作风建设' }],
    ['5', { no: 5, title: '' }],
    ['十分重视不够', { no: undefined, title: '十分重视不够' }],
    ['12345热线办理不及时', { no: undefined, title: '12345热线办理不及时' }],
    ['2023年以来整改不力', { no: undefined, title: '2023年以来整改不力' }],
    ['5G基站建设滞后', { no: undefined, title: '5G基站建设滞后' }],
    ['5 作风建设', { no: 5, title: '作风建设' }],
    ['关于“争先进位劲头不足”问题', { no: undefined, title: '争先进位劲头不足' }],
  ])('%s', (cell, expected) => {
    expect(parseProblem(cell)).toEqual(expected);
  });

  it('ordinals', () => {
    expect(['一', '九', '十', '十一', '二十', '九十九', '百', '一二'].map(ordinalNumber)).toEqual([
      1,
      9,
      10,
      11,
      20,
      99,
      undefined,
      undefined,
    ]);
  });

  it.each([
    ['2024年3月31日', { kind: 'deadline', deadline: '2024-03-31', milestones: [] }],
    ['2024年底前', { kind: 'deadline', deadline: '2024-12-31', milestones: [] }],
    ['2024年二季度', { kind: 'deadline', deadline: '2024-06-30', milestones: [] }],
    ['2024年下半年', { kind: 'deadline', deadline: '2024-12-31', milestones: [] }],
    ['3月底前', { kind: 'deadline', deadline: '2024-03-31', milestones: [] }],
    ['11月30日前', { kind: 'deadline', deadline: '2023-11-30', milestones: [] }],
    ['立行立改', { kind: 'immediate', milestones: [] }],
    ['立行立改,2023年11月底前', { kind: 'immediate', deadline: '2023-11-30', milestones: [] }],
    ['持续推进', { kind: 'longterm', milestones: [] }],
    ['2024年年底前', { kind: 'deadline', deadline: '2024-12-31', milestones: [] }],
    ['6月15号前', { kind: 'deadline', deadline: '2024-06-15', milestones: [] }],
    ['\uFF12\uFF10\uFF12\uFF14年\uFF13月\uFF13\uFF11日', { kind: 'deadline', deadline: '2024-03-31', milestones: [] }],
    // As the live ledger writes a deadline on a day off, and a phased measure's stages (it imports back).
    ['2024年6月30日（逢休息日，2024年6月28日到期）', { kind: 'deadline', deadline: '2024-06-30', milestones: [] }],
    [
      '2024年3月31日前完成摸排；2024年6月30日（逢休息日，2024年6月28日到期）',
      { kind: 'phased', deadline: '2024-06-30', milestones: [{ title: '完成摸排', deadline: '2024-03-31' }] },
    ],
    [
      '2025年3月底前完成摸排;6月底前全面完成',
      { kind: 'phased', deadline: '2025-06-30', milestones: [{ title: '完成摸排', deadline: '2025-03-31' }] },
    ],
    [
      '2024年3月底前完成摸排;2024年6月底前完成清理;2024年12月底前全面完成',
      {
        kind: 'phased',
        deadline: '2024-12-31',
        milestones: [
          { title: '完成摸排', deadline: '2024-03-31' },
          { title: '完成清理', deadline: '2024-06-30' },
        ],
      },
    ],
  ])('%s', (cell, expected) => {
    expect(readDeadline(cell, FEEDBACK)).toEqual(expected);
  });

  it('a cell it cannot read is a problem that quotes it', () => {
    expect(readDeadline('尽快完成', FEEDBACK)).toEqual({ problem: expect.stringContaining('无法识别的时限：尽快完成') });
  });
});
