/**
 * What operators see, from a real `rectify worker` process (the built CLI) on the dev server with
 * a loopback SMTP server: JSON log lines, /healthz and /readyz (503 with the failing check when
 * SMTP goes away), and Prometheus metrics with the engine's counters after a notice went out.
 * Then the web's /readyz and /metrics (measures by plan, status and light; loopback only), and
 * `rectify doctor` against the same server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SMTPServer } from 'smtp-server';
import type { FastifyInstance } from 'fastify';
import { buildWebApp } from '../../client/web/server';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { loadSettings } from '../../config/settings';
import { readiness } from '../../client/checks';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { devServerExecutable, eventually, freePort } from '../helpers/temporal';
import { webAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });

const ROOT = join(__dirname, '..', '..');
const PLAN_ID = 'ops-2024';

describe('operations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-ops-'));
  let env: TestWorkflowEnvironment;
  let smtp: SMTPServer;
  let smtpPort: number;
  let accepted = 0;
  let worker: ChildProcess;
  let log = '';
  let metricsPort: number;
  let healthPort: number;
  const saved = { ...process.env };

  const get = async (port: number, path: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: r.status, text: await r.text() };
  };

  beforeAll(async () => {
    const port = await freePort();
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), port, searchAttributes: ALL_SEARCH_ATTRIBUTES, extraArgs: ['--headless'] },
    });
    process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    process.env.TEMPORAL_CONFIG_FILE = join(dir, 'none.toml');
    process.env.RECTIFY_VAR_DIR = join(dir, 'cli-var');
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Closing cuts the worker's pooled connections at once.
      closeTimeout: 100,
      onData(stream, _s, done) {
        stream.on('data', () => undefined);
        stream.on('end', () => ((accepted += 1), done()));
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as { port: number }).port;
    metricsPort = await freePort();
    healthPort = await freePort();
    worker = spawn(process.execPath, [join(ROOT, 'dist', 'client', 'cli', 'index.js'), 'worker'], {
      cwd: ROOT,
      env: {
        ...process.env,
        RECTIFY_VAR_DIR: join(dir, 'worker-var'),
        RECTIFY_LINK_SECRET: 'ops-test-link-secret-ops-test-link-secret',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'rectify@district.example.org',
        RECTIFY_LOG_FORMAT: 'json',
        RECTIFY_LOG_LEVEL: 'INFO',
        RECTIFY_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        RECTIFY_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    worker.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    await eventually(
      async () => log,
      (l) => l.includes('task queue='),
      150,
    );
  }, 120_000);

  afterAll(async () => {
    process.env = saved;
    if (worker && worker.exitCode === null) {
      const gone = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await gone;
    }
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await env?.teardown();
  });

  it('the worker logs JSON lines, answers /healthz and /readyz, and counts what it sent in /metrics', async () => {
    const lines = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ready = lines.find((l) => String(l.msg).includes('task queue='))!;
    expect(ready).toMatchObject({ level: 'info', service: 'worker', taskQueues: ['rectification', 'rectification-mail'] });
    expect(String(ready.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);

    expect(await get(healthPort, '/healthz')).toEqual({ status: 200, text: '{"ok":true}\n' });
    const readyz = await get(healthPort, '/readyz');
    expect(readyz.status).toBe(200);
    const checks = (JSON.parse(readyz.text) as { checks: { name: string; status: string }[] }).checks;
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['Temporal', 'ok'],
      ['搜索属性', 'ok'],
      ['SMTP', 'ok'],
      ['worker rectification', 'ok'],
      ['worker rectification-mail', 'ok'],
    ]);

    // A notice goes out (the office urges a measure): the engine's counters say so.
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(
      planPath,
      drillPlan({
        id: PLAN_ID,
        title: '演练计划(运维)',
        problems: ['高质量发展成效不显'],
        measures: [
          `{ id: "1.1", problem: 1, title: 健全政策机制, text: 健全。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2030-06-28 }`,
        ],
      }),
    );
    expect((await runCli('start', planPath)).code).toBe(0);
    expect((await runCli('remind', '1.1', '--plan', PLAN_ID, '--as', 'office:督查科')).code).toBe(0);
    const metrics = await eventually(
      async () => (await get(metricsPort, '/metrics')).text,
      (t) => /rectify_notices_total\{[^}]*kind="urged"[^}]*outcome="delivered"[^}]*\} 1/.test(t),
      150,
    );
    expect(metrics).toMatch(/rectify_notices_total\{[^}]*kind="urged"[^}]*outcome="delivered"[^}]*\} 1/);
    expect(metrics).toMatch(/rectify_smtp_send_seconds_count\{[^}]*\} [1-9]/);
    // Every message by channel and outcome (the plan has no robots: mail alone).
    expect(metrics).toMatch(/rectify_deliveries_total\{[^}]*channel="mail"[^}]*outcome="accepted"[^}]*\} [1-9]/);
    expect(metrics).not.toMatch(/rectify_deliveries_total\{[^}]*channel="(wecom|dingtalk|feishu)"/);
    // The SDK's own metrics come through the same endpoint.
    expect(metrics).toMatch(/^temporal_activity_execution_latency/m);
    expect(metrics).toMatch(/^temporal_sticky_cache_size/m);
    expect(accepted).toBeGreaterThan(0);
  });

  it("the web's /readyz and /metrics: measures by plan, status and light, from loopback only", async () => {
    const settings = loadSettings();
    const client = env.client;
    const access = webAccess();
    const app: FastifyInstance = await buildWebApp({
      client,
      namespace: 'default',
      ...access,
      readiness: () => readiness(client, settings, { smtp: false }),
    });
    try {
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect((ready.json() as { ready: boolean }).ready).toBe(true);
      const metrics = await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain(`rectify_measures{plan="${PLAN_ID}",status="active",light="green"} 1`);
      expect(metrics.body).toContain('# TYPE rectify_measures_overdue gauge');
      const away = await app.inject({ url: '/metrics', remoteAddress: '10.1.2.3' });
      expect(away.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('rectify doctor passes here, and the worker is not ready once SMTP is gone', async () => {
    const doctor = await runCli('doctor');
    expect(doctor.out).toContain('✓ Temporal：');
    expect(doctor.out).toContain('✓ 搜索属性：11个均已注册，类型正确');
    await new Promise<void>((r) => smtp.close(() => r()));
    const readyz = await eventually(
      () => get(healthPort, '/readyz'),
      (r) => r.status === 503,
      50,
    );
    expect(readyz.status).toBe(503);
    const smtpCheck = (JSON.parse(readyz.text) as { checks: { name: string; status: string; fix?: string }[] }).checks.find(
      (c) => c.name === 'SMTP',
    );
    expect(smtpCheck).toMatchObject({ status: 'fail', fix: expect.stringContaining('SMTP_URL') });
  });
});
