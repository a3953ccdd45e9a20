/**
 * The office's desk against a real dev server and worker, mail to a real SMTP server in process:
 * a plan taken through the CLI (completed, closed, overdue, extended, relapsed, urged), then the
 * progress report in every format (figures equal to the workflows' own states, --as-of before and
 * after the day's changes), every web route through Fastify's inject (filters, 404 and 400 pages,
 * markup escaped everywhere), and the weekly digest's Schedule triggered into one mail per reader.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { FastifyInstance } from 'fastify';
import { leadershipDigestScheduleId, lookbackWorkflowId, measureWorkflowId, ofType, WORKFLOW } from '../../contracts/ids';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { MeasureView } from '../../contracts/measure';
import * as msg from '../../contracts/messages';
import { publishedYears, useInstalledYears } from '../../domain/calendar-data';
import { isoWeekday, localDate, plainDateZh } from '../../domain/dates';
import type { ProgressReport } from '../../domain/report/model';
import { startDeskStack, type DeskStack } from '../helpers/desk';
import type { TestSmtp } from '../helpers/smtp';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { wednesdayAhead } from '../helpers/specs';
import { eventually } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'desk-2024';
const ZONE = 'Asia/Shanghai';
const XSS = '<script>alert("x")</script>';
const IMG = '<img src=x onerror=alert(1)>';

const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划(台账)',
  problems: ['高质量发展成效不显', '资产管理较为混乱', '基层党建工作重视不够'],
  measures: [
    `{ id: "1.1", problem: 1, title: '健全政策机制${XSS}', text: '正文<b>加粗</b>', kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
    `{ id: "1.2", problem: 1, title: 全力稳定外资, text: 提高奖励比例。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-03-29 }`,
    `{ id: "2.1", problem: 2, title: 清查闲置资产, text: 清查。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2024-04-30 }`,
    `{ id: "2.2", problem: 2, title: 规范资产处置, text: 规范。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2024-03-29 }`,
    `{ id: "3.1", problem: 3, title: 坚持长效常治, text: 长期。, kind: longterm, leader: 区委常委、常务副区长, leadUnit: 区委组织部, participants: [], cadence: quarterly }`,
    `{ id: "3.2", problem: 3, title: 整顿软弱涣散党组织, text: 整顿。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区委组织部, participants: [], deadline: 2024-04-30 }`,
  ],
});

const ahead = (weeks = 6) => wednesdayAhead(Date.now(), weeks);

describe('the office’s desk on a real server', () => {
  let desk: DeskStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let web: FastifyInstance;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-desk-'));
  const planPath = join(dir, 'plan.yaml');
  const today = () => localDate(Date.now(), ZONE);
  const run = runCli;

  beforeAll(async () => {
    writeFileSync(planPath, PLAN);
    desk = await startDeskStack(dir, planPath);
    ({ env, smtp, web } = desk);

    // The plan's life, through the CLI, as the office and the units would.
    const ok = async (...argv: string[]) => {
      const r = await run(...argv);
      expect([argv.join(' '), r.code, r.err]).toEqual([argv.join(' '), 0, '']);
      return r;
    };
    const started = await ok('start', planPath);
    expect(started.out).toContain('新启动6项');
    expect(started.out).toContain(
      `领导小组周报：每周一09:00（Asia/Shanghai，逢节假日顺延至下一个工作日），已创建定时任务 leadership-digest:${PLAN_ID}`,
    );
    await ok('progress', '1.1', '--as', 'unit:区发改委', '--note', `已起草文件${IMG}`);
    await ok('complete', '1.1', '--as', 'unit:区发改委', '--evidence', `印发文件${XSS}`);
    await ok('verify', '1.1', '--as', 'office:督查科', '--accept');
    await ok('extend', '2.1', '--as', 'unit:区财政局', '--to', ahead(), '--reason', '需协调省级部门');
    await ok('decide-extension', '2.1', '--as', 'office:督查科', '--approve');
    await ok('complete', '2.2', '--as', 'unit:区财政局', '--evidence', '处置台账');
    await ok('verify', '2.2', '--as', 'office:督查科', '--accept');
    await ok('lookback', 'launch', '--name', '年终回头看', '--due', ahead(2), '--plan', PLAN_ID, '--ids', '2.2');
    await eventually(
      () => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '2.2')).query(msg.getStateQuery),
      (v) => !!v.lookbacks?.length,
    );
    await eventually(
      () =>
        run(
          'lookback',
          'record',
          '2.2',
          '--round',
          '1',
          '--as',
          'office:督查科',
          '--relapsed',
          '--new-deadline',
          ahead(8),
          '--notes',
          '问题反复',
        ),
      (r) => r.code === 0,
    );
    await ok('complete', '3.2', '--as', 'unit:区委组织部', '--evidence', '整顿报告');
    await ok('remind', '1.2', '--as', 'office:督查科', '--note', '请本周内报送');
    // Every change has reached the workflows and their memos.
    await eventually(
      () => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '2.2')).query(msg.getStateQuery),
      (v) => v.progress.status === 'active' && v.progress.deadlineVersion === 2,
    );
    // A plan's whole life through the CLI: on a cluster just brought up, its first namespace takes longer.
  }, 180_000);

  afterAll(async () => {
    useInstalledYears({});
    await desk?.stop();
  });

  /** The measures as their workflows answer, counted the report's way, independently of it. */
  async function fromWorkflows() {
    const views: MeasureView[] = [];
    for (const id of ['1.1', '1.2', '2.1', '2.2', '3.1', '3.2'])
      views.push(await env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id)).query(msg.getStateQuery));
    const now = Date.now();
    const overdue = (v: MeasureView) =>
      v.progress.status === 'active' && v.spec.kind !== 'longterm' && !!v.dueAt && Date.parse(v.dueAt) < now;
    return {
      measures: views.length,
      closed: views.filter((v) => v.progress.status === 'closed').length,
      submitted: views.filter((v) => v.progress.status === 'submitted').length,
      overdue: views.filter(overdue).length,
      longterm: views.filter((v) => v.spec.kind === 'longterm' && v.progress.status === 'active').length,
      active: views.filter((v) => v.progress.status === 'active' && v.spec.kind !== 'longterm' && !overdue(v)).length,
    };
  }

  it('reports figures equal to the workflows’ states, in every format', async () => {
    const json = await run('report', '--plan', PLAN_ID, '--format', 'json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as ProgressReport;
    const expected = await fromWorkflows();
    expect(expected).toEqual({ measures: 6, closed: 1, submitted: 1, overdue: 1, longterm: 1, active: 2 });
    expect(report.totals).toMatchObject({ ...expected, completionRate: '20.0%', problems: 3, problemsOverdue: 1, problemsClosed: 0 });
    expect(report.extensions.map((e) => e.id)).toEqual(['2.1']);
    expect(report.lookback).toMatchObject({
      reviews: 1,
      relapsed: 1,
      sustained: 0,
      campaigns: [{ name: '年终回头看', reviews: 1, relapsed: 1 }],
    });
    // Closed: its latest word is its completion, the evidence as typed (markup kept as text), not the note before it.
    expect(report.problems[0].measures[0].latest).toMatchObject({
      kind: 'closed',
      text: expect.stringContaining(`佐证材料：印发文件${XSS}。`),
    });

    const md = await run('report', '--plan', PLAN_ID);
    expect(md.out).toContain(report.summary);
    expect(md.out).toContain('二是全力稳定外资。');

    const html = join(dir, 'report.html');
    expect((await run('report', '--plan', PLAN_ID, '--out', html)).err).toContain(`已写入 ${html}：截至${report.asOfZh}，3个问题、6项措施`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(report.summary);
    expect(page).not.toContain(XSS);
    expect(page).not.toContain(IMG);

    const docx = join(dir, 'report.docx');
    expect((await run('report', '--plan', PLAN_ID, '--out', docx)).code).toBe(0);
    const xml = await (await JSZip.loadAsync(readFileSync(docx))).file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain(report.summary);
    expect(text).toContain('3. 关于“基层党建工作重视不够”问题的整改。');

    const xlsx = join(dir, 'report.xlsx');
    expect((await run('report', '--plan', PLAN_ID, '--format', 'xlsx', '--out', xlsx)).code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsx);
    const summary = new Map<string, unknown>();
    book.getWorksheet('汇总')!.eachRow((row) => summary.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(summary.get('已完成（销号）')).toBe(expected.closed);
    expect(summary.get('逾期未完成')).toBe(expected.overdue);
    expect(summary.get('已提交待核验')).toBe(expected.submitted);
    expect(book.getWorksheet('措施')!.rowCount).toBe(7);
  });

  it('regenerates the figures as they stood before today’s changes (--as-of)', async () => {
    const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate()!;
    const before = JSON.parse((await run('report', '--plan', PLAN_ID, '--as-of', yesterday, '--format', 'json')).out) as ProgressReport;
    // Yesterday nothing had been closed, submitted, extended or found relapsed: every dated measure was overdue.
    expect(before.totals).toMatchObject({
      measures: 6,
      closed: 0,
      submitted: 0,
      overdue: 5,
      longterm: 1,
      active: 0,
      completionRate: '0.0%',
    });
    expect(before.extensions).toEqual([]);
    // Today's progress note was not there yesterday (the measure is asked for its notes as of then).
    expect(before.problems[0].measures[0].latest).toBeUndefined();
    expect(before.lookback.reviews).toBe(0);
    const now = JSON.parse((await run('report', '--plan', PLAN_ID, '--as-of', today(), '--format', 'json')).out) as ProgressReport;
    expect(now.totals).toMatchObject({ closed: 1, submitted: 1, overdue: 1 });
    const future = await run('report', '--plan', PLAN_ID, '--as-of', '2999-01-01');
    expect([future.code, future.err]).toEqual([1, `rectify: --as-of 2999-01-01：2999年1月1日还没有到（今天是${plainDateZh(today())}）`]);
    expect((await run('report', '--plan', 'nope')).err).toContain('没有运行中的计划 nope（运行中的计划：desk-2024）');
    expect((await run('report', '--format', 'docx')).code).toBe(2);
  });

  it('counts a campaign from the measures, which keep their reviews after the review workflows close', async () => {
    const status = await run('lookback', 'status', '年终回头看', '--json');
    expect(JSON.parse(status.out)).toMatchObject({ reviews: 1, done: 1, relapsed: 1, pending: 0 });
    // The review workflow is gone (as after the namespace's retention): the count does not change.
    const review = env.client.workflow.getHandle(lookbackWorkflowId(PLAN_ID, '2.2', 1));
    const { runId } = await review.describe();
    await env.client.workflowService.deleteWorkflowExecution({
      namespace: desk.stack.namespace,
      workflowExecution: { workflowId: review.workflowId, runId },
    });
    const gone = await eventually(
      () =>
        review.describe().then(
          () => false,
          (e: Error) => e instanceof WorkflowNotFoundError,
        ),
      (g) => g,
      600, // the dev server deletes in the background (about 50 s here): up to 2 minutes
    );
    expect(gone).toBe(true);
    expect(JSON.parse((await run('lookback', 'status', '年终回头看', '--json')).out)).toMatchObject({ reviews: 1, done: 1, relapsed: 1 });
    expect(
      (await run('lookback', 'record', '2.2', '--round', '1', '--as', 'office:督查科', '--sustained', '--notes', '再记')).err,
    ).toContain('措施2.2第1次回头看已记录结论：反弹回潮（督查科');
  }, 150_000);

  it('urges once a day, refuses a closed measure, and shows the urging on the timeline with its Message-ID', async () => {
    const again = await run('remind', '1.2', '--as', 'office:督查科');
    expect(again.err).toMatch(/今天\d\d:\d\d已由督查科催办过；每项措施每个工作日催办一次，确需再次催办请加 --force/);
    expect((await run('remind', '1.1', '--as', 'office:督查科')).err).toContain('措施已销号，无需催办');
    const mails = await smtp.parsed();
    const urged = mails.filter((m) => m.subject?.startsWith('【催办】措施1.2“全力稳定外资”'));
    expect(urged.map((m) => (m.to as { value: { address: string }[] }).value[0].address).sort()).toEqual([
      'executive-deputy-mayor@district.example.org',
      'fgw@district.example.org',
      'leading-group@district.example.org',
      'xunchaban@district.example.org',
    ]);
    expect(urged[0].text).toContain('巡察办对本措施进行催办：请本周内报送');
    const timeline = await run('show', '1.2', '--timeline');
    expect(timeline.out).toContain('巡察办·督查科  催办（逾期督办·第3级），说明：请本周内报送');
    for (const m of urged) expect(timeline.out).toContain(`Message-ID ${m.messageId}`);
  });

  it('serves every page, in Chinese, with the figures of the report and markup shown as text', async () => {
    const report = JSON.parse((await run('report', '--plan', PLAN_ID, '--format', 'json')).out) as ProgressReport;
    const pages = ['/', '/measures', `/measures/${PLAN_ID}/1.1`, `/measures/${PLAN_ID}/1.2`, '/report', `/report?asOf=${today()}`];
    for (const url of pages) {
      const res = await web.inject(url);
      expect([url, res.statusCode, res.headers['content-type']]).toEqual([url, 200, 'text/html; charset=utf-8']);
      expect(res.body).not.toContain(XSS);
      expect(res.body).not.toContain(IMG);
      expect(res.body).not.toMatch(/<b>加粗/);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const overview = (await web.inject('/')).body;
    expect(overview).toContain(report.summary);
    expect(overview).toContain('<script src="/vendor/echarts.min.js"></script>');
    const measure = (await web.inject(`/measures/${PLAN_ID}/1.1`)).body;
    expect(measure).toContain('健全政策机制&lt;script&gt;');
    expect(measure).toContain('正文&lt;b&gt;加粗&lt;/b&gt;');
    expect(measure).toContain('已起草文件&lt;img src=x onerror=alert(1)&gt;');
    expect(measure).toContain('印发文件&lt;script&gt;');
    expect(measure).toContain(
      `http://127.0.0.1:8233/namespaces/${desk.stack.namespace}/workflows/${encodeURIComponent(measureWorkflowId(PLAN_ID, '1.1'))}`,
    );
    expect(measure).toMatch(/Message-ID <code>&lt;[0-9a-f]+@district\.example\.org&gt;<\/code>/);
    const extended = (await web.inject(`/measures/${PLAN_ID}/2.1`)).body;
    expect(extended).toContain('时限变更');
    expect(extended).toContain('需协调省级部门');

    const js = await web.inject('/vendor/echarts.min.js');
    expect([js.statusCode, js.headers['content-type'], js.body.length > 100_000]).toEqual([
      200,
      'application/javascript; charset=utf-8',
      true,
    ]);
    expect((await web.inject('/static/charts.js')).statusCode).toBe(200);
  });

  it('filters the ledger from the URL and downloads the same view', async () => {
    const rowsOf = (body: string) =>
      [...body.matchAll(/<td role="cell" class="measure"><a href="\/measures\/[^/]+\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));
    expect(rowsOf((await web.inject('/measures')).body)).toEqual(['1.1', '1.2', '2.1', '2.2', '3.1', '3.2']);
    expect(rowsOf((await web.inject(`/measures?unit=${encodeURIComponent('区财政局')}`)).body)).toEqual(['2.1', '2.2']);
    expect(rowsOf((await web.inject('/measures?overdue=yes')).body)).toEqual(['1.2']);
    expect(rowsOf((await web.inject('/measures?status=closed')).body)).toEqual(['1.1']);
    expect(rowsOf((await web.inject('/measures?kind=longterm')).body)).toEqual(['3.1']);
    expect(rowsOf((await web.inject('/measures?problem=2&sort=deadline&order=desc')).body)).toEqual(['2.2', '2.1']);
    expect(rowsOf((await web.inject('/measures?lookback=relapsed')).body)).toEqual(['2.2']);

    const csv = await web.inject(`/measures.csv?unit=${encodeURIComponent('区财政局')}`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('整改台账')}`);
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(3);
    const xlsx = await web.inject('/measures.xlsx?overdue=yes');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    // The live ledger as `rectify ledger export` writes it: a title row, the header, the rows the filter chose.
    const sheet = book.getWorksheet('整改台账')!;
    expect(String(sheet.getCell(1, 1).value)).toMatch(/^演练计划（台账）整改台账（截至/);
    expect(sheet.getRow(3).values).toEqual(expect.arrayContaining(['1.2', '提高奖励比例。', '区发改委', '红灯']));
    expect(sheet.rowCount).toBe(3);

    const docx = await web.inject('/report.docx');
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect((await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')).toBeTruthy();
    expect((await web.inject('/report.json')).json()).toMatchObject({ planId: PLAN_ID, totals: { measures: 6 } });
    const md = await web.inject('/report.md');
    expect([md.headers['content-type'], md.body.startsWith('# 巡视整改进展情况')]).toEqual(['text/markdown; charset=utf-8', true]);
    const figures = new ExcelJS.Workbook();
    await figures.xlsx.load((await web.inject('/report.xlsx')).rawPayload as unknown as ArrayBuffer);
    expect(figures.worksheets.map((w) => w.name)).toEqual(['汇总', '措施', '逾期', '延期', '回头看']);
    expect((await web.inject('/healthz')).json()).toEqual({ ok: true });
  });

  it('answers what is not there, or not right, with a page in Chinese that says what', async () => {
    const unknown = await web.inject(`/measures/${PLAN_ID}/9.9`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain(`计划“${PLAN_ID}”中没有措施“9.9”。`);
    const noPlan = await web.inject('/measures/nope/1.1');
    expect([noPlan.statusCode, noPlan.body.includes('没有运行中的计划“nope”')]).toEqual([404, true]);
    const badFilter = await web.inject('/measures?light=purple');
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.body).toContain('筛选条件“灯色”（light）的值无效：purple；可选：red（红灯）、yellow（黄灯）、green（绿灯）');
    const badDate = await web.inject('/report?asOf=2024-13-01');
    expect([badDate.statusCode, badDate.body.includes('截至日期（asOf）应为今天')]).toEqual([400, true]);
    const nowhere = await web.inject('/nowhere');
    expect([nowhere.statusCode, nowhere.body.includes('页面不存在')]).toEqual([404, true]);
    const injected = await web.inject(`/measures?unit=${encodeURIComponent(XSS)}`);
    expect(injected.statusCode).toBe(400);
    expect(injected.body).toContain('没有牵头单位为“&lt;script&gt;');
    expect(injected.body).not.toContain(XSS);
  });

  it('says there is no such unit, offering the nearest, where the ledger showed 0 rows under 全部', async () => {
    const typo = await web.inject(`/measures?unit=${encodeURIComponent('发改委')}&overdue=yes`);
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toContain('没有牵头单位为“发改委”的措施。是不是“区发改委”？');
    expect(typo.body).toContain(
      `<a class="button" href="/measures?unit=${encodeURIComponent('区发改委')}&amp;overdue=yes">查看“区发改委”的措施</a>`,
    );
    expect((await web.inject(`/measures.csv?unit=${encodeURIComponent('发改委')}`)).statusCode).toBe(400);
  });

  it('says that a report as of a day before the plan began has nothing to report, in every format', async () => {
    const early = await web.inject('/report?asOf=2020-01-01');
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('本计划的整改自2024年1月15日（巡视反馈之日）起开展，截至2020年1月1日尚无可报告的情况。');
    expect(early.body).toContain('请选择2024年1月15日或以后的日期。');
    expect((await web.inject('/report.docx?asOf=2020-01-01')).statusCode).toBe(400);
    expect((await web.inject('/report?asOf=2024-01-15')).statusCode).toBe(200);
  });

  it('keeps the weekly digest as a Schedule and, triggered, mails the week once to the leadership group and the office', async () => {
    const handle = env.client.schedule.getHandle(leadershipDigestScheduleId(PLAN_ID));
    const described = await handle.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({
      dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }],
      hour: [{ start: 9, end: 9, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    });
    expect(described.spec.timezone).toBe(ZONE);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: WORKFLOW.leadershipDigest });

    // Today must be a working day for the digest to go at once (else it waits for the next one):
    // the deployment's calendar (read by the worker's activity) makes it one for this test.
    const day = today();
    if (isoWeekday(day) > 5 || publishedYears()[day.slice(0, 4)]?.holidays.includes(day)) {
      const year = publishedYears()[day.slice(0, 4)] ?? { holidays: [], workdays: [] };
      useInstalledYears({ [day.slice(0, 4)]: { holidays: year.holidays.filter((d) => d !== day), workdays: [...year.workdays, day] } });
    }
    const before = smtp.accepted.length;
    await handle.trigger();
    const runs = await eventually(
      async () => {
        const found: string[] = [];
        for await (const wf of env.client.workflow.list({
          query: `${ofType(WORKFLOW.leadershipDigest)} AND ExecutionStatus = 'Completed'`,
        }))
          found.push(wf.workflowId);
        return found;
      },
      (f) => f.length > 0,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0].startsWith(`leadership-digest:${PLAN_ID}-`)).toBe(true);
    const digests = (await smtp.parsed()).slice(before).filter((m) => m.subject?.startsWith('【领导小组周报】'));
    expect(digests.map((m) => (m.to as { value: { address: string }[] }).value[0].address).sort()).toEqual([
      'leading-group@district.example.org',
      'xunchaban@district.example.org',
    ]);
    const text = digests.find((m) => m.text?.startsWith('区委巡视整改工作领导小组：'))!.text!;
    // This week: 1.1 closed (2.2 too, but it relapsed and is open again), 2.2 relapsed, 2.1 extended.
    expect(text).toContain('本周销号（1项）\n  · 措施1.1“健全政策机制<script>alert("x")</script>”（区发改委）');
    expect(text).toContain('本周发现反弹回潮（1项）\n  · 措施2.2“规范资产处置”（区财政局）：第1次回头看发现反弹回潮');
    expect(text).toContain('本周批准延期（1项）\n  · 措施2.1“清查闲置资产”（区财政局）：整改时限由2024年4月30日延至');
    expect(text).toContain('本周新增逾期（0项）');
    expect(text).toContain('区发改委：红灯1项（未完成1项）');
    // Escalations to the leadership group this week: as many as the measures' timelines show (none outside
    // the morning's send window; in it, the overdue measures' catch-ups reach the leadership group at once).
    let escalated = 0;
    for (const id of ['1.1', '1.2', '2.1', '2.2', '3.1', '3.2']) {
      const t = await env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id)).query(msg.getTimelineQuery);
      if (t.some((e) => e.kind === 'notice' && e.what.startsWith('发出“逾期督办') && e.what.includes('领导小组'))) escalated++;
    }
    expect(text).toContain(`本周督办至领导小组（${escalated}项）`);
    const html = digests[0].html as string;
    expect(html).not.toContain(XSS);
  });
});
