/**
 * `npm run test:cluster`: the end-to-end suites against the production topology (Temporal Server
 * on PostgreSQL, as `rectify cluster` runs it), each test file in a namespace of its own. Brings up
 * a cluster of its own (a scratch directory, its own ports, 4 history shards, no rectify processes:
 * the suites run their own workers), runs the suites with RECTIFY_TEST_CLUSTER, and takes it down
 * whatever happened. The first run on a machine builds the server (about six minutes; cached).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDown, clusterStatus, clusterUp } from '../client/cluster';
import { clusterSettings, frontendAddress, REPO } from '../runtime/cluster/server';

/** The suites that run on the dev server and here alike: a plan started, its life through the CLI and the web, mail, a campaign, the report, plan apply, a migration from a dev server (the embedded default) to the cluster. */
export const CLUSTER_SUITES = [
  'test/deploy/cluster.cluster.test.ts',
  'test/workflows/cli-actions.devserver.test.ts',
  'test/workflows/plan-apply.devserver.test.ts',
  'test/workflows/campaign.devserver.test.ts',
  'test/workflows/migrate.devserver.test.ts',
  'test/web/act.devserver.test.ts',
  'test/web/desk.devserver.test.ts',
  'test/web/surfaces.devserver.test.ts',
];

/** RECTIFY_CLUSTER_SUITES=a,b: only these of the suites (a failure looked at again). */
function suites(): string[] {
  const only = (process.env.RECTIFY_CLUSTER_SUITES ?? '').split(',').filter(Boolean);
  const unknown = only.filter((s) => !CLUSTER_SUITES.includes(s));
  if (unknown.length) throw new Error(`RECTIFY_CLUSTER_SUITES：不在 CLUSTER_SUITES 中：${unknown.join('、')}`);
  return only.length ? only : CLUSTER_SUITES;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-cluster-tier-'));
  // PostgreSQL runs as the postgres user when we are root: it must reach its data directory in here.
  chmodSync(dir, 0o755);
  const env = {
    ...process.env,
    RECTIFY_VAR_DIR: dir,
    RECTIFY_CLUSTER_PORT: process.env.RECTIFY_CLUSTER_PORT ?? '27233',
    RECTIFY_CLUSTER_PG_PORT: process.env.RECTIFY_CLUSTER_PG_PORT ?? '56432',
    RECTIFY_CLUSTER_WEB_PORT: process.env.RECTIFY_CLUSTER_WEB_PORT ?? '27100',
    RECTIFY_CLUSTER_SHARDS: '4',
    RECTIFY_CLUSTER_TEST: '1',
  };
  const options = { workers: 0, web: false, namespace: 'default' };
  let code: number;
  try {
    const up = await clusterUp(options, (line) => console.error(line), env);
    for (const line of up) console.log(line);
    const address = frontendAddress(clusterSettings(env));
    const jest = spawn(
      join(REPO, 'node_modules', '.bin', 'jest'),
      ['--runInBand', '--testPathIgnorePatterns=/node_modules/', ...process.argv.slice(2), '--runTestsByPath', ...suites()],
      { cwd: REPO, stdio: 'inherit', env: { ...env, RECTIFY_TEST_CLUSTER: address } },
    );
    // Ctrl-C or a stop ends the suites, not this script: the cluster still comes down below.
    const stop = () => jest.kill('SIGTERM');
    process.on('SIGINT', stop).on('SIGTERM', stop);
    code = await new Promise<number>((done) => jest.on('exit', (status) => done(status ?? 1)));
  } finally {
    for (const line of await clusterDown(options, env)) console.log(line);
    // `down` leaves nothing running: PostgreSQL, temporal-server, the workers and the web the suites started.
    const left = clusterStatus({ ...options, workers: 8 }, env).filter((line) => !line.endsWith('：未运行'));
    if (left.length) {
      console.error(`rectify test:cluster: still running after down:\n${left.join('\n')}`);
      code = 1;
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`rectify test:cluster: ${e.message}`);
    process.exit(1);
  },
);
