/** The doctor's pure checks: holiday coverage for the next twelve months, and how a missing year is reported. */
import { checkHolidays } from '../../client/checks';
import { holidayCoverage } from '../../domain/calendar-alerts';

describe('holiday coverage', () => {
  it('lists the years the next twelve months reach, with how soon each is counted in', () => {
    expect(holidayCoverage([2026], '2026-11-29')).toEqual([
      { year: 2026, published: true, startsInDays: 0 },
      { year: 2027, published: false, startsInDays: 33 },
    ]);
    expect(holidayCoverage([2026, 2027], '2026-01-01')).toEqual([{ year: 2026, published: true, startsInDays: 0 }]);
  });

  it('warns from two months before a missing year, notes it further off, and never fails (the provisional calendar carries on)', () => {
    const december = checkHolidays([2026], '2026-11-29');
    expect(december.status).toBe('warn');
    expect(december.detail).toContain('2027年的安排尚未收录（2027年1月1日起使用，还有33天）');
    expect(december.fix).toContain('rectify calendar import');
    const march = checkHolidays([2026], '2026-03-02');
    expect(march.status).toBe('ok');
    expect(march.detail).toContain('2027年1月1日起使用，还有305天');
    const inUse = checkHolidays([2026], '2027-01-04');
    expect(inUse.status).toBe('warn');
    expect(inUse.detail).toContain('2027年正在使用');
    expect(checkHolidays([2026, 2027], '2026-11-29')).toEqual({
      name: '节假日安排',
      status: 'ok',
      detail: '未来12个月涉及的2026、2027年均已收录',
    });
  });
});
