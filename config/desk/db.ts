/**
 * The desk's database on a cluster (RECTIFY_DATABASE_URL: a `rectify` database in the cluster's
 * PostgreSQL, through node-postgres): a pool, and the schema migrations of
 * deploy/rectify-db/migrations applied in order, each once, under an advisory lock so that
 * several instances starting together migrate once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool, type PoolConfig } from 'pg';

/** The migrations folder, from the sources (config/desk/) or from the build (dist/config/desk/). */
export const MIGRATIONS_DIR = [
  resolve(__dirname, '../../deploy/rectify-db/migrations'),
  resolve(__dirname, '../../../deploy/rectify-db/migrations'),
].find((d) => existsSync(d))!;

/** Any lock id: the same for every instance of rectify ("rectify" in ASCII). */
const LOCK_ID = 0x72656374;

export function deskPool(url: string, options: Omit<PoolConfig, 'connectionString'> = {}): Pool {
  const pool = new Pool({ connectionString: url, max: 5, idleTimeoutMillis: 10_000, ...options });
  // An idle client losing its server (a restart) is not a crash: the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** The database as a URL says it, without its password: for messages. */
export function databaseName(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.host}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** Applies the migrations not yet applied; the versions applied now. */
export async function migrateDeskDb(pool: Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS rectify_schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: string }>('SELECT version FROM rectify_schema_migrations')).rows.map((r) => r.version),
    );
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      await client.query(readFileSync(join(dir, file), 'utf8'));
      await client.query('INSERT INTO rectify_schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`数据库迁移失败：${(e as Error).message}`, { cause: e });
  } finally {
    client.release();
  }
  return applied;
}
