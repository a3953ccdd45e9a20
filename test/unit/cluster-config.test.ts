/**
 * The production cluster's configuration, rendered from the Temporal module's own template: this
 * deployment's PostgreSQL, ports, shards and metrics in it, what development turns on taken out,
 * and settings that cannot work refused before anything starts (the membership ports the server
 * keeps in a PostgreSQL smallint).
 */
import { parse } from 'yaml';
import { configProblems, renderDynamicConfig, renderServerConfig, type ServerConfigSettings } from '../../runtime/cluster/config';
import { clusterSettings, temporalUp } from '../../runtime/cluster/server';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The module's config/development-postgres12.yaml as v1.32.2 ships it, cut to what the renderer touches.
const TEMPLATE = `
log: { stdout: true, level: info }
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
      sql: { pluginName: postgres12, databaseName: temporal, connectAddr: "127.0.0.1:5432", connectProtocol: tcp, user: temporal, password: temporal, maxConns: 20 }
    postgres-visibility:
      sql: { pluginName: postgres12, databaseName: temporal_visibility, connectAddr: "127.0.0.1:5432", connectProtocol: tcp, user: temporal, password: temporal, maxConns: 2 }
global:
  membership: { maxJoinDuration: 30s, broadcastAddress: "127.0.0.1" }
  pprof: { port: 7936 }
  metrics: { prometheus: { framework: tally, listenAddress: "127.0.0.1:8000" } }
services:
  frontend: { rpc: { grpcPort: 7233, membershipPort: 6933, bindOnLocalHost: true, httpPort: 7243 } }
  matching: { rpc: { grpcPort: 7235, membershipPort: 6935, bindOnLocalHost: true } }
  history: { rpc: { grpcPort: 7234, membershipPort: 6934, bindOnLocalHost: true } }
  worker: { rpc: { grpcPort: 7239, membershipPort: 6939, bindOnLocalHost: true } }
clusterMetadata:
  clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: frontend, rpcAddress: "localhost:7233" } }
archival: { history: { state: enabled } }
namespaceDefaults: { archival: { history: { state: disabled } } }
dynamicConfigClient: { filepath: config/dynamicconfig/development-sql.yaml, pollInterval: 10s }
`;

const settings = (over: Partial<ServerConfigSettings> = {}): ServerConfigSettings => {
  const s = clusterSettings({});
  return {
    host: s.host,
    ports: s.ports,
    postgres: { host: '127.0.0.1', port: 55432, user: 'temporal', password: 's3cret' },
    numHistoryShards: 128,
    dynamicConfigFile: '/srv/rectify/cluster/config/dynamicconfig.yaml',
    ...over,
  };
};

describe('the cluster’s configuration', () => {
  it('is the module’s template with this deployment’s database, ports, shards and metrics', () => {
    const c = parse(renderServerConfig(TEMPLATE, settings()));
    for (const store of ['postgres-default', 'postgres-visibility']) {
      expect(c.persistence.datastores[store].sql).toMatchObject({ connectAddr: '127.0.0.1:55432', user: 'temporal', password: 's3cret' });
    }
    expect(c.persistence.numHistoryShards).toBe(128);
    expect(c.services.frontend.rpc).toEqual({ grpcPort: 17233, membershipPort: 16933, httpPort: 17243, bindOnIP: '127.0.0.1' });
    expect(c.services.history.rpc).toEqual({ grpcPort: 17234, membershipPort: 16934, bindOnIP: '127.0.0.1' });
    expect(c.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:17233');
    expect(c.global.metrics.prometheus.listenAddress).toBe('127.0.0.1:18000');
    expect(c.dynamicConfigClient.filepath).toBe('/srv/rectify/cluster/config/dynamicconfig.yaml');
    // What development turns on is not in production: pprof, archival to /tmp.
    expect([c.global.pprof, c.archival, c.namespaceDefaults]).toEqual([undefined, undefined, undefined]);
  });

  it('refuses membership ports the server cannot store (a PostgreSQL smallint), duplicate ports and shard counts not a power of two', () => {
    const s = settings();
    expect(configProblems(s)).toEqual([]);
    const high = settings({ ports: { ...s.ports, membership: { ...s.ports.membership, history: 40000 } } });
    expect(configProblems(high)).toEqual([expect.stringContaining('history 的成员端口 40000 超过 32767')]);
    expect(() => renderServerConfig(TEMPLATE, high)).toThrow('smallint');
    expect(configProblems(settings({ ports: { ...s.ports, matching: s.ports.history } }))).toEqual([`端口 ${s.ports.history} 重复使用`]);
    expect(configProblems(settings({ numHistoryShards: 100 }))).toEqual(['numHistoryShards 100 无效：应为 2 的幂（如 4、128、512）']);
    // The default ports from any base under 33000 keep membership ports below the limit.
    expect(configProblems(settings({ ports: clusterSettings({ RECTIFY_CLUSTER_PORT: '33000' }).ports }))).toEqual([]);
  });

  it('brings nothing up and writes nothing when the settings cannot work', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'rectify-cluster-config-'));
    try {
      const dir = join(scratch, 'cluster');
      const s = clusterSettings({ RECTIFY_CLUSTER_DIR: dir, RECTIFY_CLUSTER_PORT: '37233', RECTIFY_CLUSTER_PG_PORT: '1' });
      await expect(temporalUp(s, () => undefined)).rejects.toThrow('frontend 的成员端口 36933 超过 32767');
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('refuses a frontend port another process answers on, before anything starts', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'rectify-cluster-busy-'));
    // A port the settings accept (membership ports 300 below it stay under 32767), taken by someone else.
    const other = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      const tryPort = (p: number) => {
        other.once('error', () => (p < 29_000 ? tryPort(p + 1) : reject(new Error('no free port'))));
        other.listen(p, '127.0.0.1', () => resolve(p));
      };
      tryPort(21_000 + Math.floor(Math.random() * 7000));
    });
    try {
      const dir = join(scratch, 'cluster');
      const s = clusterSettings({
        RECTIFY_CLUSTER_DIR: dir,
        RECTIFY_CLUSTER_PORT: String(port),
        RECTIFY_CLUSTER_PG_PORT: String(port + 1),
      });
      await expect(temporalUp(s, () => undefined)).rejects.toThrow(`127.0.0.1:${port} 已被别的进程占用（不是本集群的 temporal-server）`);
      expect(existsSync(join(dir, 'postgres'))).toBe(false);
    } finally {
      other.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('keeps the search attributes’ refresh on every read for the test tier only', () => {
    expect(parse(renderDynamicConfig({ refreshSearchAttributesOnRead: true }))['system.forceSearchAttributesCacheRefreshOnRead']).toEqual([
      { value: true, constraints: {} },
    ]);
    const production = parse(renderDynamicConfig({ refreshSearchAttributesOnRead: false }));
    expect(production['system.forceSearchAttributesCacheRefreshOnRead']).toBeUndefined();
    expect(production['limit.maxIDLength']).toEqual([{ value: 255, constraints: {} }]);
  });
});
