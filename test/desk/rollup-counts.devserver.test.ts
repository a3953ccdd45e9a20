/**
 * The counts across plans (issue 26) on a real dev server and worker, mail to a real SMTP server in
 * process: three district plans with measures in every state and light (closed, submitted, on time,
 * yellow, overdue and escalated to the leadership group, long-term, extended after its escalation,
 * escalated then closed, relapsed after a look-back), the ladder's catch-ups sent at a send time a
 * minute or two ahead. `readRollup` (each plan read by its own query, several at once) must equal
 * the figures counted from one listing of everything, each district's own `rectify report --json`,
 * and what the script did; the unfiltered `status` must list what one listing lists; a plan without
 * its plan workflow is still counted.
 */
import { DateTime } from 'luxon';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { MailDelivery } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer } from '../../activities/mail/transport';
import { listMeasures } from '../../client/measures';
import { plansOf, readRecords } from '../../client/records';
import { planRecords } from '../../client/plan-records';
import { listEveryMeasure, readRollup } from '../../client/rollup';
import { planWorkflowId } from '../../contracts/ids';
import { chinaCalendar, publishedYears } from '../../domain/calendar-data';
import { addDays, localDate, localInstant } from '../../domain/dates';
import type { ProgressReport } from '../../domain/report/model';
import { districtFigures, rollup, type DistrictFigures, type Rollup } from '../../domain/rollup';
import { runCli } from '../helpers/cli';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const ZONE = 'Asia/Shanghai';
const LEADER = '区委常委、常务副区长';
const calendar = chinaCalendar({ unpublishedYears: 'weekdays' });

/** A district's plan as a JSON plan file: its catch-ups go at `T` (a working day in its calendar), deadlines as given. */
function districtPlan(id: string, title: string, T: DateTime, measures: Record<string, unknown>[]): string {
  const day = T.toISODate()!;
  const year = String(T.year);
  const published = publishedYears()[year] ?? { holidays: [], workdays: [] };
  const at = id.split('-')[1];
  return JSON.stringify({
    id,
    title,
    feedbackDate: '2024-01-15',
    timeZone: ZONE,
    calendar: {
      unpublishedYears: 'weekdays',
      years: {
        [year]: {
          holidays: published.holidays.filter((d) => d !== day),
          workdays: T.weekday >= 6 ? [...published.workdays, day] : published.workdays,
        },
      },
    },
    directory: {
      units: ['区发改委', '区财政局', '区委组织部'].map((name, i) => ({ name, emails: [`unit-${i + 1}@${at}.example.org`] })),
      leaders: [{ role: LEADER, email: `leader@${at}.example.org` }],
      office: { name: '区委巡察办', emails: [`office@${at}.example.org`], phone: '0510-0000 0000' },
      leadershipGroup: { name: '区委巡视整改工作领导小组', emails: [`group@${at}.example.org`] },
    },
    policy: { reminders: { sendAt: T.toFormat('HH:mm') } },
    problems: [
      { no: 1, title: '落实主体责任不到位' },
      { no: 2, title: '资产管理较为混乱' },
    ],
    measures: measures.map((m) => ({ participants: [], leader: LEADER, text: `${String(m.title)}。`, ...m })),
  });
}

const deadline = (id: string, problem: number, leadUnit: string, date: string) => ({
  id,
  problem,
  title: `措施${id}`,
  kind: 'deadline',
  leadUnit,
  deadline: date,
});

describe('the counts across plans, read plan by plan, equal one listing of everything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-rollup-'));
  let stack: DevStack;
  let smtp: TestSmtp;
  let mailer: ReturnType<typeof smtpMailer>;
  const today = () => localDate(Date.now(), ZONE);
  const client = () => stack.env.client;

  const ok = async (...argv: string[]) => {
    const r = await runCli(...argv);
    expect([argv.join(' '), r.code, r.err]).toEqual([argv.join(' '), 0, '']);
    return r;
  };

  beforeAll(async () => {
    const names = ['rollup-a', 'rollup-b', 'rollup-c'];
    const paths = names.map((id) => join(dir, `${id}.json`));
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
    const delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory(paths),
      ledger: new SentLedger(join(dir, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
    });
    stack = await startDevStack(dir, { delivery, plans: (e) => planRecords(e.client) });

    // The send time: the minute a good while after the plans are started (a working day in their calendar).
    const T = DateTime.now().setZone(ZONE).plus({ seconds: 90 }).startOf('minute').plus({ minutes: 1 });
    const soon = (workdays: number) => calendar.addWorkdays(T.toISODate()!, workdays);
    const plans = {
      'rollup-a': districtPlan('rollup-a', '甲区整改方案', T, [
        deadline('1.1', 1, '区发改委', '2024-03-29'), // overdue: escalated to the leadership group at T
        deadline('1.2', 1, '区发改委', '2024-04-30'), // closed before T
        deadline('2.1', 2, '区财政局', soon(4)), // yellow; a progress note
        deadline('2.2', 2, '区财政局', addDays(T.toISODate()!, 56)), // green, then submitted
        { id: '2.3', problem: 2, title: '措施2.3', kind: 'longterm', leadUnit: '区委组织部', cadence: 'quarterly' },
        deadline('2.4', 2, '区委组织部', '2024-03-29'), // escalated at T, then extended: not escalated under its new deadline
      ]),
      'rollup-b': districtPlan('rollup-b', '乙区整改方案', T, [
        deadline('1.1', 1, '区发改委', '2024-03-29'), // escalated at T, then submitted: still escalated
        deadline('1.2', 1, '区发改委', addDays(T.toISODate()!, 56)), // closed, looked back on, relapsed
        deadline('1.3', 1, '区财政局', '2024-05-31'), // overdue, escalated
        deadline('1.4', 1, '区发改委', '2024-03-29'), // escalated at T, then closed: not counted
        deadline('2.1', 2, '区委组织部', '2024-06-28'), // overdue, escalated
      ]),
      'rollup-c': districtPlan('rollup-c', '丙区整改方案', T, [
        deadline('1.1', 1, '区发改委', addDays(T.toISODate()!, 70)), // green
        deadline('1.2', 1, '区财政局', '2024-03-29'), // overdue, escalated
      ]),
    };
    names.forEach((id, i) => writeFileSync(paths[i], plans[id as keyof typeof plans]));
    for (const path of paths) {
      // Deadlines in a year whose holidays are not yet published are warned of, and start.
      const r = await runCli('start', path);
      expect([path, r.code, r.err.split('\n').filter((l) => l && !l.startsWith('警告 '))]).toEqual([path, 0, []]);
    }

    // Before T.
    await ok('complete', '1.2', '--plan', 'rollup-a', '--as', 'unit:区发改委', '--evidence', '印发文件');
    await ok('verify', '1.2', '--plan', 'rollup-a', '--as', 'office:督查科', '--accept');
    await ok('progress', '2.1', '--plan', 'rollup-a', '--as', 'unit:区财政局', '--note', '已完成摸排');
    await ok('complete', '2.2', '--plan', 'rollup-a', '--as', 'unit:区财政局', '--evidence', '整改报告');
    await ok('complete', '1.2', '--plan', 'rollup-b', '--as', 'unit:区发改委', '--evidence', '处置台账');
    await ok('verify', '1.2', '--plan', 'rollup-b', '--as', 'office:督查科', '--accept');
    await ok('lookback', 'launch', '--name', '乙区回头看', '--due', soon(10), '--plan', 'rollup-b', '--ids', '1.2');
    const relapsed = await eventually(
      () =>
        runCli(
          ...['lookback', 'record', '1.2', '--plan', 'rollup-b', '--round', '1', '--as', 'office:督查科'],
          ...['--relapsed', '--new-deadline', soon(30), '--notes', '问题反复'],
        ),
      (r) => r.code === 0,
    );
    expect(relapsed.err).toBe('');

    // At T the ladder's catch-ups go: every measure overdue and open is escalated to the leadership group.
    const escalated = (planId: string, id: string) => async () =>
      (await readRecords(client(), { planId })).records.find((r) => r.id === id)?.escalations.some((e) => e.leadership) === true;
    for (const [planId, id] of [
      ['rollup-a', '1.1'],
      ['rollup-a', '2.4'],
      ['rollup-b', '1.1'],
      ['rollup-b', '1.3'],
      ['rollup-b', '1.4'],
      ['rollup-b', '2.1'],
      ['rollup-c', '1.2'],
    ])
      expect([planId, id, await eventually(escalated(planId, id), (v) => v, 1500)]).toEqual([planId, id, true]);

    // After T.
    await ok('extend', '2.4', '--plan', 'rollup-a', '--as', 'unit:区委组织部', '--to', soon(25), '--reason', '需协调省级部门');
    await ok('decide-extension', '2.4', '--plan', 'rollup-a', '--as', 'office:督查科', '--approve');
    await ok('complete', '1.1', '--plan', 'rollup-b', '--as', 'unit:区发改委', '--evidence', '整改材料');
    await ok('complete', '1.4', '--plan', 'rollup-b', '--as', 'unit:区发改委', '--evidence', '整改材料');
    await ok('verify', '1.4', '--plan', 'rollup-b', '--as', 'office:督查科', '--accept');
    // Every change has reached the memos visibility lists.
    const statuses = async () =>
      (await readRecords(client())).records
        .map((r) => `${r.planId}:${r.id}:${r.status}:${r.deadlines.length}`)
        .sort()
        .join(' ');
    await eventually(statuses, (s) =>
      ['rollup-a:2.4:active:2', 'rollup-b:1.1:submitted:1', 'rollup-b:1.4:closed:1'].every((x) => s.includes(x)),
    );
  }, 420_000);

  afterAll(async () => {
    await stack?.stop();
    mailer?.close();
    await smtp?.close();
  });

  /** The reference: one listing of every measure's record, grouped by plan, each district's figures from it. */
  async function byListing(asOf = today()): Promise<Rollup> {
    const notesAt = asOf === today() ? Date.now() : localInstant(asOf, '23:59', ZONE) + 59_999;
    const { records } = await readRecords(client(), { notesAt });
    const cal = chinaCalendar({ unpublishedYears: 'statutory' });
    return rollup(
      asOf,
      plansOf(records).map((p) => {
        const mine = records.filter((r) => r.planId === p.id);
        return districtFigures(mine, { planId: p.id, planTitle: p.title, asOf, timeZone: ZONE, calendar: cal });
      }),
    );
  }

  const district = (r: Rollup, planId: string) => r.districts.find((d) => d.planId === planId);

  it('gives every district the figures the script made, equal to one listing of everything', async () => {
    const now = Date.now();
    const read = await readRollup(client(), { now });
    expect(read).toEqual(await byListing());
    // Every figure but the lights as they stand now (below), with latestReport said even when there is none.
    const figures = (planId: string) => {
      const { planTitle, latestReport, ...rest }: Record<string, unknown> = { ...district(read, planId)! };
      delete rest.lights;
      return { planTitle, latestReport, ...rest };
    };
    expect(figures('rollup-a')).toEqual({
      planId: 'rollup-a',
      planTitle: '甲区整改方案',
      measures: 6,
      closed: 1,
      submitted: 1,
      active: 2, // 2.1 yellow, 2.4 extended
      overdue: 1,
      longterm: 1,
      completionRate: '20.0%',
      redUnits: 1,
      escalated: 1, // 1.1; 2.4's rung was under its earlier deadline
      relapses: 0,
      latestReport: today(),
    });
    expect(figures('rollup-b')).toEqual({
      planId: 'rollup-b',
      planTitle: '乙区整改方案',
      measures: 5,
      closed: 1,
      submitted: 1,
      active: 1, // 1.2, reopened by its relapse
      overdue: 2,
      longterm: 0,
      completionRate: '20.0%',
      redUnits: 2,
      escalated: 3, // 1.1 submitted, 1.3, 2.1; 1.4 closed
      relapses: 1,
      latestReport: undefined,
    });
    expect(district(read, 'rollup-a')).toMatchObject({ lights: { total: 6, red: 1, closed: 1 } });
    // A completion submitted after its deadline stays red, but the report counts it submitted, not overdue.
    expect(district(read, 'rollup-b')).toMatchObject({ lights: { total: 5, red: 3, closed: 1 } });
    expect(figures('rollup-c')).toMatchObject({ measures: 2, overdue: 1, active: 1, escalated: 1, redUnits: 1, completionRate: '0.0%' });
    expect(read.totals).toMatchObject({ districts: 3, measures: 13, closed: 2, submitted: 2, overdue: 4, escalated: 5, relapses: 1 });
    // The most overdue first.
    expect(read.districts.map((d) => d.planId)).toEqual(['rollup-b', 'rollup-a', 'rollup-c']);
  });

  it('equals each district’s own report, today and as of yesterday', async () => {
    const yesterday = addDays(today(), -1);
    for (const asOf of [undefined, yesterday]) {
      const read = await readRollup(client(), { asOf });
      expect(read).toEqual(await byListing(asOf ?? today()));
      for (const planId of ['rollup-a', 'rollup-b', 'rollup-c']) {
        const out = await ok('report', '--plan', planId, '--format', 'json', ...(asOf ? ['--as-of', asOf] : []));
        const report = JSON.parse(out.out) as ProgressReport;
        const t = report.totals;
        const mine: Partial<DistrictFigures> = {
          measures: t.measures,
          closed: t.closed,
          submitted: t.submitted,
          active: t.active,
          overdue: t.overdue,
          longterm: t.longterm,
          completionRate: t.completionRate,
          redUnits: new Set(report.overdue.map((m) => m.leadUnit)).size,
          relapses: report.lookback.relapsedMeasures.length,
        };
        expect([asOf, planId, district(read, planId)]).toEqual([asOf, planId, expect.objectContaining(mine)]);
      }
    }
  });

  it('reads only the plans asked for, and says in Chinese what is wrong with a request', async () => {
    const only = await readRollup(client(), { planIds: ['rollup-c', 'rollup-a'] });
    const all = await readRollup(client());
    expect(only.districts).toEqual(all.districts.filter((d) => d.planId !== 'rollup-b'));
    expect(only.totals.districts).toBe(2);
    await expect(readRollup(client(), { planIds: ['rollup-x'] })).rejects.toThrow(
      '没有运行中的计划 rollup-x（运行中的计划：rollup-a、rollup-b、rollup-c）',
    );
    await expect(readRollup(client(), { asOf: addDays(today(), 1) })).rejects.toThrow('汇总的截至日期');
    await expect(readRollup(client(), { asOf: '2026/12/01' })).rejects.toThrow(
      '汇总的截至日期应为 YYYY-MM-DD（如 2026-03-31）：2026/12/01',
    );
  });

  it('lists every measure for the unfiltered status as one listing does, and counts a plan without its plan workflow', async () => {
    const everything = await listMeasures(client());
    expect(everything).toHaveLength(13);
    expect(await listEveryMeasure(client())).toEqual(everything);
    const listed = async () => (JSON.parse((await ok('status', '--json')).out) as { workflowId: string }[]).map((r) => r.workflowId);
    expect(await listed()).toEqual(everything.map((r) => r.workflowId));
    const before = await readRollup(client());

    // A plan started before plans were kept in Temporal has measures but no plan workflow.
    await client().workflow.getHandle(planWorkflowId('rollup-c')).terminate('a plan from before plans were kept');
    expect(await listEveryMeasure(client())).toEqual(everything);
    expect(await listed()).toEqual(everything.map((r) => r.workflowId));
    expect(await readRollup(client())).toEqual(before);
    expect((await ok('status')).out).toContain('共13项：');
  });
});
