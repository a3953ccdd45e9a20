/**
 * Accounts of office staff and leaders, in one JSON file (var/users.json or RECTIFY_USERS),
 * managed by `rectify user`. Passwords are hashed with scrypt (memory-hard, in Node's crypto);
 * the file never holds a password. The web rereads the file when it changes, so a disabled
 * account or a new password takes effect at the next request.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ACCOUNT_ROLES, type AccountRole } from '../domain/permissions';
import { InputError } from './plan-files';

export interface Account {
  name: string;
  role: AccountRole;
  /** `scrypt$N$r$p$salt$hash` (base64url). */
  hash: string;
  disabled?: boolean;
  createdAt: string;
  updatedAt: string;
}

/** N = 2^15, r = 8: 32 MiB and about 0.1 s per check on this machine's cores. */
const KDF = { N: 1 << 15, r: 8, p: 1, keylen: 32 };
const MAXMEM = 64 * 1024 * 1024;
export const MIN_PASSWORD_LENGTH = 10;

const scrypt = (password: string, salt: Buffer, o: ScryptOptions & { keylen: number }) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, o.keylen, { N: o.N, r: o.r, p: o.p, maxmem: MAXMEM }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KDF);
  return ['scrypt', KDF.N, KDF.r, KDF.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function checkPassword(password: string, hash: string): Promise<boolean> {
  const [alg, N, r, p, salt, key] = hash.split('$');
  if (alg !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const got = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p), keylen: expected.length });
  return timingSafeEqual(got, expected);
}

/** A short fingerprint of the stored hash: sessions carry it, so a new password or a disabled account ends them. */
export const credentialVersion = (a: Account): string =>
  createHash('sha256')
    .update(`${a.hash}|${a.disabled ? 'disabled' : ''}|${a.role}`)
    .digest('base64url')
    .slice(0, 12);

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少${MIN_PASSWORD_LENGTH}个字符`;
  if (/^\s|\s$/.test(password)) return '密码不能以空格开头或结尾';
  return undefined;
}

const NAME = /^[^\s:<>"'&/\\]{1,40}$/u;

export class UserStore {
  private cache?: { mtimeMs: number; size: number; accounts: Account[] };

  constructor(readonly file: string) {}

  /** The accounts as the file now says (reread when it changes). */
  list(): Account[] {
    if (!existsSync(this.file)) return [];
    const st = statSync(this.file);
    if (this.cache && this.cache.mtimeMs === st.mtimeMs && this.cache.size === st.size) return this.cache.accounts;
    let parsed: { users?: unknown };
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (e) {
      throw new InputError(`${this.file}：账号文件不是有效的 JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed.users)) throw new InputError(`${this.file}：缺少 users 列表`);
    const accounts = parsed.users as Account[];
    accounts.forEach((a, i) => {
      if (typeof a?.name !== 'string' || !(ACCOUNT_ROLES as readonly string[]).includes(a.role) || typeof a.hash !== 'string')
        throw new InputError(`${this.file}：第${i + 1}个账号缺少 name、role（office 或 leadership）或 hash`);
    });
    this.cache = { mtimeMs: st.mtimeMs, size: st.size, accounts };
    return accounts;
  }

  find(name: string): Account | undefined {
    return this.list().find((a) => a.name === name);
  }

  /** Enabled accounts: binding beyond loopback needs at least one. */
  active(): Account[] {
    return this.list().filter((a) => !a.disabled);
  }

  async add(name: string, role: string, password: string, now = new Date()): Promise<Account> {
    if (!NAME.test(name)) throw new InputError(`账号名“${name}”无效：1–40个字符，不含空格、冒号、引号、尖括号、斜杠和 &`);
    if (!(ACCOUNT_ROLES as readonly string[]).includes(role)) throw new InputError(`--role 应为 ${ACCOUNT_ROLES.join(' 或 ')}：${role}`);
    if (this.find(name)) throw new InputError(`账号“${name}”已存在（改密码用“rectify user passwd ${name}”）`);
    const problem = passwordProblem(password);
    if (problem) throw new InputError(problem);
    const at = now.toISOString();
    const account: Account = { name, role: role as AccountRole, hash: await hashPassword(password), createdAt: at, updatedAt: at };
    this.write([...this.list(), account]);
    return account;
  }

  async passwd(name: string, password: string, now = new Date()): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new InputError(problem);
    const hash = await hashPassword(password);
    this.change(name, (a) => ({ ...a, hash, disabled: undefined, updatedAt: now.toISOString() }));
  }

  disable(name: string, now = new Date()): void {
    this.change(name, (a) => ({ ...a, disabled: true, updatedAt: now.toISOString() }));
  }

  private change(name: string, f: (a: Account) => Account): void {
    const all = this.list();
    const i = all.findIndex((a) => a.name === name);
    if (i < 0) throw new InputError(`没有账号“${name}”（用“rectify user list”查看）`);
    this.write(all.map((a, j) => (j === i ? f(a) : a)));
  }

  /** Whole file, atomically, readable by its owner only. */
  private write(accounts: Account[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ users: accounts }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.cache = undefined;
  }
}
