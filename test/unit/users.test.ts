/** Web accounts: scrypt hashes, the file's rules, and sessions ended by a new password or disabling. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
