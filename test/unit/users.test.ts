/** Web accounts: scrypt hashes, the file's rules, and sessions ended by a new password or disabling. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { checkPassword, credentialVersion, hashPassword, FileAccountStore } from '../../config/users';
import { accountActor } from '../../domain/permissions';
import { runCli } from '../helpers/cli';

const PASSWORD = 'correct horse battery';

describe('accounts', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'rectify-users-')), 'users.json');

  it('hashes with scrypt and a fresh salt; checks the password, not another', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await checkPassword(PASSWORD, a)).toBe(true);
    expect(await checkPassword(`${PASSWORD}!`, a)).toBe(false);
    expect(await checkPassword(PASSWORD, 'md5$abc')).toBe(false);
  });

  it('keeps no password in the file; a new password or disabling changes the credential version', async () => {
    const store = new FileAccountStore(file());
    const added = await store.add('督查科', 'office', PASSWORD);
    expect(readFileSync(store.file, 'utf8')).not.toContain(PASSWORD);
    const before = credentialVersion(added);
    await store.passwd('督查科', 'another long password');
    expect(credentialVersion((await store.find('督查科'))!)).not.toBe(before);
    const changed = credentialVersion((await store.find('督查科'))!);
    await store.disable('督查科');
    expect((await store.find('督查科'))!.disabled).toBe(true);
    expect(credentialVersion((await store.find('督查科'))!)).not.toBe(changed);
    expect(await store.active()).toEqual([]);
  });

  it.each([
    ['督 查', 'office', PASSWORD, '账号名“督 查”无效'],
    ['a:b', 'office', PASSWORD, '无效'],
    ['督查科', 'admin', PASSWORD, '--role 应为 office 或 leadership'],
    ['督查科', 'office', 'short', '密码至少10个字符'],
  ])('refuses %p / %p with a reason, writing nothing', async (name, role, pw, words) => {
    const store = new FileAccountStore(file());
    await expect(store.add(name, role, pw)).rejects.toThrow(words);
    expect(await store.list()).toEqual([]);
  });

  it('a duplicate name and an unknown account are refused; a broken file names itself', async () => {
    const store = new FileAccountStore(file());
    await store.add('督查科', 'office', PASSWORD);
    await expect(store.add('督查科', 'leadership', PASSWORD)).rejects.toThrow('账号“督查科”已存在');
    await expect(store.disable('无此人')).rejects.toThrow('没有账号“无此人”');
    writeFileSync(store.file, '{ not json');
    await expect(new FileAccountStore(store.file).list()).rejects.toThrow(`${store.file}：账号文件不是有效的 JSON`);
  });

  it('office accounts act as the office via the web; leaders act as no one', () => {
    expect(accountActor({ name: '督查科', role: 'office' })).toEqual({ role: 'office', who: '督查科', via: 'web' });
    expect(accountActor({ name: '常务副区长', role: 'leadership' })).toBeUndefined();
  });

  it('rectify user add refuses a bad role before asking for a password', async () => {
    process.env.RECTIFY_USERS = file();
    try {
      const r = await runCli('user', 'add', '督查科', '--role', 'admin');
      expect([r.code, r.err]).toEqual([1, 'rectify: --role 应为 office 或 leadership：admin']);
      const l = await runCli('user', 'list');
      expect(l.out).toContain('：0个账号');
    } finally {
      delete process.env.RECTIFY_USERS;
    }
  });

  describe('rectify user and scopes', () => {
    const saved = { users: process.env.RECTIFY_USERS, temporal: process.env.TEMPORAL_ADDRESS };
    let path: string;
    beforeEach(() => {
      path = file();
      process.env.RECTIFY_USERS = path;
      // Nothing listens there: the plan ids cannot be checked, and the command says so.
      process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    });
    afterAll(() => {
      for (const [key, value] of [
        ['RECTIFY_USERS', saved.users],
        ['TEMPORAL_ADDRESS', saved.temporal],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    });

    /** The CLI with the password on standard input, as a script gives it. */
    async function withPassword(...argv: string[]) {
      const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
      Object.defineProperty(process, 'stdin', { value: Readable.from([`${PASSWORD}\n`]), configurable: true });
      try {
        return await runCli(...argv);
      } finally {
        Object.defineProperty(process, 'stdin', stdin);
      }
    }

    it('adds with --plans, --all or --read-all; changes a scope; lists scopes', async () => {
      const district = await withPassword('user', 'add', '区巡察办督查科', '--role', 'office', '--plans', 'liangxi-2024');
      expect(district.code).toBe(0);
      expect(district.out).toBe(`已添加账号区巡察办督查科（巡察办工作人员），范围：计划liangxi-2024，保存在 ${path}`);
      expect(district.err).toBe('提示：未能连接 Temporal 127.0.0.1:1，没有核对计划编号liangxi-2024是否在运行');
      const city = await withPassword('user', 'add', '市巡察办', '--role', 'office', '--all');
      expect([city.code, city.out, city.err]).toEqual([0, expect.stringContaining('范围：全部计划'), '']);
      const leader = await withPassword('user', 'add', '省巡视办', '--role', 'leadership', '--read-all');
      expect(leader.out).toContain('范围：查看全部计划，不办理');
      const unscoped = await withPassword('user', 'add', '旧式账号', '--role', 'office');
      expect(unscoped.out).toContain('范围：未限定范围（查看和办理全部计划）');
      expect(unscoped.err).toBe('提示：未指定范围，该账号可查看和办理全部计划；限定范围用“rectify user scope 旧式账号 --plans <计划编号>”');

      const before = credentialVersion((await new FileAccountStore(path).find('省巡视办'))!);
      const scoped = await runCli('user', 'scope', '省巡视办', '--read-all', '--plans', 'binhu-2024,xishan-2024');
      expect([scoped.code, scoped.out]).toEqual([0, '已设定账号省巡视办的范围：查看全部计划，办理计划binhu-2024、xishan-2024']);
      expect(credentialVersion((await new FileAccountStore(path).find('省巡视办'))!)).not.toBe(before);

      const list = await runCli('user', 'list');
      const rows = list.out.split('\n').map((l) => l.split('\t').slice(0, 4));
      expect(rows.slice(0, 4)).toEqual([
        ['区巡察办督查科', '巡察办工作人员', '计划liangxi-2024', '启用'],
        ['市巡察办', '巡察办工作人员', '全部计划', '启用'],
        ['省巡视办', '领导，只读', '查看全部计划，办理计划binhu-2024、xishan-2024', '启用'],
        ['旧式账号', '巡察办工作人员', '未限定范围（查看和办理全部计划）', '启用'],
      ]);
    });

    it.each([
      [
        ['user', 'add', '区巡察办', '--role', 'office', '--plans', 'liangxi-2024,Binhu'],
        '--plans 中的计划编号“Binhu”无效：只能用小写字母、数字和连字符',
      ],
      [['user', 'add', '区巡察办', '--role', 'office', '--plans', ''], '--plans 没有计划编号'],
      [['user', 'add', '区巡察办', '--role', 'office', '--all', '--plans', 'liangxi-2024'], '--all 与 --plans 只能选一个'],
      [['user', 'scope', '区巡察办'], '请用 --plans、--all 或 --read-all 指定范围'],
      [['user', 'scope', '无此账号', '--all'], '没有账号“无此账号”（用“rectify user list”查看）'],
      [['user', 'scope', '区巡察办', '--plans', '梁溪区'], '--plans 中的计划编号“梁溪区”无效'],
    ])('%j is refused in Chinese, naming the field, changing nothing', async (argv, words) => {
      await new FileAccountStore(path).add('区巡察办', 'office', PASSWORD, { plans: ['liangxi-2024'] });
      const text = readFileSync(path, 'utf8');
      // No password is read: a refusal comes before it.
      const r = await runCli(...argv);
      expect([r.code, r.err]).toEqual([1, expect.stringContaining(words)]);
      expect(r.err.startsWith('rectify: ')).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(text);
    });
  });
});
