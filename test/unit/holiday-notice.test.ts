/**
 * The State Council's notice read into a year's arrangement. Real notices (2015, 2019, 2024–2026)
 * are checked day by day against the chinese-days data, an independent source; notices written
 * here in the newspaper and mixed styles against the arrangement they were written to state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkCalendar } from '../../domain/calendar';
import { chinaCalendar } from '../../domain/calendar-data';
import { addDays, isoWeekday } from '../../domain/dates';
import { HolidayNoticeError, parseHolidayNotice, type NoticeProblem } from '../../domain/holiday-notice';

const NOTICES = join(__dirname, '../fixtures/notices');
const notice = (file: string) => readFileSync(join(NOTICES, file), 'utf8');

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
const yearDays = (year: number) => range(`${year}-01-01`, `${year}-12-31`);

/** The days whose working/off status differs between the parsed notice and the expectation. */
function disagreements(text: string, days: string[], expected: (d: string) => boolean): string[] {
  const parsed = new WorkCalendar({ years: parseHolidayNotice(text).arrangement, crossYear: true });
  return days.filter((d) => parsed.isWorkday(d) !== expected(d));
}

function problemsOf(text: string): NoticeProblem[] {
  try {
    parseHolidayNotice(text);
  } catch (e) {
    if (e instanceof HolidayNoticeError) return e.problems;
    throw e;
  }
  throw new Error('the notice was accepted');
}

/** A 2025 notice in the official style with one item replaced. */
const with2025 = (item: string, replacement: string) => {
  const text = notice('2025.txt');
  if (!text.includes(item)) throw new Error(`fixture lacks ${item}`);
  return text.replace(item, replacement);
};

describe('the State Council notice (国务院办公厅关于部分节假日安排的通知)', () => {
  const published = chinaCalendar();

  it.each([
    ['2024.txt', 2024, '星期X, 与周末连休, 鼓励…除夕休息 (not a day off)'],
    ['2025.txt', 2025, '周X, 农历 notes, 不调休, 国庆节、中秋节 combined, a range across months'],
    ['2026.txt', 2026, '农历腊月 notes, 放假调休 across a weekend'],
    ['2015.txt', 2015, '补休, a lone 放假, 调休放假 with 其中, a one-off 纪念日'],
  ])('reads %s: every day of %i as the published arrangement has it (%s)', (file, year) => {
    const text = notice(file);
    expect(parseHolidayNotice(text).year).toBe(year);
    expect(disagreements(text, yearDays(year), (d) => published.isWorkday(d))).toEqual([]);
  });

  it('reads 2019, whose 元旦 began in December 2018, with the make-up Saturday before it', () => {
    const text = notice('2019.txt');
    const parsed = parseHolidayNotice(text);
    expect(Object.keys(parsed.arrangement)).toEqual(['2019']);
    expect(parsed.arrangement['2019'].holidays.slice(0, 3)).toEqual(['2018-12-30', '2018-12-31', '2019-01-01']);
    expect(parsed.arrangement['2019'].workdays[0]).toBe('2018-12-29');
    expect(disagreements(text, [...range('2018-12-29', '2018-12-31'), ...yearDays(2019)], (d) => published.isWorkday(d))).toEqual([]);
  });

  /** The arrangements the two notices written here state (days off on any day, 调休 working days). */
  const STATED: Record<string, { file: string; year: number; off: string[]; working: string[] }> = {
    newspaper: {
      file: '2027-newspaper.txt',
      year: 2027,
      off: [
        ...range('2027-01-01', '2027-01-03'),
        ...range('2027-02-05', '2027-02-13'),
        ...range('2027-04-03', '2027-04-05'),
        ...range('2027-05-01', '2027-05-05'),
        '2027-06-09',
        '2027-09-15',
        ...range('2027-10-01', '2027-10-07'),
      ],
      working: ['2027-02-14', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09'],
    },
    mixed: {
      file: '2029-mixed.txt',
      year: 2029,
      off: [
        '2029-01-01',
        ...range('2029-02-10', '2029-02-18'),
        ...range('2029-04-04', '2029-04-06'),
        ...range('2029-05-01', '2029-05-05'),
        '2029-06-16',
        '2029-06-18',
        ...range('2029-09-22', '2029-09-24'),
        ...range('2029-10-01', '2029-10-07'),
      ],
      working: ['2029-02-04', '2029-02-24', '2029-04-07', '2029-04-28', '2029-05-06', '2029-09-29', '2029-10-13'],
    },
  };

  it.each(Object.entries(STATED))('reads a notice in the %s style on every day of its year', (_style, s) => {
    const text = notice(s.file);
    const parsed = parseHolidayNotice(text);
    expect(parsed.year).toBe(s.year);
    expect(parsed.warnings).toEqual([]);
    const stated = (d: string) => (s.working.includes(d) ? true : s.off.includes(d) ? false : isoWeekday(d) <= 5);
    expect(disagreements(text, yearDays(s.year), stated)).toEqual([]);
    expect(parsed.arrangement[String(s.year)].workdays).toEqual(s.working);
  });

  it('names each festival item with its days', () => {
    const parsed = parseHolidayNotice(notice('2025.txt'));
    expect(parsed.items.map((i) => i.name)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '国庆节、中秋节']);
    expect(parsed.items[5].holidays).toEqual(range('2025-10-01', '2025-10-08'));
    expect(parsed.items[5].workdays).toEqual(['2025-09-28', '2025-10-11']);
  });

  it('says what to check when a festival is missing or a statutory day is left working', () => {
    const text = notice('2027-newspaper.txt').replace(/中秋节:.*\n|中秋节：.*\n/, '');
    const { warnings } = parseHolidayNotice(text);
    expect(warnings).toEqual([
      '通知中没有 中秋节 的安排;这些节日按普通日期计算',
      '2027-09-15(周三)是法定中秋节假日,通知中却是工作日: 请核对年份和原文',
    ]);
  });

  it('reads a day without its month after a date of that month, as the 2010 notices wrote them', () => {
    const parsed = parseHolidayNotice(with2025('1月26日（周日）、2月8日（周六）上班', '1月26日（周日）、2月8日（周六）、9日（周日）上班'));
    expect(parsed.arrangement['2025'].workdays).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-02-09',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
  });

  it('counts no day off from a sentence that only encourages, and says so', () => {
    const text = with2025(
      '2月8日（周六）上班。',
      '2月8日（周六）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在1月27日休息。',
    ).replace('　　节假日期间', '　　12月31日（周三）下午可安排职工提前下班。\n　　节假日期间');
    const parsed = parseHolidayNotice(text);
    expect(parsed.arrangement['2025'].holidays).not.toContain('2025-01-27');
    expect(parsed.arrangement['2025'].holidays).not.toContain('2025-12-31');
    expect(parsed.warnings).toEqual([
      '第 7 行「鼓励各单位结合带薪年休假等制度落实，安排职工在1月27日休息。」是倡议,其中的日期未计为放假',
      '第 12 行「12月31日(周三)下午可安排职工提前下班。」是倡议,其中的日期未计为放假',
    ]);
  });

  it('skips the metadata lines of government sites', () => {
    expect(
      parseHolidayNotice(with2025('国办发明电〔2024〕12号', '国办发明电〔2024〕12号\n成文日期：2024年11月12日\n发布日期：2024年11月12日'))
        .year,
    ).toBe(2025);
  });

  describe('refuses what it cannot read, quoting the sentence', () => {
    it('names the line a sentence starts on, in an item wrapped over lines', () => {
      const [p] = problemsOf(notice('2027-newspaper.txt').replace('２月１４日（星期日）上班', '２月１４日（星期三）上班'));
      expect(p).toMatchObject({ line: 6, sentence: '春节:2月14日(星期三)上班。' });
    });

    it('an item without a date it can read, a range without its start, a day without its month', () => {
      const text = with2025('六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天', '六、国庆节、中秋节：十月一日至八日放假调休')
        .replace(
          '二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。',
          '二、春节：假期延长至2月4日（周二）放假。',
        )
        .replace('三、清明节：4月4日（周五）至6日（周日）放假', '三、清明节：4日（周五）至6日（周日）放假');
      expect(problemsOf(text).map((p) => p.message)).toEqual([
        '「至2月4日」前缺少起始日期',
        '4日缺少月份',
        '说了放假或上班,但没有可识别的日期(日期应写作“1月1日”)',
      ]);
      expect(problemsOf(with2025('一、元旦：1月1日（周三）放假1天，不调休。', '一、元旦：按惯例安排。'))[0].message).toBe(
        '条目中没有可识别的放假或上班日期(日期应写作“1月1日”)',
      );
    });

    it('a weekday that is not the date’s (wrong year or typo)', () => {
      const [p] = problemsOf(with2025('一、元旦：1月1日（周三）', '一、元旦：1月1日（周四）'));
      expect(p.sentence).toContain('元旦:1月1日(周四)放假1天');
      expect(p.message).toBe('1月1日(2025年)是周三,通知写的是周四: 请核对年份和日期');
    });

    it('a total that is not the days listed', () => {
      const [p] = problemsOf(with2025('放假调休，共5天。4月27日', '放假调休，共4天。4月27日'));
      expect(p.sentence).toBe('劳动节:5月1日(周四)至5日(周一)放假调休，共4天。');
      expect(p.message).toBe('写明共 4 天,但所列放假日期共 5 天');
    });

    it('dates with neither 放假 nor 上班, a date that does not exist, a range that runs backwards', () => {
      const text = with2025('4月27日（周日）上班。', '4月27日（周日）。')
        .replace('5月31日（周六）至6月2日（周一）放假', '5月31日（周六）至6月31日放假')
        .replace('10月1日（周三）至8日（周三）', '10月8日（周三）至1日（周三）');
      const problems = problemsOf(text);
      expect(problems.map((p) => p.message)).toEqual([
        '有日期,但没有说是放假还是上班',
        '6月31日不是有效日期',
        '10月8日至1日: 结束日期早于开始日期',
      ]);
      expect(problems[0].sentence).toBe('劳动节:4月27日(周日)。');
      expect(problems[0].line).toBe(9);
    });

    it('a make-up working day on a weekday, or a day both off and working', () => {
      const problems = problemsOf(with2025('4月27日（周日）上班', '4月28日（周一）、5月2日（周五）上班'));
      expect(problems.map((p) => p.message)).toEqual([
        '4月28日是周一,本是工作日;调休上班日应为周六或周日',
        '5月2日 既列为放假(劳动节)又列为上班',
        '5月2日是周五,本是工作日;调休上班日应为周六或周日',
      ]);
    });

    it('a date outside any festival item', () => {
      const text = with2025('　　一、元旦', '　　请各单位于12月20日前报送值班安排。\n　　一、元旦');
      const [p] = problemsOf(text);
      expect(p).toMatchObject({
        line: 6,
        sentence: '请各单位于12月20日前报送值班安排。',
        message: expect.stringContaining('不在任何节日条目下'),
      });
    });

    it('a notice without its year, or with two', () => {
      expect(problemsOf('元旦:1月1日放假。')[0].message).toContain('找不到年份');
      expect(problemsOf(notice('2025.txt').replace('现将2025年', '现将2026年'))[0].message).toBe('标题是 2025 年,正文是 2026 年,请核对');
    });

    it('a text with no festival items at all', () => {
      expect(problemsOf('国务院办公厅关于2027年部分节假日安排的通知\n另行通知。')[0].message).toContain('没有找到节假日条目');
    });
  });
});
