import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SAMPLE_PLAN } from '../../client/cli';
import { runCli } from '../helpers/cli';
import { buildSamplePlan, SAMPLE_COMMENT } from '../../scripts/sample-plan';
import { planText } from '../../client/plan-files';

const SEED = join(__dirname, '../fixtures/liangxi-2023-rectification-progress-report.txt');
const SMALL = join(__dirname, '../fixtures/small-plan.yaml');

const run = runCli;

const tmp = () => mkdtempSync(join(tmpdir(), 'rectify-cli-'));

describe('rectify CLI', () => {
  it('plan check accepts the sample plan', async () => {
    const r = await run('plan', 'check', SAMPLE_PLAN);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain('34 个问题, 124 项整改措施');
  });

  it('plan check lists every error with file and line, and exits 1', async () => {
    const file = join(tmp(), 'broken.yaml');
    writeFileSync(file, readFileSync(SMALL, 'utf8').replace('leadUnit: 区财政局', 'leadUnit: 区财务局').replace('kind: deadline', 'kind: later'));
    const r = await run('plan', 'check', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`错误 ${file}:\\d+ measures\\[0\\]\\.kind \\(措施 1\\.1\\): 类型应为`));
    expect(r.err).toMatch(new RegExp(`错误 ${file}:\\d+ measures\\[1\\]\\.leadUnit \\(措施 1\\.2\\): 牵头单位不在名录中: 区财务局`));
    expect(r.err).toContain('计划有 2 处错误,未做任何改动');
  });

  it('plan from-report drafts a plan of 34 problems and 124 measures', async () => {
    const out = join(tmp(), 'draft.yaml');
    const r = await run('plan', 'from-report', SEED, '--out', out, '--id', 'liangxi-2023');
    expect(r.code).toBe(0);
    const draft = parse(readFileSync(out, 'utf8'));
    expect(draft.problems).toHaveLength(34);
    expect(draft.measures).toHaveLength(124);
    expect(draft.feedbackDate).toBe('2023-10-14');
    expect(draft.measures[4]).toMatchObject({ id: '2.2', title: '全力稳定外资', problem: 2 });
  });

  it('plan from-report on a file that is no report writes nothing', async () => {
    const dir = tmp();
    const input = join(dir, 'notes.txt');
    writeFileSync(input, '会议纪要\n');
    const r = await run('plan', 'from-report', input, '--out', join(dir, 'out.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${input}: 未找到编号的问题标题`);
    expect(existsSync(join(dir, 'out.yaml'))).toBe(false);
  });

  it('plan import-ledger writes a valid plan, or nothing when a row is bad', async () => {
    const dir = tmp();
    const flags = ['--id', 'ledger', '--feedback-date', '2023-10-14', '--office-email', 'xunchaban@liangxi.example.org', '--leadership-email', 'lg@liangxi.example.org'];
    const good = await run('plan', 'import-ledger', join(__dirname, '../fixtures/ledger.csv'), '--out', join(dir, 'plan.json'), ...flags);
    expect(good.code).toBe(0);
    expect((await run('plan', 'check', join(dir, 'plan.json'))).code).toBe(0);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, readFileSync(join(__dirname, '../fixtures/ledger.csv'), 'utf8').replace('fgw@liangxi.example.org', 'fgw-at-liangxi'));
    const r = await run('plan', 'import-ledger', bad, '--out', join(dir, 'bad.yaml'), ...flags);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`错误 ${bad} 第\\d+行 directory\\.units\\[0\\]\\.emails\\[0\\]: 邮箱格式错误|错误 ${bad}`));
    expect(existsSync(join(dir, 'bad.yaml'))).toBe(false);
  });

  it('start refuses a broken plan before contacting any server', async () => {
    const file = join(tmp(), 'broken.yaml');
    writeFileSync(file, readFileSync(SMALL, 'utf8').replace('deadline: 2024-06-28', 'deadline: 2023-06-28'));
    const before = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1'; // nothing listens there: a connection attempt would fail differently
    try {
      const r = await run('start', file);
      expect(r.code).toBe(1);
      expect(r.err).toContain('早于反馈日期 2024-01-15');
      expect(r.err).not.toContain('无法连接');
    } finally {
      if (before === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = before;
    }
  });

  it('calendar workdays and calendar add count Chinese working days', async () => {
    const days = await run('calendar', 'workdays', '2024-09-27', '2024-10-14');
    expect(days.out.split('\n')).toEqual(['2024-09-27', '2024-09-29', '2024-09-30', '2024-10-08', '2024-10-09', '2024-10-10', '2024-10-11', '2024-10-12', '2024-10-14']);
    expect((await run('calendar', 'add', '2024-09-30', '1')).out).toBe('2024-10-08');
    expect((await run('calendar', 'add', '2024-10-08', '-2')).out).toBe('2024-09-29');
    const bad = await run('calendar', 'add', '2024-13-01', '1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('<date> 应为 YYYY-MM-DD: 2024-13-01');
  });

  it('simulate lists an ordered schedule, every notice at 09:00 on a working day in Asia/Shanghai', async () => {
    const r = await run('simulate', SAMPLE_PLAN, '--rebase', '2024-01-02', '--from', '2024-01-02', '--days', '365', '--json');
    expect(r.code).toBe(0);
    const schedule: { at: string; measureId: string; kind: string; catchUp: boolean }[] = JSON.parse(r.out);
    expect(schedule.length).toBeGreaterThan(1000);
    expect(schedule.map((n) => n.at)).toEqual([...schedule.map((n) => n.at)].sort());
    const { chinaCalendar } = await import('../../domain/calendar-data');
    const calendar = chinaCalendar();
    const { DateTime } = await import('luxon');
    for (const n of schedule) {
      const local = DateTime.fromISO(n.at, { zone: 'Asia/Shanghai' });
      expect([n.measureId, local.toFormat('HH:mm'), calendar.isWorkday(local.toISODate()!)]).toEqual([n.measureId, '09:00', true]);
    }
    expect(new Set(schedule.map((n) => n.kind))).toEqual(new Set(['reminder', 'final-reminder', 'overdue', 'milestone-reminder', 'milestone-overdue', 'report-reminder', 'report-overdue']));
    const text = await run('simulate', SAMPLE_PLAN, '--rebase', '2024-01-02', '--from', '2024-01-02', '--days', '30');
    expect(text.out.split('\n').at(-1)).toMatch(/^共 \d+ 条通知\(124 项措施, 30 天\)$/);
    expect((await run('simulate', SAMPLE_PLAN, '--days', 'many')).err).toContain('--days 应为正整数: many');
  });

  it('checks a look-back outcome command before contacting any server', async () => {
    expect((await run('lookback', 'record', '1.1', '--round', 'first', '--as', 'office:x', '--sustained', '--notes', 'ok')).err).toContain('--round 应为正整数: first');
    expect((await run('lookback', 'record', '1.1', '--round', '1', '--as', 'office:x', '--notes', 'ok')).err).toContain('请在 --relapsed 和 --sustained 中选一个');
    expect((await run('lookback', 'record', '1.1', '--round', '1', '--as', 'office:x', '--sustained')).err).toContain('缺少 --notes');
    expect((await run('lookback', 'archive')).err).toContain('未知的 lookback 子命令: archive');
  });

  it('rejects unknown commands and options with usage', async () => {
    expect((await run('launch')).code).toBe(2);
    expect((await run('status', '--colour')).err).toContain("Unknown option '--colour'");
  });

  it('ships the sample plan exactly as scripts/sample-plan.ts builds it from the seed report', () => {
    const built = planText(SAMPLE_PLAN, buildSamplePlan(readFileSync(SEED, 'utf8')), SAMPLE_COMMENT);
    expect(readFileSync(SAMPLE_PLAN, 'utf8')).toBe(built);
  });
});
