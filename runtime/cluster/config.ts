/**
 * The Temporal Server's configuration for a deployment, rendered from the module's own
 * development-postgres12.yaml template with this deployment's settings: persistence and
 * visibility on PostgreSQL, the number of history shards, ports, metrics, the dynamic config.
 * And the dynamic config itself. Pure: text in, text out; a setting that cannot work is refused.
 */
import { Document, parseDocument } from 'yaml';
import { MAIL_TASK_QUEUE } from '../../contracts/ids';

export interface ClusterPorts {
  /** The frontend's gRPC port: what TEMPORAL_ADDRESS names. */
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Membership (ringpop) ports, one per service: the server stores them in a PostgreSQL smallint. */
  membership: { frontend: number; history: number; matching: number; worker: number };
  metrics: number;
}

export interface ServerConfigSettings {
  host: string;
  ports: ClusterPorts;
  postgres: { host: string; port: number; user: string; password: string };
  /**
   * History shards: fixed when the databases are first used, never changed after. Each shard is a
   * unit of ordering and ownership among history hosts; too few caps throughput, too many costs
   * idle work on a small machine (see README, "The production cluster").
   */
  numHistoryShards: number;
  /** The dynamic config file the server polls. */
  dynamicConfigFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** The highest port a membership address can have: the cluster_membership table keeps it in a smallint. */
export const MAX_MEMBERSHIP_PORT = 32767;

export class ClusterConfigError extends Error {
  override name = 'ClusterConfigError';
}

/** Problems with settings, in words; empty when they can work. */
export function configProblems(s: Pick<ServerConfigSettings, 'ports' | 'numHistoryShards'>): string[] {
  const problems: string[] = [];
  for (const [service, port] of Object.entries(s.ports.membership)) {
    if (port > MAX_MEMBERSHIP_PORT) {
      problems.push(
        `${service} 的成员端口 ${port} 超过 ${MAX_MEMBERSHIP_PORT}：Temporal 把成员端口存在 PostgreSQL 的 smallint 列中，端口更大时服务会退出；请选 ${MAX_MEMBERSHIP_PORT} 以下的端口`,
      );
    }
  }
  const all = [
    s.ports.frontend,
    s.ports.frontendHttp,
    s.ports.history,
    s.ports.matching,
    s.ports.worker,
    s.ports.metrics,
    ...Object.values(s.ports.membership),
  ];
  const seen = new Set<number>();
  for (const p of all) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) problems.push(`端口 ${p} 无效：应为 1–65535 的整数`);
    else if (seen.has(p)) problems.push(`端口 ${p} 重复使用`);
    seen.add(p);
  }
  const shards = s.numHistoryShards;
  if (!Number.isInteger(shards) || shards < 1 || (shards & (shards - 1)) !== 0) {
    problems.push(`numHistoryShards ${shards} 无效：应为 2 的幂（如 4、128、512）`);
  }
  return problems;
}

/** The server's configuration file: the module's template with this deployment's settings. */
export function renderServerConfig(template: string, s: ServerConfigSettings): string {
  const problems = configProblems(s);
  if (problems.length) throw new ClusterConfigError(problems.join('\n'));
  const doc = parseDocument(template);
  if (doc.errors.length) throw new ClusterConfigError(`配置模板无法解析：${doc.errors[0].message}`);
  const pg = `${s.postgres.host}:${s.postgres.port}`;
  for (const store of ['postgres-default', 'postgres-visibility']) {
    const at = ['persistence', 'datastores', store, 'sql'];
    if (!doc.hasIn(at)) throw new ClusterConfigError(`配置模板中没有 persistence.datastores.${store}.sql`);
    doc.setIn([...at, 'connectAddr'], pg);
    doc.setIn([...at, 'user'], s.postgres.user);
    doc.setIn([...at, 'password'], s.postgres.password);
  }
  // Visibility is written by every workflow's search attributes: the template's two connections queue them.
  doc.setIn(['persistence', 'datastores', 'postgres-visibility', 'sql', 'maxConns'], 10);
  doc.setIn(['persistence', 'datastores', 'postgres-visibility', 'sql', 'maxIdleConns'], 10);
  doc.setIn(['persistence', 'numHistoryShards'], s.numHistoryShards);
  doc.setIn(['global', 'membership', 'broadcastAddress'], s.host);
  doc.setIn(['global', 'metrics', 'prometheus', 'listenAddress'], `${s.host}:${s.ports.metrics}`);
  // pprof is a debugging endpoint: not on a production server.
  doc.deleteIn(['global', 'pprof']);
  const services = { frontend: s.ports.frontend, history: s.ports.history, matching: s.ports.matching, worker: s.ports.worker };
  for (const [service, grpc] of Object.entries(services)) {
    doc.setIn(['services', service, 'rpc', 'grpcPort'], grpc);
    doc.setIn(['services', service, 'rpc', 'membershipPort'], s.ports.membership[service as keyof ClusterPorts['membership']]);
    doc.deleteIn(['services', service, 'rpc', 'bindOnLocalHost']);
    doc.setIn(['services', service, 'rpc', 'bindOnIP'], s.host);
  }
  doc.setIn(['services', 'frontend', 'rpc', 'httpPort'], s.ports.frontendHttp);
  doc.setIn(['clusterMetadata', 'clusterInformation', 'active', 'rpcAddress'], `${s.host}:${s.ports.frontend}`);
  // No archival: rectify keeps what it needs in its workflows (the template turns it on for development).
  doc.deleteIn(['archival']);
  doc.deleteIn(['namespaceDefaults']);
  doc.setIn(['dynamicConfigClient', 'filepath'], s.dynamicConfigFile);
  doc.setIn(['log', 'level'], s.logLevel ?? 'warn');
  doc.commentBefore = ` Rendered by rectify from ${'go.temporal.io/server'}'s config/development-postgres12.yaml; do not edit (runtime/cluster/config.ts).`;
  return doc.toString();
}

export interface DynamicConfigSettings {
  /**
   * Search attributes created a moment ago are seen at once. The test tier creates a namespace per
   * test file; a production server leaves it off (it reads the attributes' table on every query).
   */
  refreshSearchAttributesOnRead: boolean;
}

/** The dynamic config: the limits rectify and its benchmarks reach. */
export function renderDynamicConfig(s: DynamicConfigSettings): string {
  const one = (value: unknown) => [{ value, constraints: {} }];
  const config: Record<string, unknown> = {
    // Workflow ids carry the plan and the measure: measure:<plan>:<id>, digests with an address.
    'limit.maxIDLength': one(255),
    // A province's 20,000 measures start in a few minutes, and their notices go out at 09:00.
    'frontend.namespaceRPS': one(4800),
    'frontend.namespaceCount': one(4800),
    // Reports and the desk list visibility a page at a time, up to 1,000 a page.
    'frontend.visibilityMaxPageSize': one(1000),
    // The mail lane carries a few hundred digest tasks a morning: one partition, so a task never
    // waits in a partition no poller is on (the default is 4, for high-throughput queues).
    'matching.numTaskqueueReadPartitions': [{ value: 1, constraints: { taskQueueName: MAIL_TASK_QUEUE } }],
    'matching.numTaskqueueWritePartitions': [{ value: 1, constraints: { taskQueueName: MAIL_TASK_QUEUE } }],
    ...(s.refreshSearchAttributesOnRead ? { 'system.forceSearchAttributesCacheRefreshOnRead': one(true) } : {}),
  };
  const doc = new Document(config);
  doc.commentBefore = ' Temporal dynamic config for rectify, rendered by runtime/cluster/config.ts; do not edit.';
  return doc.toString();
}
