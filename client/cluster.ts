/**
 * `rectify cluster up | down | status`: the production topology on one machine. Temporal on
 * PostgreSQL (runtime/cluster), the namespace and its search attributes by the compose stack's own
 * job (deploy/temporal/create-namespace.sh), two `rectify worker` processes with var dirs of their
 * own (as two machines would have), and `rectify web`; mail through SMTP_URL when it is set.
 * Idempotent: what runs is left running; `down` stops everything and keeps the data.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureServerBuild } from '../runtime/cluster/build';
import { renderDynamicConfig, renderServerConfig } from '../runtime/cluster/config';
import { dirname, join, resolve } from 'node:path';
import { resolveBinary, TEMPORAL_CLI } from '../runtime/binaries';
import {
  clusterSecrets,
  clusterSettings,
  DESK_DATABASE,
  frontendAddress,
  postgresOf,
  REPO,
  serverDaemon,
  temporalDown,
  temporalUp,
  type ClusterSettings,
} from '../runtime/cluster/server';
import { databaseUrl, postgresRunning } from '../runtime/cluster/postgres';
import { listening } from '../runtime/net';
import { runningPid, startDaemon, stopDaemon, type Daemon } from '../runtime/cluster/processes';

export interface ClusterOptions {
  workers: number;
  web: boolean;
  /** The namespace rectify uses on the cluster. */
  namespace: string;
}

/** Workers are named worker-a … worker-z. */
export const MAX_WORKERS = 26;

/** How many workers this cluster's directory has pid files for: what `down` and `status` must cover, whatever `--workers` says. */
function workersRecorded(s: ClusterSettings): number {
  const run = join(s.dir, 'run');
  const letters = existsSync(run) ? readdirSync(run).flatMap((f) => /^worker-([a-z])\.pid$/.exec(f)?.[1] ?? []) : [];
  return Math.max(0, ...letters.map((l) => l.charCodeAt(0) - 96));
}

function rectifyDaemons(s: ClusterSettings, o: ClusterOptions): (Daemon & { role: string; varDir: string; env: NodeJS.ProcessEnv })[] {
  const workers = Array.from({ length: o.workers }, (_, i) => {
    const name = `worker-${String.fromCharCode(97 + i)}`;
    return {
      name,
      role: 'worker',
      varDir: join(s.dir, name),
      pidFile: join(s.dir, 'run', `${name}.pid`),
      logFile: join(s.dir, 'logs', `${name}.log`),
      env: {
        RECTIFY_HEALTH_ADDRESS: `${s.host}:${s.rectifyPorts.workerOps(i).health}`,
        RECTIFY_METRICS_ADDRESS: `${s.host}:${s.rectifyPorts.workerOps(i).metrics}`,
      },
    };
  });
  const web = {
    name: 'web',
    role: 'web',
    varDir: join(s.dir, 'web'),
    pidFile: join(s.dir, 'run', 'web.pid'),
    logFile: join(s.dir, 'logs', 'web.log'),
    env: {
      RECTIFY_WEB_HOST: s.host,
      RECTIFY_WEB_PORT: String(s.rectifyPorts.web),
      RECTIFY_PUBLIC_URL: `http://${s.host}:${s.rectifyPorts.web}/`,
    },
  };
  return o.web ? [...workers, web] : workers;
}

/** What every rectify process on the cluster shares: the address, the namespace, the link key, the desk's database. */
export function clusterEnv(s: ClusterSettings, namespace: string): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: frontendAddress(s),
    TEMPORAL_NAMESPACE: namespace,
    RECTIFY_LINK_SECRET: clusterSecrets(s.dir).RECTIFY_LINK_SECRET,
    RECTIFY_DATABASE_URL: databaseUrl(postgresOf(s), DESK_DATABASE),
    RECTIFY_PUBLIC_URL: `http://${s.host}:${s.rectifyPorts.web}/`,
    RECTIFY_LOG_FORMAT: 'json',
  };
}

/** The namespace with 30 days' retention and every search attribute, by the compose stack's job. */
export function ensureNamespace(address: string, namespace: string, log: (line: string) => void): void {
  const cli = resolveBinary(TEMPORAL_CLI).executable;
  const path = cli.type === 'existing-path' ? `${dirname(cli.path)}:${process.env.PATH}` : process.env.PATH;
  const r = spawnSync('sh', [join(REPO, 'deploy', 'temporal', 'create-namespace.sh')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: path, TEMPORAL_ADDRESS: address, NAMESPACE: namespace, RETENTION: '30d' },
  });
  if (r.status !== 0)
    throw new Error(`命名空间 ${namespace} 未能建立（deploy/temporal/create-namespace.sh）：${(r.stderr || r.stdout).trim()}`);
  log(r.stdout.trim().split('\n').at(-1) ?? '');
}

export async function clusterUp(o: ClusterOptions, log: (line: string) => void, env = process.env): Promise<string[]> {
  const s = clusterSettings(env);
  const up = await temporalUp(s, log);
  ensureNamespace(up.address, o.namespace, log);
  const shared = clusterEnv(s, o.namespace);
  const cli = resolve(REPO, 'dist', 'client', 'cli', 'index.js');
  for (const d of rectifyDaemons(s, o)) {
    mkdirSync(d.varDir, { recursive: true });
    if (runningPid(d)) continue;
    startDaemon(d, process.execPath, [cli, d.role], { ...process.env, ...shared, ...d.env, RECTIFY_VAR_DIR: d.varDir }, REPO);
    up.started.push(`${d.name}（${d.varDir}）`);
  }
  if (o.web) {
    const web = rectifyDaemons(s, o).find((d) => d.role === 'web')!;
    const until = Date.now() + 60_000;
    while (!(await listening(s.host, s.rectifyPorts.web))) {
      if (!runningPid(web) || Date.now() > until)
        throw new Error(
          `网页未能在 ${s.host}:${s.rectifyPorts.web} 上启动${runningPid(web) ? '（60秒内未监听）' : '（进程已退出）'}，见 ${web.logFile}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return [
    up.started.length ? `已启动：${up.started.join('、')}` : '集群已在运行，未做改动',
    `Temporal：${up.address}（命名空间 ${o.namespace}，${s.numHistoryShards}个历史分片）`,
    `PostgreSQL：${s.host}:${s.ports.postgres}（数据 ${postgresOf(s).dataDir}；网页账号等在数据库 ${DESK_DATABASE}：RECTIFY_DATABASE_URL=postgres://${postgresOf(s).user}:<${join(s.dir, 'secrets.env')} 中的 POSTGRES_PASSWORD>@${s.host}:${s.ports.postgres}/${DESK_DATABASE}）`,
    ...(o.web ? [`网页：http://${s.host}:${s.rectifyPorts.web}/`] : []),
    `日志：${join(s.dir, 'logs')}`,
    `在集群上运行命令：export TEMPORAL_ADDRESS=${up.address} TEMPORAL_NAMESPACE=${o.namespace}`,
  ];
}

/**
 * The server's configuration for a server of its own (systemd, deploy/systemd): temporal.yaml and
 * dynamicconfig.yaml into `out`, for PostgreSQL as deploy/temporal/setup-postgres.sh is told of it
 * (POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD), on the standard ports from 7233.
 */
export function clusterConfig(out: string, log: (line: string) => void, env = process.env): string[] {
  const need = ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD'].filter((k) => !env[k]);
  if (need.length)
    throw new Error(`缺少环境变量：${need.join('、')}（与 deploy/temporal/setup-postgres.sh 相同，如 /etc/rectify/postgres.env）`);
  const s = clusterSettings({ RECTIFY_CLUSTER_PORT: '7233', ...env });
  const build = ensureServerBuild(log);
  mkdirSync(out, { recursive: true });
  // Absolute: the server reads it from its own working directory, not ours.
  const dynamic = resolve(out, 'dynamicconfig.yaml');
  writeFileSync(dynamic, renderDynamicConfig({ refreshSearchAttributesOnRead: false }));
  const config = join(out, 'temporal.yaml');
  writeFileSync(
    config,
    renderServerConfig(readFileSync(build.configTemplate, 'utf8'), {
      host: s.host,
      ports: s.ports,
      postgres: { host: env.POSTGRES_SEEDS!, port: Number(env.DB_PORT ?? 5432), user: env.POSTGRES_USER!, password: env.POSTGRES_PWD! },
      numHistoryShards: s.numHistoryShards,
      dynamicConfigFile: dynamic,
    }),
    { mode: 0o600 },
  );
  return [`已写入 ${config}（${s.numHistoryShards}个历史分片，前端 ${s.host}:${s.ports.frontend}）`, `已写入 ${dynamic}`];
}

export async function clusterDown(o: ClusterOptions, env = process.env): Promise<string[]> {
  const s = clusterSettings(env);
  const stopped: string[] = [];
  for (const d of rectifyDaemons(s, { ...o, workers: Math.max(o.workers, workersRecorded(s)), web: true }))
    if (await stopDaemon(d)) stopped.push(d.name);
  stopped.push(...(await temporalDown(s)));
  return [stopped.length ? `已停止：${stopped.join('、')}（数据保留在 ${s.dir}）` : '集群没有在运行'];
}

export function clusterStatus(o: ClusterOptions, env = process.env): string[] {
  const s = clusterSettings(env);
  const pg = postgresOf(s);
  const state = (pid: number | undefined) => (pid ? `运行中（pid ${pid}）` : '未运行');
  let pgState: string;
  try {
    pgState = postgresRunning(pg) ? '运行中' : '未运行';
  } catch {
    pgState = '未运行';
  }
  return [
    `PostgreSQL ${s.host}:${s.ports.postgres}：${pgState}`,
    `temporal-server ${frontendAddress(s)}：${state(runningPid(serverDaemon(s)))}`,
    ...rectifyDaemons(s, { ...o, workers: Math.max(o.workers, workersRecorded(s)), web: true }).map(
      (d) => `${d.name}：${state(runningPid(d))}`,
    ),
  ];
}
