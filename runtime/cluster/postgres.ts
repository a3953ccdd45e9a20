/**
 * PostgreSQL for the cluster: Debian's server in a data directory of the cluster's own, on a port
 * of its own, listening on one address, every connection with a password (scram-sha-256, no
 * trust). PostgreSQL refuses to run as root: as root it runs as the `postgres` user, otherwise as
 * whoever runs rectify.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PostgresSettings {
  dataDir: string;
  host: string;
  port: number;
  /** The superuser's password (the `postgres` role) and the role Temporal connects as. */
  superPassword: string;
  user: string;
  password: string;
}

export class PostgresError extends Error {
  override name = 'PostgresError';
}

/** Debian's PostgreSQL binaries: the newest installed major version (PG_BIN overrides). */
export function pgBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) return env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  if (!versions.length) throw new PostgresError('找不到 PostgreSQL：请安装（apt-get install postgresql），或用 PG_BIN 指向其 bin 目录');
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program as the user that owns the data (postgres, when we are root). */
function pg(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): SpawnSyncReturns<string> {
  const [cmd, argv] = pgCommand(program, args);
  return spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...options.env }, input: options.input });
}

/** The command line that runs a PostgreSQL program as the data's owner. */
export function pgCommand(program: string, args: string[]): [string, string[]] {
  const bin = join(pgBinDir(), program);
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

function must(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new PostgresError(`${what}失败：${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
  return r.stdout;
}

const owned = (path: string) => {
  if (!asRoot()) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(path, uid, gid);
};

/** Creates the data directory once: initdb with the superuser's password, a config of its own. */
export function initPostgres(s: PostgresSettings): boolean {
  if (existsSync(join(s.dataDir, 'PG_VERSION'))) return false;
  mkdirSync(s.dataDir, { recursive: true, mode: 0o700 });
  if (asRoot() && spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', join(s.dataDir, '..')]).status !== 0) {
    throw new PostgresError(
      `postgres 用户无法进入 ${join(s.dataDir, '..')}：以 root 运行时 PostgreSQL 以 postgres 用户运行，请把 RECTIFY_CLUSTER_DIR 设在它能进入的目录（如 /srv/rectify/cluster）`,
    );
  }
  chmodSync(s.dataDir, 0o700);
  owned(s.dataDir);
  const pwfile = join(s.dataDir, '..', 'postgres-password');
  writeFileSync(pwfile, `${s.superPassword}\n`, { mode: 0o600 });
  owned(pwfile);
  must(
    pg('initdb', ['-D', s.dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C']),
    'initdb ',
  );
  // One address, one port, the socket in the data directory (not /var/run/postgresql), passwords only.
  appendFileSync(
    join(s.dataDir, 'postgresql.conf'),
    [
      '',
      '# rectify cluster (runtime/cluster/postgres.ts)',
      `listen_addresses = '${s.host}'`,
      `port = ${s.port}`,
      `unix_socket_directories = '${s.dataDir}'`,
      'max_connections = 200',
      'shared_buffers = 256MB',
      "password_encryption = 'scram-sha-256'",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(s.dataDir, 'pg_hba.conf'),
    [
      '# rectify cluster: every connection with a password',
      'local all all scram-sha-256',
      `host all all ${s.host}/32 scram-sha-256`,
      '',
    ].join('\n'),
  );
  owned(join(s.dataDir, 'pg_hba.conf'));
  return true;
}

export function postgresRunning(s: PostgresSettings): boolean {
  return pg('pg_ctl', ['-D', s.dataDir, 'status']).status === 0;
}

export function startPostgres(s: PostgresSettings, logFile: string): void {
  if (postgresRunning(s)) return;
  writeFileSync(logFile, '', { flag: 'a' });
  owned(logFile);
  must(pg('pg_ctl', ['-D', s.dataDir, '-l', logFile, '-w', '-t', '60', 'start']), `启动 PostgreSQL（日志 ${logFile}）`);
}

/** A fast shutdown (`pg_ctl stop -m fast`): sessions are ended, the data kept. */
export function stopPostgres(s: PostgresSettings): void {
  if (!existsSync(join(s.dataDir, 'PG_VERSION')) || !postgresRunning(s)) return;
  must(pg('pg_ctl', ['-D', s.dataDir, '-m', 'fast', '-w', 'stop']), '停止 PostgreSQL ');
}

/** `pg_ctl restart -m fast`: sessions ended, the server stopped and started again on its data. */
export const restartArgs = (s: PostgresSettings, logFile: string) => ['-D', s.dataDir, '-l', logFile, '-m', 'fast', '-w', 'restart'];

/** SQL as the superuser, over TCP with its password. */
export function psql(s: PostgresSettings, sql: string, db = 'postgres'): string {
  return must(
    pg('psql', ['-h', s.host, '-p', String(s.port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], {
      env: { PGPASSWORD: s.superPassword },
    }),
    'psql ',
  ).trim();
}

/** The role Temporal connects as, with its password and the right to create its databases. */
export function ensureRole(s: PostgresSettings): void {
  const quoted = s.password.replace(/'/g, "''");
  const exists = psql(s, `SELECT 1 FROM pg_roles WHERE rolname = '${s.user}'`) === '1';
  psql(s, `${exists ? 'ALTER' : 'CREATE'} ROLE "${s.user}" WITH LOGIN CREATEDB PASSWORD '${quoted}'`);
}

/** Bytes of a database on disk (pg_database_size), or undefined when it does not exist. */
export function databaseBytes(s: PostgresSettings, db: string): number | undefined {
  const out = psql(s, `SELECT pg_database_size(datname) FROM pg_database WHERE datname = '${db}'`);
  return out ? Number(out) : undefined;
}

/** A database owned by the role (the desk's `rectify`), created once. */
export function ensureDatabase(s: PostgresSettings, name: string): boolean {
  if (psql(s, `SELECT 1 FROM pg_database WHERE datname = '${name}'`) === '1') return false;
  psql(s, `CREATE DATABASE "${name}" OWNER "${s.user}" ENCODING 'UTF8'`);
  return true;
}

/** The URL the desk connects with (RECTIFY_DATABASE_URL): the role, its password, the database. */
export function databaseUrl(s: PostgresSettings, name: string): string {
  return `postgres://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${name}`;
}
