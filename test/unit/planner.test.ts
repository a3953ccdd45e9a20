import fc from 'fast-check';
import { DateTime } from 'luxon';
import { chinaCalendar } from '../../domain/calendar-data';
import { addDays, localDate } from '../../domain/dates';
import { dueAt, nextActions, periodEnds, SEND_WINDOW_MS, stages, trafficLight, type MeasureProgress } from '../../domain/planner';
import { advance, initialProgress, simulate, type SimulatedNotice } from '../../domain/simulate';
import { testSpec } from '../helpers/specs';
import { closedBefore } from '../../domain/lookback';
import { requireDueAhead } from '../../domain/requests';

const cal = chinaCalendar();
const at = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toMillis();
const show = (ms: number) => DateTime.fromMillis(ms, { zone: 'Asia/Shanghai' }).toFormat("yyyy-MM-dd'T'HH:mm");
const row = (n: SimulatedNotice) => [show(n.sentAt), n.key, n.kind, n.audiences.join('+'), n.catchUp];

describe('planner: a deadline measure', () => {
  const spec = testSpec(); // deadline Tue 2024-10-15, right after 国庆 and its make-up Saturday 10-12

  it('reminds at 10, 5, 2, 1, 0 working days and climbs the ladder, at 09:00 on working days', () => {
    const notices = simulate(spec, at('2024-09-01T00:00'), at('2024-11-14T00:00'));
    expect(notices.map(row)).toEqual([
      ['2024-09-26T09:00', 'v1:deadline:reminder:10', 'reminder', 'leadUnit', false], // 国庆 days off are not counted
      ['2024-10-09T09:00', 'v1:deadline:reminder:5', 'reminder', 'leadUnit', false],
      ['2024-10-12T09:00', 'v1:deadline:reminder:2', 'reminder', 'leadUnit', false], // a make-up Saturday is a working day
      ['2024-10-14T09:00', 'v1:deadline:reminder:1', 'reminder', 'leadUnit', false],
      ['2024-10-15T09:00', 'v1:deadline:reminder:0', 'final-reminder', 'leadUnit', false],
      ['2024-10-16T09:00', 'v1:deadline:overdue:0', 'overdue', 'leadUnit+leader', false],
      ['2024-10-21T09:00', 'v1:deadline:overdue:1', 'overdue', 'leadUnit+leader+office', false],
      ['2024-10-30T09:00', 'v1:deadline:overdue:2', 'overdue', 'leadUnit+leader+office+leadershipGroup', false],
      ['2024-11-06T09:00', 'v1:deadline:overdue:2:repeat:1', 'overdue', 'leadUnit+leader+office+leadershipGroup', false],
      ['2024-11-13T09:00', 'v1:deadline:overdue:2:repeat:2', 'overdue', 'leadUnit+leader+office+leadershipGroup', false],
    ]);
    expect(notices.find((n) => n.key === 'v1:deadline:overdue:1')).toMatchObject({ level: 1, workdaysOverdue: 3, dueDate: '2024-10-15' });
  });

  it('sends one catch-up for the current stage when started late, in the next send window', () => {
    // Started Thursday 10-10 at 15:00: the 10- and 5-day reminders have passed; the 5-day one is current.
    const notices = simulate(spec, at('2024-10-10T15:00'), at('2024-10-15T12:00'));
    expect(notices.map(row)).toEqual([
      ['2024-10-11T09:00', 'v1:deadline:reminder:5', 'reminder', 'leadUnit', true],
      ['2024-10-12T09:00', 'v1:deadline:reminder:2', 'reminder', 'leadUnit', false],
      ['2024-10-14T09:00', 'v1:deadline:reminder:1', 'reminder', 'leadUnit', false],
      ['2024-10-15T09:00', 'v1:deadline:reminder:0', 'final-reminder', 'leadUnit', false],
    ]);
  });

  it('after an outage sends the current stage once, not every missed one', () => {
    const p = initialProgress(spec, at('2024-09-01T00:00'));
    // Worker down from before the first reminder until Monday 10-21, 09:20 (inside the send window).
    const first = nextActions(spec, p, cal, at('2024-10-21T09:20'));
    expect(first.send.map((n) => [n.key, n.catchUp])).toEqual([['v1:deadline:overdue:1', false]]);
    expect(first.skip).toEqual([
      'v1:deadline:reminder:10',
      'v1:deadline:reminder:5',
      'v1:deadline:reminder:2',
      'v1:deadline:reminder:1',
      'v1:deadline:reminder:0',
      'v1:deadline:overdue:0',
    ]);
    // Back at 14:00 instead: nothing goes out until the next working morning, as a catch-up.
    const later = nextActions(spec, p, cal, at('2024-10-21T14:00'));
    expect(later.send).toEqual([]);
    expect(show(later.wakeAt!)).toBe('2024-10-22T09:00');
    expect(nextActions(spec, p, cal, at('2024-10-22T09:00')).send.map((n) => [n.key, n.catchUp])).toEqual([
      ['v1:deadline:overdue:1', true],
    ]);
  });

  it('plans again after an extension: new deadline, new version, sent stages never repeated', () => {
    const p = initialProgress(spec, at('2024-09-01T00:00'));
    const before = simulate(spec, at('2024-09-01T00:00'), at('2024-10-22T00:00'), p);
    for (const n of before) p.handled[n.key] = 'sent';
    // Approved on 10-22 (mid-ladder): the deadline moves to Fri 2024-11-29.
    const extended: MeasureProgress = { ...p, deadline: '2024-11-29', deadlineVersion: 2 };
    const after = simulate(spec, at('2024-10-22T10:00'), at('2024-12-03T00:00'), extended);
    expect(after.map(row)).toEqual([
      ['2024-11-15T09:00', 'v2:deadline:reminder:10', 'reminder', 'leadUnit', false],
      ['2024-11-22T09:00', 'v2:deadline:reminder:5', 'reminder', 'leadUnit', false],
      ['2024-11-27T09:00', 'v2:deadline:reminder:2', 'reminder', 'leadUnit', false],
      ['2024-11-28T09:00', 'v2:deadline:reminder:1', 'reminder', 'leadUnit', false],
      ['2024-11-29T09:00', 'v2:deadline:reminder:0', 'final-reminder', 'leadUnit', false],
      ['2024-12-02T09:00', 'v2:deadline:overdue:0', 'overdue', 'leadUnit+leader', false],
    ]);
  });

  it('stops chasing once completion is submitted, and for good once closed', () => {
    const p = initialProgress(spec, at('2024-09-01T00:00'));
    expect(stages(spec, { ...p, status: 'submitted' }, cal, at('2025-01-01T00:00'))).toEqual([]);
    expect(stages(spec, { ...p, status: 'closed' }, cal, at('2025-01-01T00:00'))).toEqual([]);
  });

  it('keeps the traffic light: green, yellow from the first reminder, red at 18:00 on the deadline', () => {
    const p = initialProgress(spec, at('2024-09-01T00:00'));
    expect(trafficLight(spec, p, cal, at('2024-09-26T08:59'))).toEqual({ light: 'green', nextChangeAt: at('2024-09-26T09:00') });
    expect(trafficLight(spec, p, cal, at('2024-09-26T09:00'))).toEqual({ light: 'yellow', nextChangeAt: at('2024-10-15T18:00') });
    expect(trafficLight(spec, p, cal, at('2024-10-15T18:00'))).toEqual({ light: 'red' });
    expect(trafficLight(spec, { ...p, status: 'submitted' }, cal, at('2024-10-20T10:00'), at('2024-10-14T10:00')).light).toBe('green');
    expect(trafficLight(spec, { ...p, status: 'submitted' }, cal, at('2024-10-20T10:00'), at('2024-10-16T10:00')).light).toBe('red');
    expect(trafficLight(spec, { ...p, status: 'closed' }, cal, at('2024-12-20T10:00')).light).toBe('green');
  });
});

describe('planner: phased and long-term measures', () => {
  it('chases each milestone in turn, and the deadline', () => {
    const spec = testSpec({
      kind: 'phased',
      deadline: '2024-12-31',
      milestones: [
        { title: '摸清底数', deadline: '2024-03-29' },
        { title: '集中整治', deadline: '2024-09-30' },
      ],
    });
    const p = initialProgress(spec, at('2024-03-01T00:00'));
    const firstQuarter = simulate(spec, at('2024-03-01T00:00'), at('2024-04-03T00:00'), p);
    expect(firstQuarter.map(row)).toEqual([
      ['2024-03-22T09:00', 'milestone:0:reminder:5', 'milestone-reminder', 'leadUnit', false],
      ['2024-03-28T09:00', 'milestone:0:reminder:1', 'milestone-reminder', 'leadUnit', false],
      ['2024-03-29T09:00', 'milestone:0:reminder:0', 'milestone-reminder', 'leadUnit', false],
      ['2024-04-01T09:00', 'milestone:0:overdue:0', 'milestone-overdue', 'leadUnit+leader', false],
    ]);
    expect(trafficLight(spec, p, cal, at('2024-04-01T10:00')).light).toBe('yellow'); // a report is late
    // Milestone 1 done: its chasing stops, the next milestone's starts.
    const done: MeasureProgress = { ...p, milestonesDone: 1, handled: Object.fromEntries(firstQuarter.map((n) => [n.key, 'sent'])) };
    expect(trafficLight(spec, done, cal, at('2024-04-01T10:00')).light).toBe('green');
    const next = simulate(spec, at('2024-04-01T10:00'), at('2024-09-30T12:00'), done);
    expect(next.map((n) => n.key)).toEqual(['milestone:1:reminder:5', 'milestone:1:reminder:1', 'milestone:1:reminder:0']);
    expect(show(next[0].sentAt)).toBe('2024-09-24T09:00'); // 5 working days before 09-30 count the make-up Sunday 09-29
  });

  it('does not chase a milestone again when the final deadline is extended', () => {
    const spec = testSpec({ kind: 'phased', deadline: '2024-12-31', milestones: [{ title: '摸清底数', deadline: '2024-03-29' }] });
    const p = initialProgress(spec, at('2024-03-01T00:00'));
    const before = advance(spec, p, at('2024-03-01T00:00'), at('2024-04-10T11:00'));
    expect(before.map((n) => n.key)).toContain('milestone:0:overdue:1');
    p.deadline = '2025-03-31';
    p.deadlineVersion = 2;
    const after = advance(spec, p, at('2024-04-10T11:00'), at('2024-04-20T00:00'));
    // The milestone's ladder goes on where it was (level 3 next); nothing already sent is sent again.
    expect(after.map((n) => n.key)).toEqual(['milestone:0:overdue:2']);
    expect(trafficLight(spec, p, cal, at('2024-04-20T00:00')).light).toBe('yellow');
  });

  it('wakes a long-term measure whose reporting starts later on a period end', () => {
    const spec = testSpec({ kind: 'longterm' });
    const p = { ...initialProgress(spec, at('2025-03-20T10:00')), reportingFrom: '2025-03-31' };
    expect(periodEnds('quarterly', '2025-03-31', '2025-03-20')).toEqual(['2025-06-30']);
    expect(show(nextActions(spec, p, cal, at('2025-03-20T10:00')).wakeAt!)).toBe('2025-06-23T09:00');
  });

  it('asks long-term measures for a report every quarter and chases a late one', () => {
    const spec = testSpec({ kind: 'longterm' });
    expect(periodEnds('quarterly', '2024-01-15', '2024-07-01')).toEqual(['2024-03-31', '2024-06-30', '2024-09-30']);
    expect(periodEnds('monthly', '2024-01-31', '2024-02-10')).toEqual(['2024-02-29']);
    const p = initialProgress(spec, at('2024-01-15T10:00'));
    const year = simulate(spec, at('2024-01-15T10:00'), at('2024-04-08T00:00'), p);
    expect(year.map(row)).toEqual([
      ['2024-03-22T09:00', 'report:2024-03-31:reminder:5', 'report-reminder', 'leadUnit', false],
      ['2024-03-28T09:00', 'report:2024-03-31:reminder:1', 'report-reminder', 'leadUnit', false],
      ['2024-03-29T09:00', 'report:2024-03-31:reminder:0', 'report-reminder', 'leadUnit', false], // 03-31 is a Sunday
      ['2024-04-01T09:00', 'report:2024-03-31:overdue:0', 'report-overdue', 'leadUnit+leader', false],
      ['2024-04-07T09:00', 'report:2024-03-31:overdue:1', 'report-overdue', 'leadUnit+leader+office', false], // 清明 make-up Sunday
    ]);
    // The report for Q1 is in: the quarter's chasing stops and Q2 is next.
    const reported: MeasureProgress = { ...p, reportsDone: ['2024-03-31'] };
    expect(stages(spec, reported, cal, at('2024-04-08T00:00')).every((s) => s.period !== '2024-03-31')).toBe(true);
    expect(trafficLight(spec, reported, cal, at('2024-04-08T00:00')).light).toBe('green');
    // Reported ahead for Q2 too: planning still reaches Q3.
    const ahead: MeasureProgress = { ...p, reportsDone: ['2024-03-31', '2024-06-30'] };
    const next = nextActions(spec, ahead, cal, at('2024-03-20T10:00'));
    expect(show(next.wakeAt!)).toBe('2024-09-24T09:00'); // 5 working days before Mon 09-30, counting the make-up Sunday 09-29
  });
});

describe('planner: running past the published years', () => {
  it('keeps chasing on a Mon–Fri calendar and flags those notices provisional', () => {
    const spec = testSpec({ deadline: '2026-12-16' }); // a strict plan: its own dates are all published
    const unpublished = Math.max(...cal.publishedYears) + 1;
    const notices = simulate(spec, at('2026-12-01T00:00'), at(`${unpublished}-02-01T00:00`));
    const inNextYear = notices.filter((n) => show(n.sentAt).startsWith(String(unpublished)));
    expect(inNextYear.length).toBeGreaterThan(0);
    expect(inNextYear.every((n) => n.provisional)).toBe(true);
    expect(notices.filter((n) => !show(n.sentAt).startsWith(String(unpublished))).every((n) => !n.provisional)).toBe(true);
    expect(inNextYear.every((n) => DateTime.fromMillis(n.sentAt, { zone: 'Asia/Shanghai' }).weekday <= 5)).toBe(true);
  });
});

describe('planner properties', () => {
  // Deadlines up to mid-September 2026, so that every ladder stays inside the published years.
  const dates = fc.integer({ min: 0, max: 980 }).map((d) => addDays('2024-01-01', d));
  const offsets = fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 6 });
  const sendTimes = fc.constantFrom('08:30', '09:00', '10:15', '14:00');

  function sentOnTimeOrInWindow(n: SimulatedNotice, sendAt: string): boolean {
    const local = DateTime.fromMillis(n.sentAt, { zone: 'Asia/Shanghai' });
    const slot = DateTime.fromISO(`${local.toISODate()}T${sendAt}`, { zone: 'Asia/Shanghai' }).toMillis();
    return cal.isWorkday(local.toISODate()!) && n.sentAt >= slot && n.sentAt < slot + SEND_WINDOW_MS;
  }

  it('plans every notice at the send time on a working day, reminders and escalations counted in working days', () => {
    fc.assert(
      fc.property(dates, offsets, sendTimes, (deadline, offs, sendAt) => {
        const spec = testSpec({ deadline, policyOverride: { reminders: { offsetsWorkdays: offs, sendAt } } });
        const all = stages(spec, initialProgress(spec, at('2024-01-01T00:00')), cal, at(`${addDays(deadline, 60)}T00:00`));
        for (const s of all) {
          const local = DateTime.fromMillis(s.at, { zone: 'Asia/Shanghai' });
          const day = local.toISODate()!;
          expect(cal.isWorkday(day)).toBe(true);
          expect(local.toFormat('HH:mm')).toBe(sendAt);
          if (s.workdaysBefore !== undefined) expect(cal.workdaysBetween(day, cal.onOrBefore(deadline))).toBe(s.workdaysBefore);
          if (s.workdaysOverdue !== undefined) expect(cal.workdaysBetween(deadline, day)).toBe(s.workdaysOverdue + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('whenever the measure starts, sends only in send windows, each stage at most once, one catch-up per track at most', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 0, max: 40 * 24 * 60 }), sendTimes, (deadline, minutesBefore, sendAt) => {
        const spec = testSpec({ deadline, policyOverride: { reminders: { sendAt } } });
        const start = at(`${deadline}T12:00`) - minutesBefore * 60_000;
        const notices = simulate(spec, start, at(`${addDays(deadline, 45)}T00:00`));
        expect(notices.every((n) => sentOnTimeOrInWindow(n, sendAt))).toBe(true);
        expect(new Set(notices.map((n) => n.key)).size).toBe(notices.length);
        expect(notices.filter((n) => n.catchUp).length).toBeLessThanOrEqual(1);
        // Nothing is sent out of order.
        expect(notices.map((n) => n.sentAt)).toEqual([...notices.map((n) => n.sentAt)].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('after an extension at any moment, never sends a stage already sent and chases only the new deadline', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 5, max: 60 }), (deadline, extendAfterDays, extraDays) => {
        const spec = testSpec({ deadline });
        const start = at(`${addDays(deadline, -30)}T00:00`);
        const extendAt = at(`${addDays(deadline, -30 + extendAfterDays)}T11:00`);
        const p = initialProgress(spec, start);
        const before = simulate(spec, start, extendAt, p);
        for (const n of before) p.handled[n.key] = 'sent';
        const newDeadline = cal.onOrAfter(addDays(deadline, extraDays));
        const after = simulate(spec, extendAt, at(`${addDays(newDeadline, 20)}T00:00`), {
          ...p,
          deadline: newDeadline,
          deadlineVersion: 2,
        });
        const keys = [...before, ...after].map((n) => n.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(after.every((n) => n.key.startsWith('v2:') && n.dueDate === newDeadline)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('local dates and instants agree for Asia/Shanghai', () => {
    expect(localDate(at('2024-10-15T23:59'), 'Asia/Shanghai')).toBe('2024-10-15');
  });
});

describe('look-back campaign selection', () => {
  it('compares a close-out with --closed-before on the plan’s own calendar day, not UTC’s', () => {
    // 07:30 on 10 March in Shanghai is still 9 March in UTC: a measure closed then was not closed before the 10th.
    expect(closedBefore('2026-03-09T23:30:00.000Z', '2026-03-10', 'Asia/Shanghai')).toBe(false);
    expect(closedBefore('2026-03-09T15:59:00.000Z', '2026-03-10', 'Asia/Shanghai')).toBe(true); // 23:59 on the 9th
  });
});

describe('the one due rule (“X前”): a date on a day off falls due on the last working day before it', () => {
  const cal = chinaCalendar();
  const spec = testSpec({ deadline: '2024-06-30', dueOnWorkday: true });
  const now = at('2024-06-01T10:00');

  it('makes a Sunday deadline due at 18:00 on the Friday before, and leaves older measures as they were', () => {
    expect(new Date(dueAt(spec, '2024-06-30', cal)).toISOString()).toBe('2024-06-28T10:00:00.000Z');
    expect(new Date(dueAt({ ...spec, dueOnWorkday: undefined }, '2024-06-30', cal)).toISOString()).toBe('2024-06-30T10:00:00.000Z');
    // The light turns red from Friday evening, not Sunday's.
    const progress = initialProgress(spec, now);
    expect(trafficLight(spec, progress, cal, at('2024-06-29T12:00'), undefined).light).toBe('red');
  });

  it('takes an extension to a day off as due the working day before, and refuses one that moves nothing', () => {
    // Current deadline Friday 2024-06-28: Sunday the 30th is due that same Friday.
    expect(() => requireDueAhead('2024-06-30', cal, 'Asia/Shanghai', now, '2024-06-28')).toThrow(
      '新时限2024年6月30日（2024年6月30日不是工作日，按“X前”的规则于2024年6月28日到期）并未晚于当前时限（2024年6月28日）',
    );
    // From a Wednesday deadline, the Sunday after is due on the Friday: later, so accepted.
    expect(() => requireDueAhead('2024-06-30', cal, 'Asia/Shanghai', now, '2024-06-26')).not.toThrow();
    expect(() => requireDueAhead('2024-05-31', cal, 'Asia/Shanghai', now)).toThrow('应晚于今天（2024年6月1日）');
  });
});
