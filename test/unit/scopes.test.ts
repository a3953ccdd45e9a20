/**
 * Who sees which plan (issue 26), pure: the scope rule (mayRead, mayAct, visiblePlans,
 * actablePlans, readsEverything, scopeWords), the scope as `rectify user` takes it (parseScope)
 * and as a store keeps it (scopeProblem, both stores' round trip through the file), sessions
 * ended by a new scope, and `rectify doctor`'s count of accounts without one.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAccountScopes } from '../../client/checks';
import { credentialVersion, FileAccountStore, parseScope, scopeProblem, type Account } from '../../config/users';
import {
  actablePlans,
  mayAct,
  mayRead,
  readsEverything,
  scopeWords,
  visiblePlans,
  type AccountScope,
  type Scoped,
} from '../../domain/permissions';

const PASSWORD = 'correct horse battery';
const PLANS = ['binhu-2024', 'liangxi-2024', 'xishan-2024'];

const district: Scoped = { scope: { plans: ['liangxi-2024'] } };
const twoDistricts: Scoped = { scope: { plans: ['liangxi-2024', 'xishan-2024'] } };
const province: Scoped = { scope: { plans: ['binhu-2024'], readAll: true } };
const provinceReader: Scoped = { scope: { plans: [], readAll: true } };
const city: Scoped = { scope: { plans: 'all' } };
const unscoped: Scoped = {};

describe('the scope rule', () => {
  it.each<[string, Scoped, string[], string[]]>([
    ['a district', district, ['liangxi-2024'], ['liangxi-2024']],
    ['two districts', twoDistricts, ['liangxi-2024', 'xishan-2024'], ['liangxi-2024', 'xishan-2024']],
    ['a province reading all, acting on one', province, PLANS, ['binhu-2024']],
    ['a province reading all, acting on none', provinceReader, PLANS, []],
    ['a city with --all', city, PLANS, PLANS],
    ['an account from before scopes', unscoped, PLANS, PLANS],
  ])('%s reads %j and acts on %j', (_what, account, reads, acts) => {
    expect(PLANS.filter((p) => mayRead(account, p))).toEqual(reads);
    expect(PLANS.filter((p) => mayAct(account, p))).toEqual(acts);
    expect(visiblePlans(account, PLANS)).toEqual(reads);
    expect(
      actablePlans(
        account,
        PLANS.map((id) => ({ id, title: id })),
      ),
    ).toEqual(acts.map((id) => ({ id, title: id })));
  });

  it('acting is never wider than reading, for any scope and plan', () => {
    for (const account of [district, twoDistricts, province, provinceReader, city, unscoped])
      for (const p of [...PLANS, 'started-later']) if (mayAct(account, p)) expect([p, mayRead(account, p)]).toEqual([p, true]);
  });

  it('a plan started later: --all, --read-all and no scope see it; a district does not', () => {
    expect([city, province, provinceReader, unscoped].map((a) => mayRead(a, 'started-later'))).toEqual([true, true, true, true]);
    expect([city, unscoped].map((a) => mayAct(a, 'started-later'))).toEqual([true, true]);
    expect([district, province].map((a) => mayAct(a, 'started-later'))).toEqual([false, false]);
    expect(mayRead(district, 'started-later')).toBe(false);
    expect([district, twoDistricts, province, city, unscoped].map(readsEverything)).toEqual([false, false, true, true, true]);
  });

  it('a plan id is matched whole, not as a prefix or in another case', () => {
    expect(mayRead(district, 'liangxi-2024-2')).toBe(false);
    expect(mayRead(district, 'liangxi')).toBe(false);
    expect(mayRead(district, 'LIANGXI-2024')).toBe(false);
    expect(mayRead(district, '')).toBe(false);
  });

  it('says a scope in words', () => {
    expect(scopeWords(district.scope)).toBe('计划liangxi-2024');
    expect(scopeWords(twoDistricts.scope)).toBe('计划liangxi-2024、xishan-2024');
    expect(scopeWords(province.scope)).toBe('查看全部计划，办理计划binhu-2024');
    expect(scopeWords(provinceReader.scope)).toBe('查看全部计划，不办理');
    expect(scopeWords(city.scope)).toBe('全部计划');
    expect(scopeWords(undefined)).toBe('未限定范围（查看和办理全部计划）');
  });
});

describe('the scope as rectify user takes it', () => {
  it.each<[Parameters<typeof parseScope>[0], AccountScope | undefined]>([
    [{ plans: 'liangxi-2024' }, { plans: ['liangxi-2024'] }],
    [{ plans: 'liangxi-2024,xishan-2024' }, { plans: ['liangxi-2024', 'xishan-2024'] }],
    [{ plans: 'liangxi-2024，xishan-2024、binhu-2024 liangxi-2024' }, { plans: ['liangxi-2024', 'xishan-2024', 'binhu-2024'] }],
    [
      { plans: 'binhu-2024', readAll: true },
      { plans: ['binhu-2024'], readAll: true },
    ],
    [{ readAll: true }, { plans: [], readAll: true }],
    [{ all: true }, { plans: 'all' }],
    [{ all: true, readAll: true }, { plans: 'all' }],
    [{}, undefined],
  ])('%j → %j', (options, scope) => {
    expect(parseScope(options)).toEqual(scope);
  });

  it.each<[Parameters<typeof parseScope>[0], string]>([
    [{ all: true, plans: 'liangxi-2024' }, '--all 与 --plans 只能选一个：--all 即查看和办理全部计划'],
    [{ plans: '' }, '--plans 没有计划编号：应为逗号分隔的计划编号，如 --plans liangxi-2023,binhu-2023'],
    [{ plans: ' , ' }, '--plans 没有计划编号'],
    [{ plans: 'liangxi-2024,Binhu' }, '--plans 中的计划编号“Binhu”无效：只能用小写字母、数字和连字符'],
    [{ plans: '梁溪区' }, '--plans 中的计划编号“梁溪区”无效'],
  ])('refuses %j naming the option', (options, words) => {
    expect(() => parseScope(options)).toThrow(words);
  });

  it.each<[unknown, string | undefined]>([
    [{ plans: 'all' }, undefined],
    [{ plans: ['liangxi-2024'], readAll: false }, undefined],
    [{ plans: [], readAll: true }, undefined],
    [{ plans: [] }, 'scope 没有任何计划'],
    [{ plans: 'some' }, 'scope.plans 应为 "all" 或计划编号的列表'],
    [{ plans: ['ok', 3] }, 'scope.plans 中的计划编号“3”无效'],
    [{ plans: ['ok'], readAll: 'yes' }, 'scope.readAll 应为 true 或 false'],
    [['liangxi-2024'], 'scope 应为 { plans, readAll }'],
    [null, 'scope 应为 { plans, readAll }'],
  ])('a stored scope %j: %p', (scope, problem) => {
    expect(scopeProblem(scope)).toBe(problem);
  });
});

describe('scopes in the account file', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'rectify-scopes-')), 'users.json');

  it('keeps the scope; a new scope ends the sessions; an account without one keeps its credential version from before scopes', async () => {
    const store = new FileAccountStore(file());
    const added = await store.add('区巡察办督查科', 'office', PASSWORD, { plans: ['liangxi-2024'] });
    expect((await new FileAccountStore(store.file).find('区巡察办督查科'))!.scope).toEqual({ plans: ['liangxi-2024'] });
    expect(JSON.parse(readFileSync(store.file, 'utf8')).users[0].scope).toEqual({ plans: ['liangxi-2024'] });
    const before = credentialVersion(added);
    const widened = await store.setScope('区巡察办督查科', { plans: ['liangxi-2024', 'xishan-2024'] });
    expect(credentialVersion(widened)).not.toBe(before);
    // The same plans in another order are the same scope.
    const reordered = await store.setScope('区巡察办督查科', { plans: ['xishan-2024', 'liangxi-2024'] });
    expect(credentialVersion(reordered)).toBe(credentialVersion(widened));
    const readAll = await store.setScope('区巡察办督查科', { plans: ['xishan-2024', 'liangxi-2024'], readAll: true });
    expect(credentialVersion(readAll)).not.toBe(credentialVersion(widened));
    // An account from before scopes: the fingerprint it had then (hash, disabled, role), so its sessions go on.
    const old: Account = { ...added, scope: undefined };
    const { createHash } = await import('node:crypto');
    const then = createHash('sha256').update(`${old.hash}||office`).digest('base64url').slice(0, 12);
    expect(credentialVersion(old)).toBe(then);
  });

  it('refuses a bad scope on add and on scope, changing nothing; an unknown account is named', async () => {
    const store = new FileAccountStore(file());
    await expect(store.add('区巡察办督查科', 'office', PASSWORD, { plans: [] })).rejects.toThrow('scope 没有任何计划');
    expect(await store.list()).toEqual([]);
    await store.add('区巡察办督查科', 'office', PASSWORD, { plans: ['liangxi-2024'] });
    const text = readFileSync(store.file, 'utf8');
    await expect(store.setScope('区巡察办督查科', { plans: ['Bad Id'] })).rejects.toThrow('scope.plans 中的计划编号“Bad Id”无效');
    await expect(store.setScope('无此账号', { plans: 'all' })).rejects.toThrow('没有账号“无此账号”');
    expect(readFileSync(store.file, 'utf8')).toBe(text);
  });

  it('a hand-edited file with a bad scope names the account', async () => {
    const path = file();
    const store = new FileAccountStore(path);
    await store.add('区巡察办督查科', 'office', PASSWORD);
    const data = JSON.parse(readFileSync(path, 'utf8'));
    data.users[0].scope = { plans: 'liangxi-2024' };
    writeFileSync(path, JSON.stringify(data));
    await expect(new FileAccountStore(path).list()).rejects.toThrow(
      `${path}：账号“区巡察办督查科”的 scope.plans 应为 "all" 或计划编号的列表`,
    );
  });
});

describe('rectify doctor on scopes', () => {
  const at = '2024-01-01T00:00:00.000Z';
  const account = (name: string, scope?: AccountScope, disabled?: boolean): Account => ({
    name,
    role: 'office',
    hash: 'x',
    createdAt: at,
    updatedAt: at,
    ...(scope ? { scope } : {}),
    ...(disabled ? { disabled } : {}),
  });

  it('warns of accounts without a scope when more than one plan runs, naming them', () => {
    const c = checkAccountScopes([account('旧账号甲'), account('旧账号乙'), account('区巡察办', { plans: ['liangxi-2024'] })], PLANS);
    expect(c).toMatchObject({ status: 'warn', detail: '2个账号未限定范围，可查看和办理3个计划：旧账号甲、旧账号乙' });
    expect(c.fix).toContain('rectify user scope <账号> --plans <计划编号>');
  });

  it('says so, without a warning, when one plan runs; a disabled account does not count', () => {
    const c = checkAccountScopes(
      [account('旧账号'), account('停用', undefined, true), account('市巡察办', { plans: 'all' })],
      ['liangxi-2024'],
    );
    expect(c).toEqual({ name: '账号范围', status: 'ok', detail: '2个启用的账号，1个限定了范围，1个未限定范围（查看和办理全部计划）' });
  });

  it('warns of a scope naming a plan that does not run; all scoped and running is fine', () => {
    expect(checkAccountScopes([account('区巡察办', { plans: ['liangxi-2024', 'liangxi-2042'] })], PLANS)).toMatchObject({
      status: 'warn',
      detail: '范围中有没有运行的计划：区巡察办的计划liangxi-2042',
    });
    expect(checkAccountScopes([account('区巡察办', { plans: ['liangxi-2024'] })], PLANS)).toMatchObject({
      status: 'ok',
      detail: '1个启用的账号，1个限定了范围',
    });
    expect(checkAccountScopes([], PLANS)).toMatchObject({ status: 'ok', detail: '没有启用的网页账号' });
  });

  it('without Temporal, unscoped accounts are warned of as seeing every plan', () => {
    expect(checkAccountScopes([account('旧账号')], undefined)).toMatchObject({
      status: 'warn',
      detail: '1个账号未限定范围，可查看和办理全部计划：旧账号',
    });
  });
});
