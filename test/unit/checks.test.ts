/** The doctor's checks: holiday coverage for the next twelve months and how a missing year is reported; where the desk keeps its state. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDeskState, checkHolidays } from '../../client/checks';
import { loadSettings } from '../../config/settings';
import { FileAccountStore } from '../../config/users';
import { freePort } from '../helpers/temporal';
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

describe('where the desk keeps its state', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'rectify-desk-check-'));
  const settingsOf = (varDir: string, env: Record<string, string> = {}) =>
    loadSettings({ RECTIFY_VAR_DIR: varDir, TEMPORAL_CONFIG_FILE: join(varDir, 'none.toml'), ...env });

  it('the embedded default: var/, with its accounts counted', async () => {
    const varDir = dir();
    await new FileAccountStore(join(varDir, 'users.json')).add('督查科', 'office', 'correct horse battery');
    expect(await checkDeskState(settingsOf(varDir))).toEqual({
      name: '办公状态（账号、节假日、佐证材料）',
      status: 'ok',
      detail: `${join(varDir, 'users.json')}：1个账号`,
    });
  });

  it('a cluster without a database is warned about: every machine would keep its own accounts', async () => {
    const check = await checkDeskState(settingsOf(dir(), { TEMPORAL_ADDRESS: 'temporal.example.org:7233' }));
    expect(check.status).toBe('warn');
    expect(check.fix).toContain('RECTIFY_DATABASE_URL');
  });

  it('a database that cannot be reached fails, naming it and what to check', async () => {
    const port = await freePort();
    const check = await checkDeskState(
      settingsOf(dir(), {
        TEMPORAL_ADDRESS: 'temporal.example.org:7233',
        RECTIFY_DATABASE_URL: `postgres://rectify:x@127.0.0.1:${port}/rectify`,
      }),
    );
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(`PostgreSQL 127.0.0.1:${port}/rectify`);
    expect(check.detail).toContain('ECONNREFUSED');
    expect(check.fix).toContain('RECTIFY_DATABASE_URL');
  });
});
