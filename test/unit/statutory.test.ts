/**
 * The provisional calendar for years nobody has published: the statutory holidays of
 * 《全国年节及纪念日放假办法》 (2024 revision), with 补假 for holidays on weekends, no make-up days.
 */
import { calendarYearProblems, WorkCalendar } from '../../domain/calendar';
import { chinaCalendar, provisionalYearsBetween, publishedYears } from '../../domain/calendar-data';
import { addDays, isoWeekday } from '../../domain/dates';
import { statutoryFestivals, statutoryYear } from '../../domain/statutory';

/**
 * Festival dates worked out by hand from the lunar calendar and the solar terms: 正月初一 (春节,
 * 除夕 is the day before), 清明 (the solar term), 五月初五 (端午), 八月十五 (中秋).
 */
const BY_HAND: Record<number, { chuyi: string; qingming: string; duanwu: string; zhongqiu: string }> = {
  2025: { chuyi: '2025-01-29', qingming: '2025-04-04', duanwu: '2025-05-31', zhongqiu: '2025-10-06' },
  2026: { chuyi: '2026-02-17', qingming: '2026-04-05', duanwu: '2026-06-19', zhongqiu: '2026-09-25' },
  2027: { chuyi: '2027-02-06', qingming: '2027-04-05', duanwu: '2027-06-09', zhongqiu: '2027-09-15' },
  2028: { chuyi: '2028-01-26', qingming: '2028-04-04', duanwu: '2028-05-28', zhongqiu: '2028-10-03' },
  2029: { chuyi: '2029-02-13', qingming: '2029-04-04', duanwu: '2029-06-16', zhongqiu: '2029-09-22' },
  2030: { chuyi: '2030-02-03', qingming: '2030-04-05', duanwu: '2030-06-05', zhongqiu: '2030-09-12' },
};

describe('the statutory holidays (全国年节及纪念日放假办法)', () => {
  it.each(Object.entries(BY_HAND))('puts the festivals of %s on the lunar and solar-term dates', (year, d) => {
    const y = Number(year);
    const days = Object.fromEntries(statutoryFestivals(y).map((f) => [f.name, f.days]));
    expect(days).toEqual({
      元旦: [`${y}-01-01`],
      春节: [addDays(d.chuyi, -1), d.chuyi, addDays(d.chuyi, 1), addDays(d.chuyi, 2)],
      清明节: [d.qingming],
      劳动节: [`${y}-05-01`, `${y}-05-02`],
      端午节: [d.duanwu],
      中秋节: [d.zhongqiu],
      国庆节: [`${y}-10-01`, `${y}-10-02`, `${y}-10-03`],
    });
  });

  it('makes up holidays on weekends on the next working days (2027, worked out by hand)', () => {
    // 元旦 Fri; 春节 除夕 Fri 5 Feb to 初三 Mon 8 Feb, two on the weekend: 9 and 10 Feb off;
    // 清明 Mon; 劳动节 Sat–Sun: 3 and 4 May off; 端午 Wed; 中秋 Wed; 国庆 Fri–Sun: 4 and 5 Oct off.
    expect(statutoryYear(2027)).toEqual({
      holidays: [
        '2027-01-01',
        '2027-02-05',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-04-05',
        '2027-05-03',
        '2027-05-04',
        '2027-06-09',
        '2027-09-15',
        '2027-10-01',
        '2027-10-04',
        '2027-10-05',
      ],
      workdays: [],
    });
  });

  it('counts a festival that falls on another once more (2028: 中秋 on 国庆’s third day)', () => {
    // 元旦 Sat: 3 Jan; 端午 Sun: 29 May; 国庆 Sun–Tue with 中秋 on Tue: four days owed, two on weekdays, 4 and 5 Oct more.
    expect(statutoryYear(2028).holidays).toEqual([
      '2028-01-03',
      '2028-01-25',
      '2028-01-26',
      '2028-01-27',
      '2028-01-28',
      '2028-04-04',
      '2028-05-01',
      '2028-05-02',
      '2028-05-29',
      '2028-10-02',
      '2028-10-03',
      '2028-10-04',
      '2028-10-05',
    ]);
  });

  it('is contained in what the State Council actually gave in 2025 and 2026', () => {
    const official = chinaCalendar();
    for (const year of [2025, 2026]) {
      const statutoryDays = statutoryFestivals(year).flatMap((f) => f.days);
      expect(statutoryDays.filter((d) => official.isWorkday(d))).toEqual([]);
    }
  });

  it('is the provisional calendar of an unpublished year, flagged as such', () => {
    const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
    expect(calendar.isProvisional('2027-01-01')).toBe(true);
    expect(calendar.isProvisional('2026-12-31')).toBe(false);
    expect(calendar.isWorkday('2027-01-01')).toBe(false); // 元旦, a Friday
    expect(calendar.addWorkdays('2026-12-31', 1)).toBe('2027-01-04');
    // 春节: 4 Feb (Thu) + 1 working day skips 5–10 Feb.
    expect(calendar.addWorkdays('2027-02-04', 1)).toBe('2027-02-11');
    expect(calendar.workdaysBetween('2027-09-30', '2027-10-06')).toBe(1);
    expect(calendar.isProvisionalBetween('2026-12-01', '2026-12-31')).toBe(false);
    expect(calendar.isProvisionalBetween('2026-12-30', '2027-01-04')).toBe(true);
    // The Mon–Fri rule stays for plans that ask for it.
    expect(chinaCalendar({ unpublishedYears: 'weekdays' }).isWorkday('2027-01-01')).toBe(true);
  });

  it('travels in a workflow’s input as data: carried years, and Mon–Fri beyond them', () => {
    const carried = provisionalYearsBetween(2026, 2027);
    expect(Object.keys(carried)).toEqual(['2027']); // 2026 is published
    const inWorkflow = new WorkCalendar({ years: publishedYears(), unpublishedYears: 'statutory', provisionalYears: carried });
    expect(inWorkflow.isWorkday('2027-10-04')).toBe(false);
    expect(inWorkflow.isWorkday('2028-01-03')).toBe(true); // not carried: Monday to Friday, still provisional
    expect(inWorkflow.isProvisional('2028-01-03')).toBe(true);
    // Where carried, the workflow counts as the worker does when it renders a mail (the rule computed on the spot).
    const carriedAhead = new WorkCalendar({
      years: publishedYears(),
      unpublishedYears: 'statutory',
      provisionalYears: provisionalYearsBetween(2027, 2030),
    });
    const worker = chinaCalendar({ unpublishedYears: 'statutory' });
    const days: string[] = [];
    for (let d = '2027-01-01'; d <= '2030-12-31'; d = addDays(d, 1)) days.push(d);
    expect(days.filter((d) => worker.isWorkday(d) !== carriedAhead.isWorkday(d))).toEqual([]);
  });

  it('lists only weekdays off, and every one of them is a weekday', () => {
    for (let y = 2027; y <= 2040; y++) {
      const { holidays } = statutoryYear(y);
      expect(holidays.filter((d) => isoWeekday(d) > 5)).toEqual([]);
      // Thirteen statutory days a year, made up when they fall on weekends or on each other.
      const owed = statutoryFestivals(y).reduce((n, f) => n + f.days.length, 0);
      expect(holidays.length).toBe(owed);
      expect(calendarYearProblems({ [y]: statutoryYear(y) })).toEqual([]);
    }
  });
});

describe('arrangements by year', () => {
  it('counts days a notice names in the December before (元旦 of 2019)', () => {
    const years = { '2018': { holidays: [], workdays: [] }, '2019': { holidays: ['2018-12-31', '2019-01-01'], workdays: ['2018-12-29'] } };
    const calendar = new WorkCalendar({ years: { '2019': years['2019'] }, crossYear: true });
    expect(calendar.dayKind('2018-12-29')).toBe('makeup-workday');
    expect(calendar.dayKind('2018-12-31')).toBe('holiday');
    expect(calendar.isPublished('2018-12-31')).toBe(false);
    // Workflows started before the importer read each date in its own year only, as they did then.
    const before = new WorkCalendar({ years });
    expect(before.dayKind('2018-12-29')).toBe('weekend');
    expect(before.dayKind('2018-12-31')).toBe('workday');
  });

  it('finds dates outside their year, make-up days on weekdays and days both off and working', () => {
    expect(
      calendarYearProblems({
        '2027': { holidays: ['2026-12-31', '2026-11-30', '2028-01-01', '2027-05-01'], workdays: ['2027-05-01', '2027-04-28'] },
      }).map((p) => `${p.list}[${p.index}] ${p.message}`),
    ).toEqual([
      'holidays[1] 2026-11-30不属于2027年的安排',
      'holidays[2] 2028-01-01不属于2027年的安排',
      'workdays[0] 2027-05-01同时列为放假和上班',
      'workdays[1] 2027-04-28（周三）本是工作日，调休上班日应为周六或周日',
    ]);
  });

  it('finds nothing wrong with the data package’s years', () => {
    expect(calendarYearProblems(publishedYears())).toEqual([]);
  });
});
