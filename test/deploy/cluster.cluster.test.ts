/**
 * The production cluster as `npm run test:cluster` brings it up (RECTIFY_TEST_CLUSTER; the
 * cluster's directory in RECTIFY_VAR_DIR): `rectify doctor` green against it, its configuration as
 * rendered, the dynamic config accepted by the server's own validator, PostgreSQL refusing a
 * connection without the password, and `up` again changing nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cachedBuild } from '../../runtime/cluster/build';
import { pgBinDir } from '../../runtime/cluster/postgres';
import { clusterSettings, postgresOf } from '../../runtime/cluster/server';
import { runCli } from '../helpers/cli';

const address = process.env.RECTIFY_TEST_CLUSTER!;

describe('the production cluster', () => {
  const s = clusterSettings();
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('passes rectify doctor: Temporal and its namespace, the search attributes', async () => {
    process.env.TEMPORAL_ADDRESS = address;
    process.env.TEMPORAL_NAMESPACE = 'default';
    const doctor = await runCli('doctor');
    expect(doctor.out).toContain(`✓ Temporal：${address} 命名空间 default 可用（已结束工作流保留30天）`);
    expect(doctor.out).toContain('✓ 搜索属性：11个均已注册，类型正确');
    expect(doctor.out).toMatch(/0项未通过/);
  });

  it('runs on the configuration rendered for it, with a dynamic config the server itself accepts', () => {
    const config = parse(readFileSync(join(s.dir, 'config', 'temporal.yaml'), 'utf8'));
    expect(config.persistence.numHistoryShards).toBe(4);
    expect(config.persistence.datastores['postgres-default'].sql.connectAddr).toBe(`${s.host}:${s.ports.postgres}`);
    expect(config.services.frontend.rpc.grpcPort).toBe(Number(address.split(':')[1]));
    const check = spawnSync(cachedBuild()!.server, ['validate-dynamic-config', join(s.dir, 'config', 'dynamicconfig.yaml')], {
      encoding: 'utf8',
    });
    expect([check.status, check.stdout + check.stderr]).toEqual([0, expect.not.stringContaining('warning')]);
  });

  it('keeps PostgreSQL behind a password', () => {
    const pg = postgresOf(s);
    const psql = (password: string) =>
      spawnSync(join(pgBinDir(), 'psql'), ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'temporal', '-Atc', 'SELECT 1'], {
        encoding: 'utf8',
        env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
      });
    expect(psql('wrong').stderr).toContain('password authentication failed');
    expect(psql(pg.password).stdout.trim()).toBe('1');
  });

  it('comes up again without changing anything', async () => {
    const again = await runCli('cluster', 'up', '--workers', '0', '--no-web');
    expect([again.code, again.out.split('\n')[0]]).toEqual([0, '集群已在运行，未做改动']);
    const status = await runCli('cluster', 'status', '--workers', '0');
    expect(status.out).toMatch(/PostgreSQL .+：运行中/);
    expect(status.out).toMatch(/temporal-server .+：运行中（pid \d+）/);
  });
});
