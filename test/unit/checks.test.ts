/** The doctor's checks: holiday coverage for the next twelve months and how a missing year is reported; where the desk keeps its state. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDeskState, checkHolidays, checkInbound, checkPlans } from '../../client/checks';
import { drillPlan } from '../helpers/plans';
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

describe('the plans’ group robots', () => {
  it('a plan file’s robot whose secret is not readable here fails, naming where it is in the plan; readable, it counts the robots', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rectify-chat-check-')), 'plan.yaml');
    writeFileSync(
      path,
      drillPlan({
        id: 'chat-2026',
        title: '演练计划',
        problems: ['问题'],
        measures: [
          '{ id: "1.1", problem: 1, title: 措施, text: 内容。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2027-06-30 }',
        ],
      }).replace(
        '      emails: [fgw@district.example.org]',
        '      emails: [fgw@district.example.org]\n      channels:\n        - { platform: dingtalk, token: { env: RECTIFY_TEST_DT_TOKEN }, secret: { env: RECTIFY_TEST_DT_SECRET } }',
      ),
    );
    const saved = { ...process.env };
    try {
      process.env.RECTIFY_TEST_DT_TOKEN = 'token';
      const [missing] = checkPlans([path]);
      expect(missing).toMatchObject({ status: 'fail' });
      expect(missing.detail).toBe(
        '群机器人的密钥读取不到：directory.units[0].channels[0].secret（区发改委）：env:RECTIFY_TEST_DT_SECRET：环境变量未设置',
      );
      process.env.RECTIFY_TEST_DT_SECRET = 'SECsecret';
      const readable = checkPlans([path])[0];
      // (The drill plan's unused units are a warning of its own.)
      expect([readable.status, readable.detail]).toEqual(['warn', expect.stringContaining('1个群机器人')]);
    } finally {
      process.env = saved;
    }
  });
});

describe('replies by mail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-inbound-check-'));
  const settings = (env: NodeJS.ProcessEnv) => loadSettings({ RECTIFY_VAR_DIR: dir, TEMPORAL_CONFIG_FILE: join(dir, 'none.toml'), ...env });

  it('says where replies go, warns a cluster without a reply domain, and fails unreadable TLS files', () => {
    expect(checkInbound(settings({ RECTIFY_INBOUND_DOMAIN: 'Reply.Example.org', RECTIFY_INBOUND_PORT: '25' }))).toEqual({
      name: '邮件回复',
      status: 'ok',
      detail:
        '回复地址 reply+…@reply.example.org；rectify inbound 在 127.0.0.1:25，未配置 TLS（RECTIFY_INBOUND_TLS_KEY/CERT），每封不超过30 MB，每个发件人每小时30封',
    });
    expect(checkInbound(settings({})).status).toBe('ok');
    expect(checkInbound(settings({ TEMPORAL_ADDRESS: '10.0.0.5:7233' }))).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('worker'),
    });
    const missing = checkInbound(
      settings({
        RECTIFY_INBOUND_DOMAIN: 'reply.example.org',
        RECTIFY_INBOUND_TLS_KEY: join(dir, 'no.key'),
        RECTIFY_INBOUND_TLS_CERT: join(dir, 'no.pem'),
      }),
    );
    expect(missing).toMatchObject({ status: 'fail', detail: expect.stringContaining('no.key') });
  });

  it('refuses a bad domain, half a TLS pair and a bad port, naming the variable', () => {
    expect(() => settings({ RECTIFY_INBOUND_DOMAIN: 'reply example.org' })).toThrow('RECTIFY_INBOUND_DOMAIN 无效：reply example.org');
    expect(() => settings({ RECTIFY_INBOUND_TLS_KEY: 'k.pem' })).toThrow('RECTIFY_INBOUND_TLS_KEY 与 RECTIFY_INBOUND_TLS_CERT 应同时设置');
    expect(() => settings({ RECTIFY_INBOUND_PORT: '99999' })).toThrow('RECTIFY_INBOUND_PORT=99999');
  });
});
