/**
 * deploy/systemd: the production topology on a server without Docker (Temporal's schemas, the
 * server, the namespace job, workers and the web, under rectify.target), checked with
 * `systemd-analyze verify` as the units would be installed (their programs' paths mapped to this
 * checkout), and in step with the code: the server's pinned version, the scripts the compose
 * stack runs, users of their own, secrets from environment files, restart policies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPORAL_SERVER } from '../../runtime/cluster/versions';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'deploy', 'systemd');
const units = readdirSync(DIR);
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** The units as installed here: /opt/rectify is this checkout, the programs ones that exist. */
function installed(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-units-'));
  for (const name of units) {
    const text = read(name)
      .replace(new RegExp(`/opt/rectify-temporal/v${TEMPORAL_SERVER.version}/bin/temporal-server`, 'g'), process.execPath)
      .replace(/\/usr\/bin\/node/g, process.execPath)
      .replace(/\/opt\/rectify\//g, `${ROOT}/`);
    writeFileSync(join(dir, name), text);
  }
  copyFileSync(join(dir, 'rectify-worker@.service'), join(dir, 'rectify-worker@a.service'));
  return dir;
}

const verify = (dir: string, names: string[]) =>
  spawnSync('systemd-analyze', ['verify', ...names.map((n) => join(dir, n))], { encoding: 'utf8' });

describe('systemd units', () => {
  it('pass systemd-analyze verify, and a broken one does not', () => {
    expect(hasAnalyze).toBe(true);
    const dir = installed();
    const all = [...units.filter((u) => !u.includes('@')), 'rectify-worker@a.service'];
    const ok = verify(dir, all);
    expect([ok.status, ok.stderr.trim()]).toEqual([0, '']);
    writeFileSync(join(dir, 'temporal-server.service'), read('temporal-server.service').replace('Restart=on-failure', 'Restart=sometimes'));
    expect(verify(dir, ['temporal-server.service']).stderr).toContain('Failed to parse service restart specifier');
  });

  it('run the pinned server with the rendered configuration, the compose stack’s scripts, as users of their own, secrets from files', () => {
    const server = read('temporal-server.service');
    expect(server).toContain(
      `/opt/rectify-temporal/v${TEMPORAL_SERVER.version}/bin/temporal-server --config-file /etc/rectify/temporal.yaml`,
    );
    expect(read('temporal-schema.service')).toContain('/opt/rectify/deploy/temporal/setup-postgres.sh');
    expect(read('temporal-schema.service')).toContain(`/opt/rectify-temporal/v${TEMPORAL_SERVER.version}/schema/postgresql/v12`);
    expect(read('temporal-namespace.service')).toContain('/opt/rectify/deploy/temporal/create-namespace.sh');
    for (const name of units.filter((u) => u.endsWith('.service'))) {
      const text = read(name);
      expect([name, /^User=(temporal|rectify)$/m.test(text)]).toEqual([name, true]);
      if (!/Type=oneshot/.test(text)) expect([name, /^Restart=(always|on-failure)$/m.test(text)]).toEqual([name, true]);
    }
    for (const name of ['rectify-worker@.service', 'rectify-web.service', 'rectify-inbound.service']) {
      expect(read(name)).toContain('EnvironmentFile=/etc/rectify/rectify.env');
      expect(read(name)).not.toMatch(/RECTIFY_LINK_SECRET=|SMTP_URL=|PASSWORD/);
    }
    expect(read('rectify-worker@.service')).toContain('Environment=RECTIFY_VAR_DIR=/var/lib/rectify/worker-%i');
    // The scripts the units run are the ones in this checkout.
    for (const script of ['setup-postgres.sh', 'create-namespace.sh']) execFileSync('sh', ['-n', join(ROOT, 'deploy', 'temporal', script)]);
  });
});
