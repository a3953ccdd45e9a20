/**
 * The roll-up of many plans on a real dev server: three district plans, one taken through the CLI
 * (a measure closed, one submitted), then the roll-up page, `rectify rollup` (text, JSON, Word,
 * Excel) and the downloads: each district's figures equal its own `rectify report --json`, the
 * totals add up, a row opens its plan's desk, sorting by a column, a bad day refused, and the Word
 * report printed through LibreOffice reads as the page does; the weekly digest of every district
 * set by `rectify rollup digest`, sent at once, and read as the city office's mail over real SMTP.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileOutbox } from '../../activities/outbox';
import { planRecords } from '../../client/plan-records';
import { buildWebApp } from '../../client/web/server';
import type { Rollup } from '../../domain/rollup';
import type { ProgressReport } from '../../domain/report/model';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { printToPdf, readPdf, lineTexts } from '../helpers/print';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess, type WebAccess } from '../helpers/web';
import { Browser } from '../helpers/http';
import { storePlan } from '../../client/measures';
import { loadPlan } from '../../config/plan-files';
import { DateTime } from 'luxon';
import { MailDelivery } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer } from '../../activities/mail/transport';
import { chinaCalendar } from '../../domain/calendar-data';
import { plainDateZh } from '../../domain/dates';
import { startTestSmtp } from '../helpers/smtp';

Runtime.install({ logger: new DefaultLogger('WARN') });

const OUT = resolve(__dirname, '../../test-output/rollup');

const district = (id: string, title: string, deadlines: string[]) =>
  drillPlan({
    id,
    title,
    problems: ['高质量发展成效不显', '资产管理较为混乱'],
    measures: [
      ...deadlines.map(
        (d, i) =>
          `{ id: "1.${i + 1}", problem: 1, title: 措施${i + 1}, text: 正文。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: ${i % 2 ? '区财政局' : '区发改委'}, participants: [], deadline: ${d} }`,
      ),
      `{ id: "2.1", problem: 2, title: 坚持长效常治, text: 长期。, kind: longterm, leader: 区委常委、常务副区长, leadUnit: 区委组织部, participants: [], cadence: quarterly }`,
    ],
  });

const PLANS = [
  { id: 'district-a', title: '甲区整改方案', deadlines: ['2024-03-29', '2030-06-28', '2030-09-30'] },
  { id: 'district-b', title: '乙区整改方案', deadlines: ['2024-03-29', '2024-04-30'] },
  { id: 'district-c', title: '丙区整改方案', deadlines: ['2030-06-28'] },
];

describe('the roll-up of many plans on a real server', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let web: FastifyInstance;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-rollup-'));
  const reports = new Map<string, ProgressReport>();
  let access: WebAccess;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    stack = await startDevStack(dir, { delivery: new FileOutbox(join(dir, 'outbox')), plans: (e) => planRecords(e.client) });
    env = stack.env;
    access = webAccess(join(dir, 'web'));
    web = await buildWebApp({ client: env.client, namespace: stack.namespace, cacheMs: 0, ...access, rollupTitle: '某市' });
    for (const p of PLANS) {
      const path = join(dir, `${p.id}.yaml`);
      writeFileSync(path, district(p.id, p.title, p.deadlines));
      const started = await runCli('start', path);
      // A deadline in a year not yet published is started with a warning on stderr.
      expect([started.code, started.out]).toEqual([0, expect.stringContaining('新启动')]);
    }
    const ok = async (...argv: string[]) => expect((await runCli(...argv)).code).toBe(0);
    await ok('complete', '1.2', '--plan', 'district-a', '--as', 'unit:区财政局', '--evidence', '总结报告');
    await ok('verify', '1.2', '--plan', 'district-a', '--as', 'office:督查科', '--accept');
    await ok('complete', '1.3', '--plan', 'district-a', '--as', 'unit:区发改委', '--evidence', '工作总结');
    await ok('progress', '1.1', '--plan', 'district-b', '--as', 'unit:区发改委', '--note', '已起草文件');
    // Every measure has published its record (its first turn) and the CLI's actions are in them.
    await eventually(
      async () => (await runCli('status', '--json')).out,
      (out) => {
        const rows = JSON.parse(out) as { trafficLight?: string; status?: string }[];
        return rows.filter((r) => r.trafficLight).length === 9 && rows.filter((r) => r.status === 'closed').length === 1;
      },
    );
    for (const p of PLANS)
      reports.set(p.id, JSON.parse((await runCli('report', '--plan', p.id, '--format', 'json')).out) as ProgressReport);
  }, 180_000);

  afterAll(async () => {
    await web?.close();
    await stack?.stop();
  });

  it('gives each district the figures of its own report, and the totals', async () => {
    const r = JSON.parse((await runCli('rollup', '--format', 'json')).out) as Rollup;
    expect(r.districts.map((d) => d.planId).sort()).toEqual(['district-a', 'district-b', 'district-c']);
    for (const d of r.districts) {
      const t = reports.get(d.planId)!.totals;
      expect([d.planId, d.measures, d.closed, d.submitted, d.active, d.overdue, d.longterm, d.completionRate]).toEqual([
        d.planId,
        t.measures,
        t.closed,
        t.submitted,
        t.active,
        t.overdue,
        t.longterm,
        t.completionRate,
      ]);
    }
    const a = r.districts.find((d) => d.planId === 'district-a')!;
    expect(a).toMatchObject({ measures: 4, closed: 1, submitted: 1, overdue: 1, longterm: 1, completionRate: '33.3%', redUnits: 1 });
    const b = r.districts.find((d) => d.planId === 'district-b')!;
    expect(b).toMatchObject({ measures: 3, overdue: 2, redUnits: 2, completionRate: '0.0%' });
    expect(b.latestReport).toBe(reports.get('district-b')!.asOf);
    expect(r.totals).toMatchObject({
      districts: 3,
      measures: 9,
      closed: 1,
      submitted: 1,
      overdue: 3,
      longterm: 3,
      completionRate: '16.7%',
    });
    // The table says what the JSON does. Escalations to the leadership group: none outside the morning's
    // send window; in it, the overdue measures' catch-ups reach the leadership group at once.
    const text = (await runCli('rollup')).out;
    expect(text).toContain(`甲区整改方案\tdistrict-a\t4\t1\t1\t1\t1\t1\t33.3%\t1\t${a.escalated}\t0`);
    expect(text).toContain(`合计（3个）\t\t9\t1\t4\t1\t3\t3\t16.7%\t3\t${r.totals.escalated}\t0`);
    expect(text).toContain(
      '3个地区（计划）共有整改措施9项：已完成（销号）1项，整改中4项（其中逾期3项），已提交待核验1项，长期坚持3项，整改完成率16.7%',
    );
    const only = JSON.parse((await runCli('rollup', '--plans', 'district-c', '--format', 'json')).out) as Rollup;
    expect(only.districts.map((d) => d.planId)).toEqual(['district-c']);
    const unknown = await runCli('rollup', '--plans', 'district-x');
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('district-x')]);
  });

  it('shows the roll-up page: a row per district that opens its desk, sortable, the totals, the chart with its table', async () => {
    const page = await web.inject('/rollup');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('某市巡视整改进展情况汇总');
    const order = (body: string) => [...body.matchAll(/<a href="\/\?plan=([^"]+)">/g)].map((m) => m[1]);
    // By default the most overdue first.
    expect(order(page.body)).toEqual(['district-b', 'district-a', 'district-c']);
    const byRate = await web.inject('/rollup?sort=completionRate&order=desc');
    expect(order(byRate.body)).toEqual(['district-a', 'district-b', 'district-c']);
    expect(byRate.body).toContain('aria-sort="descending"');
    const byPlan = await web.inject('/rollup?sort=plan');
    expect(order(byPlan.body)).toEqual(['district-a', 'district-b', 'district-c']);
    expect(page.body).toContain('合计（3个）');
    expect(page.body).toContain('id="chart-units"');
    expect(page.body).toContain('数据表（各地区红黄绿灯数）');
    const desk = await web.inject('/?plan=district-b');
    expect(desk.statusCode).toBe(200);
    expect(desk.body).toContain('乙区整改方案');
    expect(desk.body).toContain('href="/rollup"');
    const bad = await web.inject('/rollup?asOf=2999-01-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('截至日期（asOf）应为今天');
  });

  it('gives the roll-up report in Word and Excel, the Word printed as the page reads', async () => {
    const docx = await web.inject('/rollup.docx');
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-disposition']).toContain(encodeURIComponent('某市巡视整改进展情况汇总表'));
    const file = join(OUT, 'rollup.docx');
    writeFileSync(file, docx.rawPayload);
    const pdf = await printToPdf(file);
    copyFileSync(pdf, join(OUT, 'rollup.pdf'));
    const pages = readPdf(pdf);
    expect(pages[0].width).toBeGreaterThan(pages[0].height); // landscape
    const lines = pages.flatMap((p) => lineTexts(p.words));
    expect(lines.join('\n')).toContain('某市巡视整改进展情况汇总表');
    for (const p of PLANS) expect(lines.some((l) => l.startsWith(p.title))).toBe(true);
    expect(lines.some((l) => l.startsWith('合计（3个）9'))).toBe(true);

    const xlsx = await web.inject('/rollup.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = book.getWorksheet('汇总表')!;
    const rows = ws.getSheetValues().slice(1) as unknown[][];
    expect((rows[1] as unknown[]).slice(1, 5)).toEqual(['地区（计划）', '计划编号', '措施', '已销号']);
    const a = rows.find((r) => r?.[2] === 'district-a')!;
    expect(a.slice(3, 10)).toEqual([4, 1, 1, 1, 1, 1, '33.3%']);
    expect(rows.at(-1)!.slice(1, 4)).toEqual(['合计（3个）', '', 9]);
    writeFileSync(join(OUT, 'rollup.xlsx'), xlsx.rawPayload);
    expect(readFileSync(join(OUT, 'rollup.xlsx')).length).toBeGreaterThan(0);
  });

  it('mails the week of every district to the city office: set by the CLI, the districts that moved, over real SMTP', async () => {
    // A district whose measure fell due two working days ago: newly overdue this week.
    const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
    let due = DateTime.now().setZone('Asia/Shanghai').minus({ days: 2 });
    while (!calendar.isWorkday(due.toISODate()!)) due = due.minus({ days: 1 });
    const path = join(dir, 'district-e.yaml');
    writeFileSync(path, district('district-e', '戊区整改方案', [due.toISODate()!, '2030-06-28']));
    expect((await runCli('start', path)).code).toBe(0);

    expect((await runCli('rollup', 'digest')).out).toBe('各地区周报：未设置（rectify rollup digest --name … --to … 设置）');
    // Bad input names what is wrong and sets nothing.
    const bad = await runCli('rollup', 'digest', '--name', '市委巡察办', '--to', 'sxcb@example.org，不是邮箱');
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('--to 应为邮箱，逗号分隔；格式错误：不是邮箱')]);
    const noPlan = await runCli('rollup', 'digest', '--name', '市委巡察办', '--to', 'sxcb@example.org', '--plans', 'district-x');
    expect(noPlan.code).not.toBe(0);
    expect(noPlan.err).toContain('没有运行中的计划 district-x');
    expect((await runCli('rollup', 'digest', '--at', '25:00')).err).toContain('--at 应为 HH:mm（24小时制，如 10:00）：25:00');
    expect((await runCli('rollup', 'digest')).out).toContain('未设置');

    const set = await runCli(
      'rollup',
      'digest',
      '--name',
      '市委巡察办',
      '--to',
      'sxcb@example.org',
      '--title',
      '某市委巡察办',
      '--weekday',
      '周一',
    );
    expect(set.out).toBe(
      '各地区周报：每周一10:00（Asia/Shanghai，逢节假日顺延至下一个工作日）向市委巡察办（sxcb@example.org）发送某市委巡察办各地区周报（全部运行中的计划），定时任务 rollup-digest（已创建）',
    );
    // A change keeps the rest; read back from the Schedule.
    expect((await runCli('rollup', 'digest', '--at', '10:30')).out).toContain('每周一10:30（Asia/Shanghai');
    const shown = (await runCli('rollup', 'digest')).out;
    expect(shown).toContain('向市委巡察办（sxcb@example.org）发送某市委巡察办各地区周报');
    expect(shown).toMatch(/下次发送：\d{4}年\d{1,2}月\d{1,2}日（周一）10:30（北京时间）/);

    const now = await runCli('rollup', 'digest', '--now');
    expect(now.out).toMatch(/^已发送各地区周报至outbox：4个地区，其中\d个本周有新增逾期、督办至领导小组或反弹回潮$/);
    const [week] = await new FileOutbox(join(dir, 'outbox')).rollupWeeklies();
    expect(week.recipients).toEqual({ name: '市委巡察办', emails: ['sxcb@example.org'] });
    const e = week.moved.find((d) => d.planId === 'district-e')!;
    expect(e.newlyOverdue.map((i) => i.id)).toEqual(['1.1']);
    // Each district's figures are the roll-up's.
    const r = JSON.parse((await runCli('rollup', '--format', 'json')).out) as Rollup;
    const figures = (d: Rollup['districts'][number]) => [d.planId, d.measures, d.closed, d.submitted, d.overdue, d.completionRate];
    expect(week.rollup.districts.map(figures).sort()).toEqual(r.districts.map(figures).sort());

    // The mail the city office reads, over real SMTP, once however often the activity runs.
    const smtp = await startTestSmtp();
    const mailer = smtpMailer(smtp.url, { ca: smtp.ca });
    try {
      const delivery = new MailDelivery({
        mailer,
        plans: new PlanDirectory([]),
        ledger: new SentLedger(join(dir, 'sent')),
        from: '"区委巡察办 整改提醒" <rectify@example.org>',
        deskUrl: 'https://zhenggai.example.org/',
      });
      const first = await delivery.sendRollupWeekly(week, week.recipients);
      await delivery.sendRollupWeekly(week, week.recipients);
      expect(first).toEqual({ sent: ['sxcb@example.org'], districts: 4, moved: week.moved.length });
      const [mail, ...more] = await smtp.parsed();
      expect(more).toEqual([]);
      expect(mail.subject).toMatch(
        /^【各地区整改周报】某市委巡察办（\d{4}年\d{1,2}月\d{1,2}日—\d{4}年\d{1,2}月\d{1,2}日）：\d个地区有变化，新增逾期\d+项/,
      );
      expect(mail.from?.value).toEqual([{ name: '巡视整改督办系统', address: 'rectify@example.org' }]);
      // Its own list (the headers unfolded): a mail client files it apart from any district's.
      expect(smtp.accepted[0].toString().replace(/\r?\n[ \t]+/g, ' ')).toMatch(
        /^List-Id: \S+ <rollup-digest\.rectify\.example\.org>\r?$/im,
      );
      expect(mail.text).toContain('市委巡察办：');
      expect(mail.text).toContain(`戊区整改方案：新增逾期1项`);
      expect(mail.text).toContain(`措施1.1“措施1”（区发改委）：${plainDateZh(due.toISODate()!)}到期未完成`);
      expect(mail.text).toContain('在线查看各地区汇总（需登录）：https://zhenggai.example.org/rollup');
      writeFileSync(join(OUT, 'rollup-digest.txt'), `${mail.subject}\n\n${mail.text}`);
    } finally {
      mailer.close();
      await smtp.close();
    }

    expect((await runCli('rollup', 'digest', '--off')).out).toBe('各地区周报已停止（定时任务已删除）');
    expect((await runCli('rollup', 'digest')).out).toContain('未设置');
  });

  // Last: once an account exists, the desk asks everyone to sign in.
  it('rolls up only the plans a scoped account reads, also when one of them has no measure running', async () => {
    // A plan kept in Temporal whose measures are not running (all withdrawn, or not started): the account reads it.
    const path = join(dir, 'district-d.yaml');
    writeFileSync(path, district('district-d', '丁区整改方案', ['2030-06-28']));
    await storePlan(env.client, loadPlan(path).plan);
    await access.users.add('市巡察办二处', 'office', 'correct horse battery', { plans: ['district-a', 'district-d'] });
    const b = new Browser(web);
    await b.signIn('市巡察办二处', 'correct horse battery');
    const page = await eventually(
      () => b.get('/rollup'),
      (r) => r.statusCode === 200,
    );
    expect([...page.body.matchAll(/<a href="\/\?plan=([^"]+)">/g)].map((m) => m[1])).toEqual(['district-a']);
    expect(page.body).toContain('合计（1个）');
    expect(page.body).not.toContain('乙区');
  });
});
