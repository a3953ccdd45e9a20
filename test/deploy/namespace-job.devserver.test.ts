/**
 * The compose stack's namespace job (deploy/temporal/create-namespace.sh), run for real with the
 * Temporal CLI against a server that has none of rectify's search attributes: it creates the
 * namespace with its retention and every attribute in one call, a second run changes nothing and
 * succeeds, and a server that never answers fails the job loudly. Then rectify's own readiness
 * checks (client/checks.ts, as /readyz and `rectify doctor` run them) agree.
 */
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { checkSearchAttributes, checkTemporal } from '../../client/checks';
import { devServerExecutable, freePort } from '../helpers/temporal';

const SCRIPT = join(__dirname, '..', '..', 'deploy', 'temporal', 'create-namespace.sh');

describe('the namespace job of docker-compose.yml', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  const executable = devServerExecutable();
  const cliDir = executable.type === 'existing-path' ? dirname(executable.path) : undefined;

  const runJob = (environment: Record<string, string>) =>
    promisify(execFile)('/bin/sh', [SCRIPT], {
      env: { PATH: `${cliDir}:/usr/bin:/bin`, ...environment },
      timeout: 60_000,
    }).then(
      ({ stdout }) => ({ code: 0, out: stdout, err: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  beforeAll(async () => {
    const port = await freePort();
    // No search attributes of rectify's: the job has to create them.
    env = await TestWorkflowEnvironment.createLocal({ server: { executable, port, extraArgs: ['--headless'] } });
    address = `127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('creates the namespace and every search attribute, again without harm, and refuses loudly when the server never answers', async () => {
    expect(cliDir).toBeDefined();
    const first = await runJob({ TEMPORAL_ADDRESS: address, NAMESPACE: 'rectify-ops', RETENTION: '30d' });
    expect([first.code, first.err]).toEqual([0, '']);
    expect(first.out).toContain('namespace rectify-ops ready (retention 30d) with 11 search attributes');

    const client = new Client({ connection: env.connection, namespace: 'rectify-ops' });
    const temporal = await checkTemporal(client, { namespace: 'rectify-ops', connectionOptions: { address } });
    expect(temporal).toMatchObject({ status: 'ok' });
    expect(temporal.detail).toContain('保留30天');
    expect(await checkSearchAttributes(client, 'rectify-ops')).toMatchObject({ status: 'ok', detail: '11个均已注册，类型正确' });
    // Before the job, the default namespace had none: the check says what to run.
    const before = await checkSearchAttributes(new Client({ connection: env.connection, namespace: 'default' }), 'default');
    expect(before.status).toBe('fail');
    expect(before.fix).toContain('temporal operator search-attribute create --namespace default --name PlanId --type Keyword');

    const again = await runJob({ TEMPORAL_ADDRESS: address, NAMESPACE: 'rectify-ops', RETENTION: '30d' });
    expect([again.code, again.err]).toEqual([0, '']);

    const closed = `127.0.0.1:${await freePort()}`;
    const down = await runJob({ TEMPORAL_ADDRESS: closed, NAMESPACE: 'rectify-ops', WAIT_TRIES: '1' });
    expect(down.code).not.toBe(0);
    expect(down.err).toContain(`Temporal at ${closed} not serving after 2 s`);
  }, 120_000);
});
