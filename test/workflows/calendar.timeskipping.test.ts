/**
 * Past the published years, on the real time-skipping server: a measure plans an unpublished year
 * on the statutory holidays (flagged provisional) until the year's notice is installed and pushed
 * to it, and then plans on the notice; the plan's calendar watch tells the office once per year,
 * on a working day at the send time.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import { installYear, readInstalledYears } from '../../config/calendar-store';
import {
  calendarRefresh,
  calendarYearsFrom,
  chinaCalendar,
  provisionalYearsBetween,
  publishedYears,
  useInstalledYears,
} from '../../domain/calendar-data';
import { ALERT_LEAD_DAYS, type CalendarAlert } from '../../domain/calendar-alerts';
import { addDays, localDate, weekdayZh } from '../../domain/dates';
import { parseHolidayNotice } from '../../domain/holiday-notice';
import type { MeasureSpec } from '../../domain/measure';
import { advance, initialProgress } from '../../domain/simulate';
import { calendarWatchWorkflow, measureWorkflow } from '../../workflows';
import { calendarWatchWorkflowId, measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { local, type Row } from '../helpers/lives';
import { testSpec } from '../helpers/specs';
import { eventually, registerSearchAttributes, testServerExecutable, workflowBundle } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';

Runtime.install({ logger: new DefaultLogger('WARN') });

const ZONE = 'Asia/Shanghai';
const OFFICE = { role: 'office' as const, who: '巡察办' };
/** A 2029 notice written for these tests (清明: 4–6 April off, Saturday 7 April worked). */
const NOTICE_2029 = readFileSync(join(__dirname, '../fixtures/notices/2029-mixed.txt'), 'utf8');
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
/** Plans whose alerts the test's mail server refuses. */
const refusing = new Set<string>();

describe('the calendar past the published years, on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let outbox: FileOutbox;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
    await registerSearchAttributes(env);
    outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-outbox-')));
    // The office's mail server refuses the plans named here, as a 5xx would: not delivered, not retried by Temporal.
    const delivery = Object.assign(Object.create(outbox) as FileOutbox, {
      alertOffice: async (alert: CalendarAlert) =>
        refusing.has(alert.planId) ? { delivered: false, problems: ['550 mailbox unavailable'] } : outbox.alertOffice(alert),
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'calendar',
      workflowBundle: await workflowBundle(),
      activities: createActivities({ delivery }),
    });
    running = worker.run();
  });

  afterAll(async () => {
    useInstalledYears({});
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const sleepUntil = async (t: number) => {
    const ms = t - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  /** Working days as the worker's activities count them (statutory holidays where nothing is published). */
  const workdays = chinaCalendar({ unpublishedYears: 'statutory' });
  /** When the watch's history says it handed an alert to delivery (workflow time). */
  const alertsScheduledAt = async (handle: Pick<WorkflowHandle, 'fetchHistory'>) =>
    ((await handle.fetchHistory()).events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'alertOffice')
      .map((e) => Number(e.eventTime!.seconds) * 1000);

  async function sent(workflowId: string) {
    return (await outbox.list())
      .filter((n) => n.workflowId === workflowId && !n.stage.includes(':event:'))
      .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
  }
  const rowsOf = (notices: Awaited<ReturnType<typeof sent>>): Row[] =>
    notices.map((n) => [local(Date.parse(n.decidedAt)), n.stage, n.audiences.join('+'), n.catchUp]);
  const expectedRows = (list: ReturnType<typeof advance>): Row[] =>
    list.map((n) => [local(n.sentAt), n.key, n.audiences.join('+'), n.catchUp]);

  it('moves a reminder off a holiday once the year’s notice is installed and pushed to the running measure', async () => {
    // The test clock starts today; 2029 must still lie ahead and be unpublished in the data package.
    const t0 = await env.currentTimeMs();
    expect(publishedYears()['2029']).toBeUndefined();
    expect(t0).toBeLessThan(at('2029-03-01T00:00'));

    const startYear = Number(localDate(t0, ZONE).slice(0, 4));
    // As `rectify start` builds it for a plan with calendar.unpublishedYears: statutory and a 2029 deadline.
    const calendar = {
      years: calendarYearsFrom(startYear - 1),
      unpublishedYears: 'statutory' as const,
      provisionalYears: provisionalYearsBetween(startYear - 1, 2029),
    };
    const spec = (id: string): MeasureSpec => testSpec({ planId: 'calendar-2029', id, deadline: '2029-04-13', calendar });
    const refreshed = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId('calendar-2029', '1.1'),
      taskQueue: 'calendar',
      args: [{ spec: spec('1.1') }],
    });
    const untouched = await env.client.workflow.start(measureWorkflow, {
      workflowId: measureWorkflowId('calendar-2029', '1.2'),
      taskQueue: 'calendar',
      args: [{ spec: spec('1.2') }],
    });

    // The 10-day reminder goes out on the statutory calendar (清明 only on 4 April): Thursday 29 March.
    const refreshAt = at('2029-03-30T10:00');
    await sleepUntil(refreshAt);
    // The office installs the notice (rectify calendar import --install) and pushes it (rectify calendar refresh).
    const dir = mkdtempSync(join(tmpdir(), 'rectify-calendar-'));
    installYear(dir, 2029, parseHolidayNotice(NOTICE_2029).arrangement['2029']);
    useInstalledYears(readInstalledYears(dir));
    const request = calendarRefresh(2029);
    expect(Object.keys(request.years)).toEqual(['2029']);
    await refreshed.executeUpdate(msg.refreshCalendarUpdate, { args: [{ actor: OFFICE, ...request }] });

    const end = at('2029-04-17T12:00');
    await sleepUntil(end);
    await Promise.all([refreshed.query(msg.getStateQuery), untouched.query(msg.getStateQuery)]);
    const [mine, other] = [await sent(refreshed.workflowId), await sent(untouched.workflowId)];
    const when = (list: typeof mine, stage: string) => list.find((n) => n.stage === stage);

    // Both sent the 10-day reminder on the provisional calendar.
    expect(when(mine, 'v1:deadline:reminder:10')).toMatchObject({ plannedAt: '2029-03-29T01:00:00.000Z', provisionalCalendar: true });
    expect(when(other, 'v1:deadline:reminder:10')).toMatchObject({ plannedAt: '2029-03-29T01:00:00.000Z', provisionalCalendar: true });
    // Friday 6 April is a holiday in the notice: the refreshed measure reminds on Saturday 7 April, a make-up day.
    expect(when(mine, 'v1:deadline:reminder:5')).toMatchObject({ plannedAt: '2029-04-07T01:00:00.000Z' });
    expect(when(mine, 'v1:deadline:reminder:5')!.provisionalCalendar).toBeFalsy();
    expect(when(other, 'v1:deadline:reminder:5')).toMatchObject({ plannedAt: '2029-04-06T01:00:00.000Z', provisionalCalendar: true });

    // Notice by notice, each is what the planner says: the statutory calendar, then (after the refresh) the notice.
    const progress = initialProgress(spec('1.1'), t0);
    const installedSpec = { ...spec('1.1'), calendar: { ...calendar, years: { ...calendar.years, ...request.years } } };
    const expected = [...advance(spec('1.1'), progress, t0, refreshAt), ...advance(installedSpec, progress, refreshAt, end)];
    expect(rowsOf(mine)).toEqual(expectedRows(expected));
    expect(rowsOf(other)).toEqual(expectedRows(advance(spec('1.2'), initialProgress(spec('1.2'), t0), t0, end)));
    expect(rowsOf(mine)).not.toEqual(rowsOf(other));
    // What the state shows: the year arrived, and its working days count on the notice.
    expect(Object.keys((await refreshed.query(msg.getDetailsQuery)).calendarYears)).toEqual(['2029']);
    expect((await refreshed.query(msg.getStateQuery)).calendar.published).toContain(2029);

    await recordHistory('life-calendar-refreshed', refreshed);
    await Promise.all([refreshed, untouched].map((h) => h.terminate('test finished')));
    useInstalledYears({});
  });

  it('tries an alert the office’s server refused again the next working morning, and only then counts it told', async () => {
    // Started on a Friday afternoon with 2029 unpublished: the alert waits for Monday 09:00.
    await sleepUntil(at('2029-04-20T16:00'));
    refusing.add('watch-refused');
    const handle = await env.client.workflow.start(calendarWatchWorkflow, {
      workflowId: calendarWatchWorkflowId('watch-refused'),
      taskQueue: 'calendar',
      args: [{ planId: 'watch-refused', timeZone: ZONE, sendAt: '09:00', published: Object.keys(publishedYears()).map(Number) }],
    });
    const waiting = await eventually(
      () => handle.query(msg.getCalendarWatchQuery),
      (v) => v.nextCheckAt !== undefined,
    );
    expect(waiting.nextCheckAt).toBe(new Date(at('2029-04-23T09:00')).toISOString());
    // Monday's alert is refused: the watch looks again the next morning.
    await sleepUntil(at('2029-04-23T09:30'));
    const refused = await handle.query(msg.getCalendarWatchQuery);
    expect(refused.alerted).toEqual([]);
    expect(refused.nextCheckAt).toBe(new Date(at('2029-04-24T09:00')).toISOString());
    refusing.delete('watch-refused');
    await sleepUntil(at('2029-04-24T09:30'));
    const told = await handle.query(msg.getCalendarWatchQuery);
    expect(told.alerted).toEqual([2029]);
    expect((await outbox.alerts()).filter((a) => a.planId === 'watch-refused').map((a) => a.asOf)).toEqual(['2029-04-24']);
    expect(await alertsScheduledAt(handle)).toEqual([at('2029-04-23T09:00'), at('2029-04-24T09:00')]);
    await handle.terminate('test finished');
  });

  it('tells the office once per year, ahead of the first year nobody has published, and not of one published meanwhile', async () => {
    // Started on a Tuesday afternoon: what is due goes on Wednesday at 09:00.
    await sleepUntil(at('2029-04-24T15:00'));
    const today = '2029-04-25';
    const published = Object.keys(publishedYears()).map(Number);
    const handle = await env.client.workflow.start(calendarWatchWorkflow, {
      workflowId: calendarWatchWorkflowId('watch-drill'),
      taskQueue: 'calendar',
      args: [{ planId: 'watch-drill', timeZone: ZONE, sendAt: '09:00', published }],
    });
    const alerts = async () => (await outbox.alerts()).filter((a) => a.planId === 'watch-drill');

    // Every unpublished year within the lead time is told at the first working morning: from 2 November on, the next one.
    const reach = Number(addDays(today, ALERT_LEAD_DAYS).slice(0, 4));
    const expectedFirst: number[] = [];
    for (let y = Number(today.slice(0, 4)); y <= reach; y++) if (!published.includes(y)) expectedFirst.push(y);
    const waiting = await eventually(
      () => handle.query(msg.getCalendarWatchQuery),
      (v) => v.nextCheckAt !== undefined,
    );
    expect(waiting.nextCheckAt).toBe(new Date(at(`${today}T09:00`)).toISOString());
    await sleepUntil(at(`${today}T09:30`));
    await handle.query(msg.getCalendarWatchQuery);
    const first = (await alerts()).map((a) => a.year);
    expect(first).toEqual(expectedFirst);
    expect(first.length).toBeGreaterThan(0);

    // The year after is published early (installed, refreshed): nobody is told about it.
    const early = reach + 1;
    const view = await handle.executeUpdate(msg.refreshCalendarWatchUpdate, {
      args: [{ actor: OFFICE, years: { [early]: { holidays: [`${early}-01-01`], workdays: [] } } }],
    });
    expect(view.published).toContain(early);
    const next = early + 1;
    expect(view.nextCheckAt).toBe(new Date(at(`${addDays(`${next}-01-01`, -ALERT_LEAD_DAYS)}T09:00`)).toISOString());

    // Sixty days before the year after that (or the first working day from then), the office is told of it, once.
    await sleepUntil(at(`${next - 1}-12-31T12:00`));
    await handle.query(msg.getCalendarWatchQuery);
    const told = await alerts();
    expect(told.map((a) => a.year)).toEqual([...expectedFirst, next]);
    expect(told.at(-1)).toMatchObject({
      year: next,
      from: `${next}-01-01`,
      asOf: workdays.onOrAfter(addDays(`${next}-01-01`, -ALERT_LEAD_DAYS)),
      idempotencyKey: `calendar:watch-drill:${next}`,
    });
    expect((await handle.query(msg.getCalendarWatchQuery)).alerted).toEqual([...expectedFirst, next]);
    await recordHistory('calendar-watch', handle);
    await handle.terminate('test finished');
  });

  it('sends the alert at 09:00 on the next working day when the watch wakes on a Sunday, or is started on one at 12:16', async () => {
    // A year whose alert day (2 November, sixty days before the next) is a Sunday, still ahead.
    const now = await env.currentTimeMs();
    let year = Number(localDate(now, ZONE).slice(0, 4));
    while (weekdayZh(`${year}-11-02`) !== '周日' || at(`${year}-11-02T09:00`) <= now) year++;
    const sunday = `${year}-11-02`;
    const monday = addDays(sunday, 1);
    expect(workdays.isWorkday(monday)).toBe(true);
    // Everything up to that year published: the next is told on its alert day, that Sunday.
    const published = Array.from({ length: year - 2003 }, (_, i) => 2004 + i);
    const start = (planId: string) =>
      env.client.workflow.start(calendarWatchWorkflow, {
        workflowId: calendarWatchWorkflowId(planId),
        taskQueue: 'calendar',
        args: [{ planId, timeZone: ZONE, sendAt: '09:00', published }],
      });
    const woken = await start('watch-sunday');
    expect(
      (
        await eventually(
          () => woken.query(msg.getCalendarWatchQuery),
          (v) => v.nextCheckAt !== undefined,
        )
      ).nextCheckAt,
    ).toBe(new Date(at(`${sunday}T09:00`)).toISOString());

    // Sunday 09:00: the watch wakes with the alert due, and waits for Monday's send time.
    await sleepUntil(at(`${sunday}T12:16`));
    expect((await woken.query(msg.getCalendarWatchQuery)).nextCheckAt).toBe(new Date(at(`${monday}T09:00`)).toISOString());
    // Started on the Sunday at 12:16 (a plan started, a refresh), with the alert due at once: the same.
    const started = await start('watch-started-sunday');
    expect(
      (
        await eventually(
          () => started.query(msg.getCalendarWatchQuery),
          (v) => v.nextCheckAt !== undefined,
        )
      ).nextCheckAt,
    ).toBe(new Date(at(`${monday}T09:00`)).toISOString());
    const told = async () => (await outbox.alerts()).filter((a) => a.planId === 'watch-sunday' || a.planId === 'watch-started-sunday');
    expect(await told()).toEqual([]);

    await sleepUntil(at(`${monday}T09:30`));
    await Promise.all([woken, started].map((h) => h.query(msg.getCalendarWatchQuery)));
    expect((await told()).map((a) => [a.planId, a.year, a.asOf])).toEqual([
      ['watch-started-sunday', year + 1, monday],
      ['watch-sunday', year + 1, monday],
    ]);
    // Handed to delivery at Monday 09:00, not when the watch woke.
    for (const h of [woken, started]) expect(await alertsScheduledAt(h)).toEqual([at(`${monday}T09:00`)]);
    await recordHistory('calendar-watch-workday', woken);
    await recordHistory('calendar-watch-started-sunday', started);
    await Promise.all([woken, started].map((h) => h.terminate('test finished')));
  });
});
