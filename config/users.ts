/**
 * Accounts of office staff and leaders, managed by `rectify user`: in one JSON file
 * (var/users.json or RECTIFY_USERS) for the embedded default, in PostgreSQL on a cluster.
 * Passwords are hashed with scrypt (memory-hard, in Node's crypto); no store holds a password.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ACCOUNT_ROLES, type AccountRole, type AccountScope } from '../domain/permissions';
import { PLAN_ID_PATTERN } from '../domain/plan/ids';
import { InputError } from './plan-files';

export interface Account {
  name: string;
  role: AccountRole;
  /** `scrypt$N$r$p$salt$hash` (base64url). */
  hash: string;
  disabled?: boolean;
  /** The plans it reads and acts on (domain/permissions.ts); absent: every plan, as before scopes. */
  scope?: AccountScope;
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

/**
 * A short fingerprint of the stored hash: sessions carry it, so a new password, a disabled account
 * or a changed scope ends them. An unscoped account's is what it was before scopes (its sessions
 * go on across the upgrade).
 */
export const credentialVersion = (a: Account): string =>
  createHash('sha256')
    .update(`${a.hash}|${a.disabled ? 'disabled' : ''}|${a.role}${a.scope ? `|${scopeKey(a.scope)}` : ''}`)
    .digest('base64url')
    .slice(0, 12);

/** A scope written one way whatever the order of its plans. */
const scopeKey = (s: AccountScope): string =>
  JSON.stringify({ plans: s.plans === 'all' ? 'all' : [...s.plans].sort(), readAll: !!s.readAll });

/** What is wrong with a stored scope, if anything (a hand-edited file, a database row). */
export function scopeProblem(scope: unknown): string | undefined {
  const s = scope as Partial<AccountScope> | null;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return 'scope 应为 { plans, readAll }';
  if (s.readAll !== undefined && typeof s.readAll !== 'boolean') return 'scope.readAll 应为 true 或 false';
  if (s.plans === 'all') return undefined;
  if (!Array.isArray(s.plans)) return 'scope.plans 应为 "all" 或计划编号的列表';
  const bad = s.plans.find((p) => typeof p !== 'string' || !PLAN_ID_PATTERN.test(p));
  if (bad !== undefined) return `scope.plans 中的计划编号“${String(bad)}”无效`;
  if (!s.plans.length && !s.readAll) return 'scope 没有任何计划';
  return undefined;
}

/**
 * The scope `rectify user add|scope` asks for: `--plans a,b` (read and act on these), `--all`
 * (every plan), `--read-all` (read every plan; with `--plans`, act on those only). Undefined when
 * none is given. A bad value is refused naming its option.
 */
export function parseScope(o: { plans?: string; all?: boolean; readAll?: boolean }): AccountScope | undefined {
  if (o.all && o.plans !== undefined) throw new InputError('--all 与 --plans 只能选一个：--all 即查看和办理全部计划');
  if (o.all) return { plans: 'all' };
  if (o.plans === undefined) return o.readAll ? { plans: [], readAll: true } : undefined;
  const ids = o.plans.split(/[\s,，、]+/).filter(Boolean);
  if (!ids.length) throw new InputError('--plans 没有计划编号：应为逗号分隔的计划编号，如 --plans liangxi-2023,binhu-2023');
  const bad = ids.find((id) => !PLAN_ID_PATTERN.test(id));
  if (bad !== undefined) throw new InputError(`--plans 中的计划编号“${bad}”无效：只能用小写字母、数字和连字符`);
  return { plans: [...new Set(ids)], ...(o.readAll ? { readAll: true } : {}) };
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少${MIN_PASSWORD_LENGTH}个字符`;
  if (/^\s|\s$/.test(password)) return '密码不能以空格开头或结尾';
  return undefined;
}

const NAME = /^[^\s:<>"'&/\\]{1,40}$/u;

/**
 * The accounts and their rules, wherever they are kept: one JSON file (the embedded default,
 * FileAccountStore below) or the cluster's PostgreSQL (config/desk/pg.ts), read at every request
 * so that a disabled account or a new password takes effect at the next one on every instance.
 */
export abstract class AccountStore {
  /** Where the accounts are, for messages: a file's path or the database. */
  abstract readonly where: string;
  abstract list(): Promise<Account[]>;
  /** Stores a new account; false when the name was taken meanwhile. */
  protected abstract insert(account: Account): Promise<boolean>;
  protected abstract replace(account: Account): Promise<void>;

  async find(name: string): Promise<Account | undefined> {
    return (await this.list()).find((a) => a.name === name);
  }

  /** Enabled accounts: binding beyond loopback needs at least one. */
  async active(): Promise<Account[]> {
    return (await this.list()).filter((a) => !a.disabled);
  }

  async add(name: string, role: string, password: string, scope?: AccountScope, now = new Date()): Promise<Account> {
    if (!NAME.test(name)) throw new InputError(`账号名“${name}”无效：1–40个字符，不含空格、冒号、引号、尖括号、斜杠和 &`);
    if (!(ACCOUNT_ROLES as readonly string[]).includes(role)) throw new InputError(`--role 应为 ${ACCOUNT_ROLES.join(' 或 ')}：${role}`);
    const taken = () => new InputError(`账号“${name}”已存在（改密码用“rectify user passwd ${name}”）`);
    if (await this.find(name)) throw taken();
    const problem = passwordProblem(password);
    if (problem) throw new InputError(problem);
    const scopeIssue = scope && scopeProblem(scope);
    if (scopeIssue) throw new InputError(scopeIssue);
    const at = now.toISOString();
    const account: Account = {
      name,
      role: role as AccountRole,
      hash: await hashPassword(password),
      ...(scope ? { scope } : {}),
      createdAt: at,
      updatedAt: at,
    };
    if (!(await this.insert(account))) throw taken();
    return account;
  }

  async passwd(name: string, password: string, now = new Date()): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new InputError(problem);
    const hash = await hashPassword(password);
    await this.change(name, (a) => ({ ...a, hash, disabled: undefined, updatedAt: now.toISOString() }));
  }

  /** A new scope; the account's open sessions end (its credential version changes). */
  async setScope(name: string, scope: AccountScope, now = new Date()): Promise<Account> {
    const problem = scopeProblem(scope);
    if (problem) throw new InputError(problem);
    return this.change(name, (a) => ({ ...a, scope, updatedAt: now.toISOString() }));
  }

  async disable(name: string, now = new Date()): Promise<void> {
    await this.change(name, (a) => ({ ...a, disabled: true, updatedAt: now.toISOString() }));
  }

  private async change(name: string, f: (a: Account) => Account): Promise<Account> {
    const account = await this.find(name);
    if (!account) throw new InputError(`没有账号“${name}”（用“rectify user list”查看）`);
    const changed = f(account);
    await this.replace(changed);
    return changed;
  }
}

/** The embedded default's accounts: var/users.json (or RECTIFY_USERS), reread when it changes. */
export class FileAccountStore extends AccountStore {
  private cache?: { mtimeMs: number; size: number; accounts: Account[] };

  constructor(readonly file: string) {
    super();
  }

  get where(): string {
    return this.file;
  }

  /** The accounts as the file now says (reread when it changes). */
  /** Async so that a broken file rejects, as the database's list does. */
  async list(): Promise<Account[]> {
    return this.read();
  }

  private read(): Account[] {
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
      const problem = a.scope === undefined ? undefined : scopeProblem(a.scope);
      if (problem) throw new InputError(`${this.file}：账号“${a.name}”的 ${problem}`);
    });
    this.cache = { mtimeMs: st.mtimeMs, size: st.size, accounts };
    return accounts;
  }

  protected insert(account: Account): Promise<boolean> {
    const all = this.read();
    if (all.some((a) => a.name === account.name)) return Promise.resolve(false);
    this.write([...all, account]);
    return Promise.resolve(true);
  }

  protected replace(account: Account): Promise<void> {
    this.write(this.read().map((a) => (a.name === account.name ? account : a)));
    return Promise.resolve();
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
