/**
 * The live ledger out, on a real dev server with the sample plan (124 measures): `rectify ledger
 * export` to xlsx and csv, read back and compared row by row with `rectify status --json`; the
 * spreadsheet's print setup; and the round trip: the exported file imported again with
 * `plan import-ledger` and the plan's own directory gives the same measures.
 */
import ExcelJS from 'exceljs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { FileOutbox } from '../../activities/outbox';
import { loadPlan } from '../../config/plan-files';
import { EXPORT_COLUMNS } from '../../domain/report/ledger-export';
import { chinaCalendar } from '../../domain/calendar-data';
import { officialText } from '../../domain/typography';
import { deadlineWords } from '../../domain/measure-words';
import { localDate } from '../../domain/dates';
import { LIGHT_LABELS, STATUS_LABELS } from '../../domain/vocabulary';
import { runCli } from '../helpers/cli';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const SAMPLE = resolve(__dirname, '../../config/plans/liangxi-2023.yaml');
const calendar = chinaCalendar({ unpublishedYears: 'statutory' });

interface StatusRow {
  measureId: string;
  workdaysLeft?: number;
  status: keyof typeof STATUS_LABELS;
  trafficLight: keyof typeof LIGHT_LABELS;
  leadUnit: string;
  leader: string;
  deadline?: string;
}

describe('the live ledger out', () => {
  let stack: DevStack;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-ledger-out-'));
  const { plan } = loadPlan(SAMPLE);

  beforeAll(async () => {
    stack = await startDevStack(dir, { delivery: new FileOutbox(join(dir, 'outbox')) });
    expect((await runCli('start', SAMPLE)).code).toBe(0);
    // A few lives: progress, a close-out, an extension.
    for (const argv of [
      ['progress', '2.1', '--as', 'unit:区发改委', '--note', '已出台若干政策措施'],
      ['complete', '2.2', '--as', `unit:${plan.measures.find((m) => m.id === '2.2')!.leadUnit}`, '--evidence', '印发文件'],
      ['verify', '2.2', '--as', 'office:督查科', '--accept'],
    ]) {
      const r = await runCli(...argv);
      expect([argv.join(' '), r.code, r.err]).toEqual([argv.join(' '), 0, '']);
    }
    await eventually(
      async () => JSON.parse((await runCli('status', '--json')).out) as StatusRow[],
      (rows) => rows.filter((r) => r.trafficLight).length === 124 && rows.find((r) => r.measureId === '2.2')?.status === 'closed',
      300,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('exports xlsx and csv whose every row agrees with rectify status --json', async () => {
    const xlsx = join(dir, '台账.xlsx');
    const out = await runCli('ledger', 'export', '--out', xlsx);
    expect([out.code, out.err]).toEqual([
      0,
      `已写入 ${xlsx}：${plan.title}整改台账（截至${out.err.match(/截至(\d+年\d+月\d+日)/)![1]}），124项措施`,
    ]);
    const status = JSON.parse((await runCli('status', '--json')).out) as StatusRow[];
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsx);
    const ws = book.worksheets[0];
    expect(String(ws.getCell(1, 1).value)).toMatch(/^.+整改台账（截至\d{4}年\d+月\d+日）$/);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(EXPORT_COLUMNS.map((c) => c.title));
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', printTitlesRow: '2:2' });
    expect(ws.autoFilter).toBe(`A2:${String.fromCharCode(64 + EXPORT_COLUMNS.length)}2`);
    const col = (title: string) => EXPORT_COLUMNS.findIndex((c) => c.title === title) + 1;
    expect(ws.rowCount).toBe(2 + 124);
    for (let n = 3; n <= ws.rowCount; n++) {
      const row = ws.getRow(n);
      const id = String(row.getCell(col('编号')).value);
      const s = status.find((x) => x.measureId === id)!;
      const light = s.status === 'closed' ? '已销号' : LIGHT_LABELS[s.trafficLight];
      expect([id, row.getCell(col('状态')).value, row.getCell(col('红黄绿灯')).value, row.getCell(col('牵头单位')).value]).toEqual([
        id,
        STATUS_LABELS[s.status],
        light,
        s.leadUnit,
      ]);
      const fill = row.getCell(col('红黄绿灯')).fill as ExcelJS.FillPattern;
      expect(fill.fgColor?.argb).toMatch(/^FF[0-9A-F]{6}$/);
      // The cell gives the deadline as written and, where it differs, the day status says it falls due
      // (the one rule: a deadline on a day off falls due on the working day before it), as deadlineWords says it.
      const cell = String(row.getCell(col('整改时限')).value);
      const last = cell.split('；').at(-1)!;
      const due = s.deadline ? localDate(Date.parse(s.deadline), 'Asia/Shanghai') : undefined;
      const written = /^(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(last);
      const writtenIso = written ? `${written[1]}-${written[2].padStart(2, '0')}-${written[3].padStart(2, '0')}` : undefined;
      expect([id, last]).toEqual([id, due ? deadlineWords(writtenIso, due) : '长期坚持']);
      if (due) expect([id, calendar.onOrBefore(writtenIso!)]).toEqual([id, due]);
      expect([id, row.getCell(col('剩余/逾期工作日')).value ?? '']).toEqual([id, s.status === 'closed' ? '' : (s.workdaysLeft ?? '')]);
    }
    const progress = ws.getRow(3 + status.findIndex((x) => x.measureId === '2.1'));
    expect(progress.getCell(col('最新进展')).value).toBe('已出台若干政策措施。');

    const csv = join(dir, '台账.csv');
    expect((await runCli('ledger', 'export', '--out', csv)).code).toBe(0);
    const lines = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(125);
    expect(lines[0]).toBe(`\uFEFF${EXPORT_COLUMNS.map((c) => c.title).join(',')}`);
    expect((await runCli('ledger', 'export', '--out', join(dir, 'x.pdf'))).err).toContain(
      `rectify: --out 应为 .xlsx 或 .csv 文件：${join(dir, 'x.pdf')}`,
    );
  });

  it('the exported ledger imports back as the same measures', async () => {
    const xlsx = join(dir, '回环.xlsx');
    expect((await runCli('ledger', 'export', '--out', xlsx)).code).toBe(0);
    const directory = join(dir, '名录.yaml');
    writeFileSync(directory, stringify({ directory: plan.directory }));
    const again = join(dir, 'again.yaml');
    const imported = await runCli(
      'plan',
      'import-ledger',
      xlsx,
      '--directory',
      directory,
      '--out',
      again,
      '--id',
      plan.id,
      '--feedback-date',
      plan.feedbackDate,
      '--provisional',
    );
    expect([imported.code, imported.out]).toEqual([0, `${again}：34个问题，124项整改措施`]);
    const back = loadPlan(again).plan;
    // The ledger prints the plan's texts in official punctuation (officialText); they come back so.
    expect(back.problems).toEqual(plan.problems.map((p) => ({ ...p, title: officialText(p.title) })));
    const fields = (m: (typeof plan.measures)[number]) => ({
      id: m.id,
      problem: m.problem,
      title: officialText(m.title),
      text: officialText(m.text),
      kind: m.kind,
      leader: m.leader,
      leadUnit: m.leadUnit,
      participants: m.participants,
      deadline: m.kind === 'longterm' ? undefined : m.deadline,
      milestones: m.kind === 'phased' ? m.milestones : undefined,
    });
    expect(back.measures.map(fields)).toEqual(plan.measures.map(fields));
  });
});
