import { CalendarYearUnavailableError, WorkCalendar } from '../../domain/calendar';
import { chinaCalendar } from '../../domain/calendar-data';
import { addDays, isoWeekday } from '../../domain/dates';

/**
 * The State Council's published arrangements (国务院办公厅关于20XX年部分节假日安排的通知),
 * written out independently of the data package: days off on what would be working days
 * (weekends inside a holiday are off anyway) and the 调休 weekend working days.
 */
const OFFICIAL: Record<number, { off: string[]; makeup: string[] }> = {
  2024: {
    off: [
      '2024-01-01',
      ...range('2024-02-10', '2024-02-17'),
      ...range('2024-04-04', '2024-04-06'),
      ...range('2024-05-01', '2024-05-05'),
      '2024-06-10',
      ...range('2024-09-15', '2024-09-17'),
      ...range('2024-10-01', '2024-10-07'),
    ],
    makeup: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  2025: {
    off: [
      '2025-01-01',
      ...range('2025-01-28', '2025-02-04'),
      ...range('2025-04-04', '2025-04-06'),
      ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'),
      ...range('2025-10-01', '2025-10-08'),
    ],
    makeup: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    off: [
      ...range('2026-01-01', '2026-01-03'),
      ...range('2026-02-15', '2026-02-23'),
      ...range('2026-04-04', '2026-04-06'),
      ...range('2026-05-01', '2026-05-05'),
      ...range('2026-06-19', '2026-06-21'),
      ...range('2026-09-25', '2026-09-27'),
      ...range('2026-10-01', '2026-10-07'),
    ],
    makeup: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function officialWorkday(date: string): boolean {
  const year = OFFICIAL[Number(date.slice(0, 4))];
  if (year.makeup.includes(date)) return true;
  if (year.off.includes(date)) return false;
  return isoWeekday(date) <= 5;
}

describe('WorkCalendar (Chinese working days)', () => {
  const calendar = chinaCalendar();

  it('agrees with the official arrangement on every day of 2024–2026', () => {
    const days = range('2024-01-01', '2026-12-31');
    expect(days).toHaveLength(366 + 365 + 365);
    const disagreements = days.filter((d) => calendar.isWorkday(d) !== officialWorkday(d));
    expect(disagreements).toEqual([]);
  });

  it('names the kind of a day', () => {
    expect(calendar.dayKind('2024-02-04')).toBe('makeup-workday'); // Sunday, 调休
    expect(calendar.dayKind('2024-02-12')).toBe('holiday'); // Monday in 春节
    expect(calendar.dayKind('2024-03-02')).toBe('weekend');
    expect(calendar.dayKind('2024-03-04')).toBe('workday');
  });

  it('counts working days across 春节 and its make-up Sundays', () => {
    // 2024-02-08 (Thu) + 1 = 2024-02-09 (Fri); + 2 skips 10–17 Feb off and lands on 2024-02-18, a make-up Sunday.
    expect(calendar.addWorkdays('2024-02-08', 1)).toBe('2024-02-09');
    expect(calendar.addWorkdays('2024-02-08', 2)).toBe('2024-02-18');
    expect(calendar.addWorkdays('2024-02-18', -1)).toBe('2024-02-09');
    expect(calendar.addWorkdays('2024-02-18', 0)).toBe('2024-02-18');
    // 国庆 2025: 30 Sep (Tue) + 1 working day = 9 Oct (Thu).
    expect(calendar.addWorkdays('2025-09-30', 1)).toBe('2025-10-09');
    expect(calendar.workdaysBetween('2025-09-30', '2025-10-09')).toBe(1);
    expect(calendar.workdaysBetween('2025-10-09', '2025-09-30')).toBe(-1);
  });

  it('moves deadlines that fall on days off to the nearest working day in the asked direction', () => {
    expect(calendar.onOrBefore('2024-10-01')).toBe('2024-09-30');
    expect(calendar.onOrAfter('2024-10-01')).toBe('2024-10-08');
  });

  it('lists the working days of a range, 调休 included', () => {
    expect(calendar.workdaysInRange('2026-02-13', '2026-03-02')).toEqual([
      '2026-02-13',
      '2026-02-14',
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28',
      '2026-03-02',
    ]);
  });

  it('refuses a year with no published arrangement instead of guessing', () => {
    const unpublished = Math.max(...calendar.publishedYears) + 1;
    expect(() => calendar.isWorkday(`${unpublished}-03-01`)).toThrow(CalendarYearUnavailableError);
    expect(() => calendar.addWorkdays(`${unpublished - 1}-12-30`, 5)).toThrow(`${unpublished}年的节假日安排未收录`);
  });

  it('uses an arrangement the plan supplies, or an explicit provisional Mon–Fri rule', () => {
    const supplied = chinaCalendar({ years: { '2099': { holidays: ['2099-01-01'], workdays: ['2099-01-03'] } } });
    expect(supplied.isWorkday('2024-02-12')).toBe(false); // the published years stay
    expect(supplied.isWorkday('2099-01-01')).toBe(false); // a Thursday off
    expect(supplied.isWorkday('2099-01-03')).toBe(true); // a Saturday worked
    const provisional = chinaCalendar({ unpublishedYears: 'weekdays' });
    expect(provisional.isWorkday('2099-01-01')).toBe(true);
    expect(provisional.isProvisional('2099-01-01')).toBe(true);
    expect(provisional.isProvisional('2025-01-01')).toBe(false);
    // A calendar is only what it is given: workflows get their years in their input.
    expect(() => new WorkCalendar().isWorkday('2025-01-02')).toThrow(CalendarYearUnavailableError);
  });
});
