import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SAMPLE_PLAN } from '../../client/cli';
import { actionLines } from '../../client/cli/acted';
import { runCli } from '../helpers/cli';
import { buildSamplePlan, SAMPLE_COMMENT } from '../../scripts/sample-plan';
import { planText } from '../../config/plan-files';

const SEED = join(__dirname, '../fixtures/liangxi-2023-rectification-progress-report.txt');
const SMALL = join(__dirname, '../fixtures/small-plan.yaml');

const run = runCli;

const tmp = () => mkdtempSync(join(tmpdir(), 'rectify-cli-'));

describe('rectify CLI', () => {
  it('plan check accepts the sample plan', async () => {
    const r = await run('plan', 'check', SAMPLE_PLAN);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain('34个问题，124项整改措施');
  });

  it('plan check lists every error with file and line, and exits 1', async () => {
    const file = join(tmp(), 'broken.yaml');
    writeFileSync(
      file,
      readFileSync(SMALL, 'utf8').replace('leadUnit: 区财政局', 'leadUnit: 区财务局').replace('kind: deadline', 'kind: later'),
    );
    const r = await run('plan', 'check', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`错误 ${file}:\\d+ measures\\[0\\]\\.kind（措施1\\.1）：类型应为`));
    expect(r.err).toMatch(new RegExp(`错误 ${file}:\\d+ measures\\[1\\]\\.leadUnit（措施1\\.2）：牵头单位不在名录中：区财务局`));
    expect(r.err).toContain('计划有2处错误，未做任何改动');
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
    const flags = [
      '--id',
      'ledger',
      '--feedback-date',
      '2023-10-14',
      '--office-email',
      'xunchaban@liangxi.example.org',
      '--leadership-email',
      'lg@liangxi.example.org',
    ];
    const good = await run('plan', 'import-ledger', join(__dirname, '../fixtures/ledger.csv'), '--out', join(dir, 'plan.json'), ...flags);
    expect(good.code).toBe(0);
    expect((await run('plan', 'check', join(dir, 'plan.json'))).code).toBe(0);

    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      readFileSync(join(__dirname, '../fixtures/ledger.csv'), 'utf8').replace('fgw@liangxi.example.org', 'fgw-at-liangxi'),
    );
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
      expect(r.err).toContain('早于反馈日期（2024年1月15日）');
      expect(r.err).not.toContain('无法连接');
    } finally {
      if (before === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = before;
    }
  });

  it('calendar workdays and calendar add count Chinese working days', async () => {
    const days = await run('calendar', 'workdays', '2024-09-27', '2024-10-14');
    expect(days.out.split('\n')).toEqual([
      '2024-09-27',
      '2024-09-29',
      '2024-09-30',
      '2024-10-08',
      '2024-10-09',
      '2024-10-10',
      '2024-10-11',
      '2024-10-12',
      '2024-10-14',
    ]);
    expect((await run('calendar', 'add', '2024-09-30', '1')).out).toBe('2024-10-08');
    expect((await run('calendar', 'add', '2024-10-08', '-2')).out).toBe('2024-09-29');
    const bad = await run('calendar', 'add', '2024-13-01', '1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('<date> 应为 YYYY-MM-DD：2024-13-01');
  });

  describe('calendar import, install and the provisional calendar', () => {
    const NOTICE_2027 = join(__dirname, '../fixtures/notices/2027-newspaper.txt');
    let dir: string;
    const installed = process.env.RECTIFY_CALENDAR_DIR;
    beforeEach(() => {
      dir = tmp();
      process.env.RECTIFY_CALENDAR_DIR = join(dir, 'calendar');
    });
    afterEach(() => {
      process.env.RECTIFY_CALENDAR_DIR = installed;
    });

    it('refuses an unpublished year unless asked for the statutory provisional calendar, and says so', async () => {
      const refused = await run('calendar', 'add', '2026-12-31', '1');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('2027年的节假日安排未收录');
      expect(refused.err).toContain('--provisional');
      const provisional = await run('calendar', 'add', '2027-02-04', '1', '--provisional');
      expect(provisional).toMatchObject({ code: 0, out: '2027-02-11' }); // 除夕 5 Feb to 10 Feb off (初一 and 初二 on the weekend, made up)
      expect(provisional.err).toBe('（按临时日历计算：2027年节假日安排尚未公布，按法定节假日计算，无调休上班日）');
      const days = await run('calendar', 'workdays', '2027-09-30', '2027-10-08', '--provisional');
      expect(days.out.split('\n')).toEqual(['2027-09-30', '2027-10-06', '2027-10-07', '2027-10-08']);
    });

    it('reads a notice into the calendar.years shape: printed, or written as YAML', async () => {
      const printed = await run('calendar', 'import', NOTICE_2027);
      expect(printed.code).toBe(0);
      // console.log is captured; the JSON goes to stdout directly, the summary to stderr.
      expect(printed.err).toContain('2027年节假日安排：放假29天，调休上班5天');
      expect(printed.err).toContain('春节：放假9天，2月5日（周五）至13日（周六）；上班2月14日（周日）');
      const out = join(dir, '2027.yaml');
      const written = await run('calendar', 'import', NOTICE_2027, '--out', out);
      expect(written.code).toBe(0);
      const years = parse(readFileSync(out, 'utf8'));
      expect(years['2027'].workdays).toEqual(['2027-02-14', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09']);
      expect(years['2027'].holidays).toHaveLength(29);
      expect((await run('calendar', 'import', NOTICE_2027, '--out', out)).err).toContain('已存在；确需覆盖请加 --force');
    });

    it('installs a year for the deployment: every command then counts it as published', async () => {
      const r = await run('calendar', 'import', NOTICE_2027, '--install');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`已安装2027年节假日安排：${join(dir, 'calendar', '2027.json')}`);
      expect(r.out).toContain('rectify calendar refresh');
      // The real arrangement, not the statutory guess: 5–13 Feb off, Sunday 14 Feb worked.
      expect(await run('calendar', 'add', '2027-02-04', '1')).toMatchObject({ code: 0, out: '2027-02-14', err: '' });
      expect((await run('calendar', 'import', NOTICE_2027, '--install')).out).toContain('内容相同，未改动');
      const amended = join(dir, 'amended.txt');
      writeFileSync(amended, readFileSync(NOTICE_2027, 'utf8').replace('２月１４日（星期日）上班', '２月２０日（星期六）上班'));
      const refused = await run('calendar', 'import', amended, '--install');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('已有2027年的不同安排；确认以新通知为准请加 --force');
      expect((await run('calendar', 'import', amended, '--install', '--force')).out).toContain('已替换2027年节假日安排');
      expect((await run('calendar', 'add', '2027-02-04', '1')).out).toBe('2027-02-15'); // 14 Feb is off now
    });

    it('installs only a whole year’s notice, unless told the partial one is meant', async () => {
      const amendment = join(dir, 'amendment.txt');
      writeFileSync(
        amendment,
        '国务院办公厅关于调整2027年劳动节假期安排的通知\n劳动节：５月１日（星期六）至５日（星期三）放假调休，共５天。４月２５日（星期日）、５月８日（星期六）上班。\n',
      );
      const refused = await run('calendar', 'import', amendment, '--install');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('通知没有元旦、春节、清明节、端午节、中秋节、国庆节的安排，不像全年的安排');
      expect(existsSync(join(dir, 'calendar'))).toBe(false);
      expect((await run('calendar', 'import', amendment, '--install', '--partial')).out).toContain('已安装2027年节假日安排');
    });

    it('refuses a notice it cannot read, naming the sentence, and writes nothing', async () => {
      const bad = join(dir, 'bad.txt');
      writeFileSync(bad, readFileSync(NOTICE_2027, 'utf8').replace('共５天。４月２５日', '共６天。４月２５日'));
      const out = join(dir, 'bad.json');
      const r = await run('calendar', 'import', bad, '--out', out, '--install');
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${bad} 第8行“劳动节：5月1日（星期六）至5日（星期三）放假调休，共6天。”：写明共6天，但所列放假日期共5天`);
      expect(r.err).toContain('通知有1处无法识别，未做任何改动');
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(dir, 'calendar'))).toBe(false);
    });

    it('refuses an installed year file that is broken, naming the file and the field', async () => {
      mkdirSync(join(dir, 'calendar'));
      writeFileSync(join(dir, 'calendar', '2027.json'), JSON.stringify({ '2027': { holidays: ['2027-02-30'], workdays: [] } }));
      const r = await run('calendar', 'years');
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${join(dir, 'calendar', '2027.json')}: 2027.holidays.0: 不是有效日期`);
    });

    it('plan import-ledger takes deadlines in an unpublished year with --provisional', async () => {
      const ledger = join(dir, 'ledger.csv');
      writeFileSync(ledger, readFileSync(join(__dirname, '../fixtures/ledger.csv'), 'utf8').replace('2024年6月底', '2027年2月10日'));
      const flags = [
        '--id',
        'drill',
        '--feedback-date',
        '2023-10-14',
        '--office-email',
        'xcb@example.org',
        '--leadership-email',
        'ldxz@example.org',
      ];
      const refused = await run('plan', 'import-ledger', ledger, '--out', join(dir, 'refused.yaml'), ...flags);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/错误 .*ledger\.csv 第3行 整改时限：2027年的节假日安排未收录/);
      const out = join(dir, 'plan.yaml');
      const r = await run('plan', 'import-ledger', ledger, '--out', out, ...flags, '--provisional');
      expect(r.code).toBe(0);
      expect(r.err).toContain('2027年节假日安排未收录，该年的日期暂按法定节假日计算工作日（无调休）（结果为临时）');
      expect(parse(readFileSync(out, 'utf8')).calendar).toEqual({ unpublishedYears: 'statutory' });
    });
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
    expect(new Set(schedule.map((n) => n.kind))).toEqual(
      new Set(['reminder', 'final-reminder', 'overdue', 'milestone-reminder', 'milestone-overdue', 'report-reminder', 'report-overdue']),
    );
    const text = await run('simulate', SAMPLE_PLAN, '--rebase', '2024-01-02', '--from', '2024-01-02', '--days', '30');
    expect(text.out.split('\n').at(-1)).toMatch(/^共\d+条通知（124项措施，30天）$/);
    expect((await run('simulate', SAMPLE_PLAN, '--days', 'many')).err).toContain('--days 应为正整数：many');
  });

  it('checks a look-back outcome command before contacting any server', async () => {
    expect((await run('lookback', 'record', '1.1', '--round', 'first', '--as', 'office:x', '--sustained', '--notes', 'ok')).err).toContain(
      '--round 应为正整数：first',
    );
    expect((await run('lookback', 'record', '1.1', '--round', '1', '--as', 'office:x', '--notes', 'ok')).err).toContain(
      '请在 --relapsed 和 --sustained 中选一个',
    );
    expect((await run('lookback', 'record', '1.1', '--round', '1', '--as', 'office:x', '--sustained')).err).toContain('缺少 --notes');
    expect((await run('lookback', 'archive')).err).toContain('未知命令：archive');
  });

  it('rejects unknown commands and options with usage (exit 2), and suggests the command meant', async () => {
    expect(await run('launch')).toMatchObject({ code: 2 });
    expect((await run('strat', 'plan.yaml')).err).toContain('rectify: 未知命令：strat（是不是 start？）');
    const option = await run('status', '--colour');
    expect(option).toMatchObject({ code: 2 });
    expect(option.err).toContain('未知选项：--colour');
    expect((await run('start')).err).toContain('缺少参数：<plan>');
    const group = await run('calendar');
    expect(group.code).toBe(2);
    expect(group.err).toContain('Usage: rectify calendar');
    expect((await run('plan', 'check', 'a.yaml', 'b.yaml')).err).toContain('参数过多：应为1个，给了2个');
  });

  it('explains every command with --help and an example, exit 0', async () => {
    const show = await run('show', '--help');
    expect(show.code).toBe(0);
    expect(show.out).toContain('一项措施：状态、灯、时限和剩余工作日');
    expect(show.out).toContain('示例：\n  rectify show 2.2');
    const top = await run('--help');
    expect(top.code).toBe(0);
    for (const command of [
      'plan',
      'start',
      'status',
      'show',
      'progress',
      'complete',
      'verify',
      'extend',
      'lookback',
      'calendar',
      'policy',
      'dev',
      'worker',
    ]) {
      expect(top.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect((await run('calendar', 'import', '--help')).out).toContain('rectify calendar import 2027年节假日安排通知.txt --install');
    expect((await run()).code).toBe(2);
  });

  it('ships the sample plan exactly as scripts/sample-plan.ts builds it from the seed report', () => {
    const built = planText(SAMPLE_PLAN, buildSamplePlan(readFileSync(SEED, 'utf8')), SAMPLE_COMMENT);
    expect(readFileSync(SAMPLE_PLAN, 'utf8')).toBe(built);
  });
});

describe('progress of long runs', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, s: { isTTY, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream };
  };

  it('a line every tenth in a log, and the last', async () => {
    const { progressReporter } = await import('../../client/cli/common');
    const { written, s } = stream(false);
    const report = progressReporter('启动措施', s);
    for (let i = 1; i <= 1000; i++) report(i, 1000);
    expect(written).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((n) => `启动措施：${n}/1000\n`));
  });

  it('a bar redrawn in place at a terminal; nothing for a small run', async () => {
    const { progressReporter } = await import('../../client/cli/common');
    const { written, s } = stream(true);
    const report = progressReporter('启动措施', s);
    for (let i = 1; i <= 400; i++) report(i, 400);
    expect(written).toHaveLength(101); // 0% to 100%
    expect(written.at(-1)).toBe(`\r启动措施 [${'#'.repeat(30)}] 400/400\n`);
    expect(written[50]).toBe(`\r启动措施 [${'#'.repeat(15)}${'.'.repeat(15)}] 200/400`);
    const small = stream(true);
    const quiet = progressReporter('启动措施', small.s);
    for (let i = 1; i <= 124; i++) quiet(i, 124);
    expect(small.written).toEqual([]);
  });
});

describe('what people type on Chinese keyboards', () => {
  it('--as takes a full-width colon too', async () => {
    const { parseActor } = await import('../../client/actions');
    expect(parseActor('office\uFF1A督查科')).toEqual({ role: 'office', who: '督查科' });
    expect(parseActor('unit:区发改委')).toEqual({ role: 'unit', who: '区发改委' });
  });
});

describe('status at province scale', () => {
  it('counts by plan and lead unit, units with red first', async () => {
    const { statusSummary } = await import('../../client/cli/measure-lines');
    const row = (planId: string, leadUnit: string, trafficLight: string, status = 'active') => ({
      workflowId: `${planId}:${leadUnit}:${Math.random()}`,
      planId,
      leadUnit,
      trafficLight,
      status,
      running: true,
    });
    expect(
      statusSummary([
        row('a-2024', '区发改委', 'green'),
        row('a-2024', '区财政局', 'red'),
        row('a-2024', '区财政局', 'yellow'),
        row('a-2024', '区发改委', 'green', 'closed'),
        row('b-2024', '区委办', 'red'),
      ]),
    ).toEqual([
      '计划 / 牵头单位\t措施\t红灯\t黄灯\t绿灯\t已销号',
      '计划 a-2024\t4\t1\t1\t1\t1',
      '  区财政局\t2\t1\t1\t0\t0',
      '  区发改委\t2\t0\t0\t1\t1',
      '计划 b-2024\t1\t1\t0\t0\t0',
      '  区委办\t1\t1\t0\t0\t0',
    ]);
  });
});

describe('what progress, complete and remind say they did', () => {
  const at = '2024-10-21T01:00:00.000Z';
  const later = '2024-10-21T01:00:01.500Z';
  const office = { role: 'office' as const, who: '督查科' };
  const unit = { role: 'unit' as const, who: '区发改委' };
  const measure = {
    leadUnit: '区发改委',
    leader: '区委常委、常务副区长',
    spec: { milestones: [{ title: '摸排', deadline: '2024-06-28' }] },
    outgoing: [],
    deliveries: [],
  } as unknown as Parameters<typeof actionLines>[1];

  it('remind: the stage urged, and each person the mail reached with their address', () => {
    const d = {
      ...measure,
      audit: [
        {
          at,
          action: 'remind',
          actor: office,
          detail: { stage: 'overdue', level: 1, note: '请本周内报送', audiences: ['leadUnit', 'leader', 'office'] },
        },
      ],
      deliveries: [
        {
          at: later,
          stage: 'v1:event:3:urged',
          kind: 'urged',
          audiences: ['leadUnit', 'leader', 'office'],
          to: [
            { name: '区发改委', email: 'fgw@example.org', audience: 'leadUnit', messageId: '<a@example.org>' },
            { name: '区委常委、常务副区长', email: 'edm@example.org', audience: 'leader', messageId: '<b@example.org>' },
            { name: '区委巡察办', email: 'xb@example.org', audience: 'office', messageId: '<c@example.org>' },
          ],
        },
      ],
    } as unknown as Parameters<typeof actionLines>[1];
    expect(actionLines({ action: 'remind', notice: 'urged' }, d)).toEqual([
      '已催办本措施的当前阶段“逾期督办·第2级”，催办说明写入邮件。',
      '已通知：',
      '  牵头单位·区发改委（fgw@example.org）',
      '  负责区领导·区委常委、常务副区长（edm@example.org）',
      '  巡察办·区委巡察办（xb@example.org）',
    ]);
  });

  it('complete: recorded, and while the mail is still going out, whom it is for, not that it went', () => {
    const audit = [{ at, action: 'submit', actor: unit, detail: { evidence: ['印发文件', '落实台账'] } }];
    const queued = {
      ...measure,
      audit,
      outgoing: [{ kind: 'submitted', audiences: ['office'], event: { actor: unit } }],
    } as unknown as Parameters<typeof actionLines>[1];
    expect(actionLines({ action: 'submit', notice: 'submitted' }, queued)).toEqual([
      '已提交整改完成（佐证材料2项），等待巡察办核验。',
      '邮件正在发出，将通知：巡察办',
    ]);
    const refused = {
      ...measure,
      audit,
      deliveries: [
        {
          at: later,
          stage: 'v1:event:1:submitted',
          kind: 'submitted',
          audiences: ['office'],
          to: [],
          problems: ['区委巡察办 <xb@example.org>: 550 mailbox unavailable'],
        },
      ],
    } as unknown as Parameters<typeof actionLines>[1];
    expect(actionLines({ action: 'submit', notice: 'submitted' }, refused)).toEqual([
      '已提交整改完成（佐证材料2项），等待巡察办核验。',
      '未能送达：区委巡察办 <xb@example.org>: 550 mailbox unavailable（已告知巡察办）',
    ]);
    // A mail of the same kind from before this request is not this one's.
    const earlier = { ...refused, deliveries: [{ ...(refused.deliveries ?? [])[0], at: '2024-10-01T01:00:00.000Z' }] } as typeof refused;
    expect(actionLines({ action: 'submit', notice: 'submitted' }, earlier)).toEqual(['已提交整改完成（佐证材料2项），等待巡察办核验。']);
  });

  it('progress: recorded (the stage it completes), and no mail', () => {
    const d = {
      ...measure,
      audit: [{ at, action: 'progress', actor: unit, detail: { note: '摸排完成', milestone: 0 } }],
    } as unknown as Parameters<typeof actionLines>[1];
    expect(actionLines({ action: 'progress' }, d)).toEqual([
      '已记录进展报送，完成第1阶段“摸排”。进展不另发邮件：记入本措施的经过，巡察办在系统中可以看到。',
    ]);
  });
});
