/**
 * The State Council's notice read into a year's arrangement. The real notices of 2008–2026 (their
 * sources in fixtures/notices/README.md) are checked day by day against the chinese-days data, an
 * independent source; notices written here in the newspaper and mixed styles against the
 * arrangement they were written to state.
 */
import { existsSync, readFileSync } from 'node:fs';
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

  /**
   * Where the data package differs from a year's notice because another notice changed the year:
   * 国务院办公厅关于延长2020年春节假期的通知 (国办发明电〔2020〕1号) extended the Spring Festival to
   * 2 February, so Friday 31 January was off and Saturday 1 February no longer worked.
   */
  const LATER_NOTICES: Record<number, string[]> = { 2020: ['2020-01-31', '2020-02-01'] };

  /** Every year with a real notice: 其中…公休日调至 (2008–2009), 放假公休 (2010–2012), 补休 and 与周末连休, 农历 and 周X notes. */
  const REAL_YEARS = Array.from({ length: 2026 - 2008 + 1 }, (_, i) => 2008 + i);

  it.each(REAL_YEARS)('reads the %i notice: every day of the year as the data package has it, nothing to check by eye', (year) => {
    const parsed = parseHolidayNotice(notice(`${year}.txt`));
    expect(parsed.year).toBe(year);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.missing).toEqual([]);
    // December days that the next year's 元旦 arranges are that notice's; the days before 1 January this one arranges are its own.
    const next = existsSync(join(NOTICES, `${year + 1}.txt`)) ? parseHolidayNotice(notice(`${year + 1}.txt`)).arrangement : {};
    const calendar = new WorkCalendar({ years: { ...parsed.arrangement, ...next }, crossYear: true });
    const own = parsed.arrangement[String(year)];
    const before = [...own.holidays, ...own.workdays].filter((d) => d < `${year}-01-01`).sort();
    const days = [...before, ...yearDays(year)];
    expect(days.filter((d) => calendar.isWorkday(d) !== published.isWorkday(d))).toEqual(LATER_NOTICES[year] ?? []);
  });

  it('reads the real 2025 notice: its opening (自2025年1月1日起…) and closing are context, the arrangement is in the items', () => {
    for (const file of ['2025.txt', '2025-xinhua.txt']) {
      const parsed = parseHolidayNotice(notice(file));
      expect(parsed.items.map((i) => i.name)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '国庆节、中秋节']);
      expect(parsed.warnings).toEqual([]);
      expect(disagreements(notice(file), yearDays(2025), (d) => published.isWorkday(d))).toEqual([]);
    }
    // The opening as issue 21 quotes it, ASCII commas and ellipses included.
    const quoted =
      '经党中央、国务院批准,根据2024年11月修订的《全国年节及纪念日放假办法》,自2025年1月1日起,全体公民放假的假日增加2天,…(如逢周三则只在当日放假),国庆节放假如逢中秋节则合并放假8天。';
    const real = notice('2025.txt').split('\n')[4];
    expect(real).toContain('自2025年1月1日起');
    expect(parseHolidayNotice(notice('2025.txt').replace(real, quoted)).arrangement).toEqual(
      parseHolidayNotice(notice('2025.txt')).arrangement,
    );
  });

  it('reads 2008–2009 as they explained each day: a weekend day whose rest moved (公休日调至) is worked, unless it is a festival day', () => {
    const y2008 = parseHolidayNotice(notice('2008.txt')).arrangement['2008'];
    // 国庆节: 9月27日、28日两个公休日调至9月29日、30日, with no 上班 sentence: both worked.
    expect(y2008.workdays).toEqual(expect.arrayContaining(['2008-09-27', '2008-09-28']));
    expect(y2008.holidays).toEqual(expect.arrayContaining(['2008-09-29', '2008-09-30']));
    const y2009 = parseHolidayNotice(notice('2009.txt'));
    // 春节: 1月25日（星期日、农历除夕）公休日调至1月28日: 除夕 stays off.
    expect(y2009.arrangement['2009'].holidays).toContain('2009-01-25');
    expect(y2009.arrangement['2009'].workdays).toEqual([
      '2009-01-04',
      '2009-01-24',
      '2009-02-01',
      '2009-05-31',
      '2009-09-27',
      '2009-10-10',
    ]);
    // 三、清明节4月4日至6日放假: numbered headings whose colon the page lost.
    expect(y2009.items.map((i) => i.name)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '国庆节、中秋节']);
  });

  describe('checks the 农历 notes against the lunar calendar', () => {
    it('warns when a note names another lunar day than its date, quoting the sentence', () => {
      // 2月13日 is 正月初八; the notice as doctored says 初七.
      const doctored = notice('2027-newspaper.txt').replace('农历正月初八、星期六', '农历正月初七、星期六');
      expect(parseHolidayNotice(doctored).warnings).toEqual([
        '第4行“春节：2月5日（农历除夕、星期五）至2月13日（农历正月初七、星期六）放假调休，共9天。”：2027年2月13日是农历正月初八，通知写的是“农历正月初七”。',
      ]);
      expect(parseHolidayNotice(notice('2026.txt').replace('农历腊月二十八、周日', '农历除夕、周日')).warnings).toEqual([
        '第7行“春节：2月15日（农历除夕、周日）至23日（农历正月初七、周一）放假调休，共9天。”：2026年2月15日是农历腊月廿八，通知写的是“农历除夕”。',
      ]);
    });

    it('reads a note on a range as naming both its ends (除夕至正月初六), and the festivals a note names', () => {
      const range = notice('2008.txt').replace('（农历除夕至正月初六）', '（农历除夕至正月初七）');
      expect(parseHolidayNotice(range).warnings).toEqual([
        expect.stringContaining('：2008年2月12日是农历正月初六，通知写的是“正月初七”。'),
      ]);
      const festivals = notice('2009.txt')
        .replace('5月28日（星期四、农历端午当日）', '5月29日（星期五、农历端午当日）')
        .replace('4月4日（星期六、农历清明当日）为法定节假日', '4月5日（星期日、农历清明当日）为法定节假日');
      expect(parseHolidayNotice(festivals).warnings).toEqual([
        expect.stringContaining('：2009年4月5日不是清明（清明是2009年4月4日），通知写的是“农历清明当日”。'),
        expect.stringContaining('：2009年5月29日是农历五月初六，通知写的是“农历端午当日”。'),
      ]);
    });
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
      '通知中没有中秋节的安排；这些节日按普通日期计算',
      '2027-09-15（周三）是法定中秋节假日，通知中却是工作日：请核对年份和原文',
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
      '第8行“鼓励各单位结合带薪年休假等制度落实，安排职工在1月27日休息。”是倡议，其中的日期未计为放假。',
      '第13行“12月31日（周三）下午可安排职工提前下班。”是倡议，其中的日期未计为放假。',
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
      expect(p).toMatchObject({ line: 6, sentence: '春节：2月14日（星期三）上班。' });
    });

    it('an item without a date it can read, a range without its start, a day without its month', () => {
      const text = with2025('六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天', '六、国庆节、中秋节：十月一日至八日放假调休')
        .replace(
          '二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。',
          '二、春节：假期延长至2月4日（周二）放假。',
        )
        .replace('三、清明节：4月4日（周五）至6日（周日）放假', '三、清明节：4日（周五）至6日（周日）放假');
      expect(problemsOf(text).map((p) => p.message)).toEqual([
        '“至2月4日”前缺少起始日期',
        '4日缺少月份',
        '说了放假或上班，但没有可识别的日期（日期应写作“1月1日”）',
      ]);
      expect(problemsOf(with2025('一、元旦：1月1日（周三）放假1天，不调休。', '一、元旦：按惯例安排。'))[0].message).toBe(
        '条目中没有可识别的放假或上班日期（日期应写作“1月1日”）',
      );
    });

    it('a weekday that is not the date’s (wrong year or typo)', () => {
      const [p] = problemsOf(with2025('一、元旦：1月1日（周三）', '一、元旦：1月1日（周四）'));
      expect(p.sentence).toContain('元旦：1月1日（周四）放假1天');
      expect(p.message).toBe('1月1日（2025年）是周三，通知写的是周四：请核对年份和日期');
    });

    it('a total that is not the days listed', () => {
      const [p] = problemsOf(with2025('放假调休，共5天。4月27日', '放假调休，共4天。4月27日'));
      expect(p.sentence).toBe('劳动节：5月1日（周四）至5日（周一）放假调休，共4天。');
      expect(p.message).toBe('写明共4天，但所列放假日期共5天');
    });

    it('dates with neither 放假 nor 上班, a date that does not exist, a range that runs backwards', () => {
      const text = with2025('4月27日（周日）上班。', '4月27日（周日）。')
        .replace('5月31日（周六）至6月2日（周一）放假', '5月31日（周六）至6月31日放假')
        .replace('10月1日（周三）至8日（周三）', '10月8日（周三）至1日（周三）');
      const problems = problemsOf(text);
      expect(problems.map((p) => p.message)).toEqual([
        '有日期，但没有说是放假还是上班',
        '6月31日不是有效日期',
        '10月8日至1日：结束日期早于开始日期',
      ]);
      expect(problems[0].sentence).toBe('劳动节：4月27日（周日）。');
      expect(problems[0].line).toBe(10);
    });

    it('a make-up working day on a weekday, or a day both off and working', () => {
      const problems = problemsOf(with2025('4月27日（周日）上班', '4月28日（周一）、5月2日（周五）上班'));
      expect(problems.map((p) => p.message)).toEqual([
        '4月28日是周一，本是工作日；调休上班日应为周六或周日',
        '5月2日既列为放假（劳动节）又列为上班',
        '5月2日是周五，本是工作日；调休上班日应为周六或周日',
      ]);
    });

    it('a date between the festival items, or a day arranged in the opening or the closing', () => {
      const between = with2025('　　三、清明节', '　　请各单位于12月20日前报送值班安排。\n　　三、清明节');
      expect(problemsOf(between)).toEqual([
        {
          line: 9,
          sentence: '请各单位于12月20日前报送值班安排。',
          message: '有日期，但不在任何节日条目下（条目应以“元旦：”“春节：”等开头）',
        },
      ]);
      // Before the items a date that arranges nothing is context; one that gives a day off is not.
      expect(parseHolidayNotice(with2025('　　一、元旦', '　　请各单位于12月20日前报送值班安排。\n　　一、元旦')).year).toBe(2025);
      const opening = with2025('　　一、元旦', '　　1月2日（周四）放假。\n　　一、元旦');
      const closing = with2025('　　节假日期间', '　　另，12月31日（周三）放假。\n　　节假日期间');
      expect(problemsOf(opening)[0]).toEqual({
        line: 7,
        sentence: '1月2日（周四）放假。',
        message: '在节日条目之前安排了放假或上班，不知属于哪个节日（条目应以“元旦：”“春节：”等开头）',
      });
      expect(problemsOf(closing)[0]).toMatchObject({ line: 13, message: expect.stringContaining('在节日条目之后安排了放假或上班') });
    });

    it('a notice without its year, or with two', () => {
      expect(problemsOf('元旦：1月1日放假。')[0].message).toContain('找不到年份');
      expect(problemsOf(notice('2025.txt').replace('现将2025年', '现将2026年'))[0].message).toBe('标题是2025年，正文是2026年，请核对');
    });

    it('a text with no festival items at all', () => {
      expect(problemsOf('国务院办公厅关于2027年部分节假日安排的通知\n另行通知。')[0].message).toContain('没有找到节假日条目');
    });
  });
});
