/**
 * Temporal on PostgreSQL, as an office's IT department runs it: PostgreSQL in a data directory of
 * the cluster's own, Temporal's two databases created and migrated by temporal-sql-tool (the same
 * deploy/temporal/setup-postgres.sh the compose stack runs), the server's configuration rendered
 * from the module's template, and temporal-server started with it. Idempotent: `up` on a running
 * cluster changes nothing; `down` stops the server and PostgreSQL and keeps the data.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureServerBuild, type ServerBuild } from './build';
import { ClusterConfigError, configProblems, renderDynamicConfig, renderServerConfig, type ClusterPorts } from './config';
import { ensureRole, initPostgres, postgresRunning, startPostgres, stopPostgres, type PostgresSettings } from './postgres';
import { runningPid, startDaemon, stopDaemon, type Daemon } from './processes';
import { listening } from '../net';

export interface ClusterSettings {
  /** Where the cluster keeps everything: PostgreSQL's data, configuration, logs, pid files, secrets. */
  dir: string;
  host: string;
  ports: ClusterPorts & { postgres: number };
  /** rectify's own: the web (RECTIFY_CLUSTER_WEB_PORT, 3100), and each worker's metrics and health from the frontend's port + 780. */
  rectifyPorts: { web: number; workerOps: (i: number) => { metrics: number; health: number } };
  numHistoryShards: number;
  refreshSearchAttributesOnRead: boolean;
}

/**
 * 128 shards: enough for a province (hundreds of thousands of measures over three history hosts
 * and more), cheap on one small machine; it cannot change once the databases are in use. The test
 * tier uses 4 (RECTIFY_CLUSTER_SHARDS), as Temporal's own development configuration does.
 */
export const DEFAULT_SHARDS = 128;

/** Ports from a base (17233 by default): the frontend at the base, the rest beside it; membership ports below 32767. */
export function clusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const base = Number(env.RECTIFY_CLUSTER_PORT ?? 17233);
  return {
    dir: resolve(env.RECTIFY_CLUSTER_DIR ?? join(env.RECTIFY_VAR_DIR ?? 'var', 'cluster')),
    host: env.RECTIFY_CLUSTER_HOST ?? '127.0.0.1',
    ports: {
      frontend: base,
      history: base + 1,
      matching: base + 2,
      worker: base + 6,
      frontendHttp: base + 10,
      membership: { frontend: base - 300, history: base - 299, matching: base - 298, worker: base - 294 },
      metrics: base + 767,
      postgres: Number(env.RECTIFY_CLUSTER_PG_PORT ?? 55432),
    },
    rectifyPorts: {
      web: Number(env.RECTIFY_CLUSTER_WEB_PORT ?? 3100),
      workerOps: (i) => ({ metrics: base + 780 + 2 * i, health: base + 781 + 2 * i }),
    },
    numHistoryShards: Number(env.RECTIFY_CLUSTER_SHARDS ?? DEFAULT_SHARDS),
    refreshSearchAttributesOnRead: env.RECTIFY_CLUSTER_TEST === '1',
  };
}

/** Passwords and keys, made once and kept in the cluster's directory (mode 0600). */
export function clusterSecrets(dir: string): Record<'POSTGRES_SUPER_PASSWORD' | 'POSTGRES_PASSWORD' | 'RECTIFY_LINK_SECRET', string> {
  const file = join(dir, 'secrets.env');
  const keys = ['POSTGRES_SUPER_PASSWORD', 'POSTGRES_PASSWORD', 'RECTIFY_LINK_SECRET'] as const;
  const known = existsSync(file)
    ? Object.fromEntries(
        readFileSync(file, 'utf8')
          .split('\n')
          .map((l) => l.split('='))
          .filter((kv) => kv.length === 2),
      )
    : {};
  const out = Object.fromEntries(keys.map((k) => [k, known[k] ?? randomBytes(24).toString('hex')])) as Record<
    (typeof keys)[number],
    string
  >;
  // Written once, when a key is new; read every time after.
  if (keys.some((k) => known[k] === undefined)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, keys.map((k) => `${k}=${out[k]}`).join('\n') + '\n', { mode: 0o600 });
  }
  return out;
}

/** The desk's database in the cluster's PostgreSQL (created by deploy/temporal/setup-postgres.sh, its tables migrated by rectify). */
export const DESK_DATABASE = 'rectify';

export function postgresOf(s: ClusterSettings): PostgresSettings {
  const secrets = clusterSecrets(s.dir);
  return {
    dataDir: join(s.dir, 'postgres'),
    host: s.host,
    port: s.ports.postgres,
    superPassword: secrets.POSTGRES_SUPER_PASSWORD,
    user: 'temporal',
    password: secrets.POSTGRES_PASSWORD,
  };
}

export const serverDaemon = (s: ClusterSettings): Daemon => ({
  name: 'temporal-server',
  pidFile: join(s.dir, 'run', 'temporal-server.pid'),
  logFile: join(s.dir, 'logs', 'temporal-server.log'),
});

/** The checkout (from source or from dist/): the deploy scripts live there. */
export const REPO = [resolve(__dirname, '../..'), resolve(__dirname, '../../..')].find((d) => existsSync(join(d, 'deploy', 'temporal')))!;

export const frontendAddress = (s: ClusterSettings) => `${s.host}:${s.ports.frontend}`;

/** Temporal's two databases at the server's schema version, by the compose stack's own script. */
export function migrateSchemas(build: ServerBuild, pg: PostgresSettings, log: (line: string) => void): void {
  const script = join(REPO, 'deploy', 'temporal', 'setup-postgres.sh');
  const r = spawnSync('sh', [script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${join(build.dir, 'bin')}:${process.env.PATH}`,
      POSTGRES_SEEDS: pg.host,
      DB_PORT: String(pg.port),
      POSTGRES_USER: pg.user,
      POSTGRES_PWD: pg.password,
      SCHEMA_DIR: build.schemaDir,
    },
  });
  if (r.status !== 0)
    throw new Error(`数据库结构未能建立（deploy/temporal/setup-postgres.sh）：${(r.stderr || r.stdout).trim().slice(-800)}`);
  log(r.stdout.trim().split('\n').at(-1) ?? '');
}

export interface ClusterUp {
  address: string;
  build: ServerBuild;
  started: string[];
}

/** PostgreSQL, the schemas, the configuration and temporal-server, each only if it is not there yet. */
export async function temporalUp(s: ClusterSettings, log: (line: string) => void): Promise<ClusterUp> {
  // Settings that cannot work are refused before anything starts or is written.
  const problems = configProblems(s);
  if (problems.length) throw new ClusterConfigError(problems.join('\n'));
  const started: string[] = [];
  // Another server on the port would answer in its place: refused before anything starts.
  if (!runningPid(serverDaemon(s)) && (await listening(s.host, s.ports.frontend)))
    throw new Error(`${frontendAddress(s)} 已被别的进程占用（不是本集群的 temporal-server）：停止它，或用 RECTIFY_CLUSTER_PORT 换一个端口`);
  const pg = postgresOf(s);
  const dynamic = join(s.dir, 'config', 'dynamicconfig.yaml');
  const configSettings = {
    host: s.host,
    ports: s.ports,
    postgres: { host: pg.host, port: pg.port, user: pg.user, password: pg.password },
    numHistoryShards: s.numHistoryShards,
    dynamicConfigFile: dynamic,
  };
  const build = ensureServerBuild(log);
  for (const d of ['logs', 'run', 'config']) mkdirSync(join(s.dir, d), { recursive: true });
  if (initPostgres(pg)) log(`已初始化 PostgreSQL 数据目录 ${pg.dataDir}`);
  if (!postgresRunning(pg)) {
    startPostgres(pg, join(s.dir, 'logs', 'postgresql.log'));
    started.push(`PostgreSQL ${pg.host}:${pg.port}`);
  }
  ensureRole(pg);
  migrateSchemas(build, pg, log);
  writeFileSync(dynamic, renderDynamicConfig({ refreshSearchAttributesOnRead: s.refreshSearchAttributesOnRead }));
  const configFile = join(s.dir, 'config', 'temporal.yaml');
  writeFileSync(configFile, renderServerConfig(readFileSync(build.configTemplate, 'utf8'), configSettings), { mode: 0o600 });
  const daemon = serverDaemon(s);
  if (!runningPid(daemon)) {
    startDaemon(daemon, build.server, ['--config-file', configFile, '--allow-no-auth', 'start'], { ...process.env }, s.dir);
    started.push(`temporal-server ${frontendAddress(s)}`);
  }
  const until = Date.now() + 120_000;
  while (!(await listening(s.host, s.ports.frontend))) {
    if (!runningPid(daemon)) throw new Error(`temporal-server 退出了，见 ${daemon.logFile}`);
    if (Date.now() > until) throw new Error(`temporal-server 120秒内未就绪，见 ${daemon.logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { address: frontendAddress(s), build, started };
}

/** temporal-server, then PostgreSQL; the data stays. */
export async function temporalDown(s: ClusterSettings): Promise<string[]> {
  const stopped: string[] = [];
  if (await stopDaemon(serverDaemon(s))) stopped.push('temporal-server');
  const pg = postgresOf(s);
  if (existsSync(join(pg.dataDir, 'PG_VERSION')) && postgresRunning(pg)) {
    stopPostgres(pg);
    stopped.push('PostgreSQL');
  }
  return stopped;
}
