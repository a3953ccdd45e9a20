/**
 * The desk's state in the cluster's PostgreSQL (the `rectify` database, schema in
 * deploy/rectify-db/migrations): accounts, failed sign-ins and installed holiday years, read and
 * written by every web, worker and CLI at once. Evidence is beside the web's other evidence
 * code (client/web/evidence-store.ts, PgEvidenceStore).
 */
import type { Pool } from 'pg';
import type { CalendarYear } from '../../domain/calendar';
import { LOCK_MS, lockRemaining, type SignInCounter } from '../../domain/sign-in';
import { CalendarStoreError, checkedArrangement, type CalendarStore, type InstallOutcome } from '../calendar-store';
import { AccountStore, type Account } from '../users';
import type { AccountRole, AccountScope } from '../../domain/permissions';
import { isDeepStrictEqual } from 'node:util';

interface AccountRow {
  name: string;
  role: AccountRole;
  hash: string;
  disabled: boolean;
  /** NULL for an account made before scopes (migration 002). */
  scope: AccountScope | null;
  created_at: Date;
  updated_at: Date;
}

const accountOf = (r: AccountRow): Account => ({
  name: r.name,
  role: r.role,
  hash: r.hash,
  ...(r.disabled ? { disabled: true } : {}),
  ...(r.scope ? { scope: r.scope } : {}),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The scope as its jsonb column takes it (node-postgres would write an array as a PostgreSQL array). */
const scopeJson = (a: Account): string | null => (a.scope ? JSON.stringify(a.scope) : null);

export class PgAccountStore extends AccountStore {
  constructor(
    private readonly pool: Pool,
    readonly where: string,
  ) {
    super();
  }

  async list(): Promise<Account[]> {
    return (await this.pool.query<AccountRow>('SELECT * FROM accounts ORDER BY created_at, name')).rows.map(accountOf);
  }

  override async find(name: string): Promise<Account | undefined> {
    const [row] = (await this.pool.query<AccountRow>('SELECT * FROM accounts WHERE name = $1', [name])).rows;
    return row && accountOf(row);
  }

  protected async insert(a: Account): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO accounts (name, role, hash, disabled, scope, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING',
      [a.name, a.role, a.hash, !!a.disabled, scopeJson(a), a.createdAt, a.updatedAt],
    );
    return r.rowCount === 1;
  }

  protected async replace(a: Account): Promise<void> {
    await this.pool.query('UPDATE accounts SET role = $2, hash = $3, disabled = $4, scope = $5, updated_at = $6 WHERE name = $1', [
      a.name,
      a.role,
      a.hash,
      !!a.disabled,
      scopeJson(a),
      a.updatedAt,
    ]);
  }

  /** `rectify migrate`: an account from var/users.json as it is (its hash, its dates); one already there stays. */
  async adopt(a: Account): Promise<boolean> {
    return this.insert(a);
  }
}

/** Failed sign-ins in the database: every web instance counts the same failures. */
export class PgSignInCounter implements SignInCounter {
  constructor(
    private readonly pool: Pool,
    private readonly now: () => number,
  ) {}

  async lockedFor(name: string): Promise<number> {
    const since = new Date(this.now() - LOCK_MS);
    const { rows } = await this.pool.query<{ at: Date }>('SELECT at FROM sign_in_failures WHERE name = $1 AND at > $2 ORDER BY at', [
      name,
      since,
    ]);
    return lockRemaining(
      rows.map((r) => r.at.getTime()),
      this.now(),
    );
  }

  async fail(name: string): Promise<void> {
    const now = this.now();
    await this.pool.query('INSERT INTO sign_in_failures (name, at) VALUES ($1, $2)', [name, new Date(now)]);
    // What no longer counts goes, so that the table does not grow with every name ever tried.
    await this.pool.query('DELETE FROM sign_in_failures WHERE at <= $1', [new Date(now - LOCK_MS)]);
  }

  async succeed(name: string): Promise<void> {
    await this.pool.query('DELETE FROM sign_in_failures WHERE name = $1', [name]);
  }
}

/** Installed holiday years in the database: one row a year. */
export class PgCalendarStore implements CalendarStore {
  constructor(
    private readonly pool: Pool,
    readonly where: string,
  ) {}

  async read(): Promise<Record<string, CalendarYear>> {
    const { rows } = await this.pool.query<{ year: number; arrangement: CalendarYear }>(
      'SELECT year, arrangement FROM calendar_years ORDER BY year',
    );
    const years: Record<string, CalendarYear> = {};
    for (const r of rows) {
      checkedArrangement(`${this.where} calendar_years ${r.year}`, r.year, r.arrangement);
      years[String(r.year)] = r.arrangement;
    }
    return years;
  }

  async install(year: number, arrangement: CalendarYear, force = false): Promise<{ path: string; outcome: InstallOutcome }> {
    const path = `${this.where}（calendar_years ${year}）`;
    checkedArrangement(path, year, arrangement);
    const [row] = (await this.pool.query<{ arrangement: CalendarYear }>('SELECT arrangement FROM calendar_years WHERE year = $1', [year]))
      .rows;
    if (row && isDeepStrictEqual(row.arrangement, JSON.parse(JSON.stringify(arrangement)))) return { path, outcome: 'unchanged' };
    if (row && !force) throw new CalendarStoreError(`${path} 已有${year}年的不同安排；确认以新通知为准请加 --force`);
    await this.pool.query(
      'INSERT INTO calendar_years (year, arrangement, installed_at) VALUES ($1, $2, now()) ON CONFLICT (year) DO UPDATE SET arrangement = $2, installed_at = now()',
      [year, JSON.stringify(arrangement)],
    );
    return { path, outcome: row ? 'replaced' : 'installed' };
  }
}
