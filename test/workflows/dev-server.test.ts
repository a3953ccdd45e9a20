/**
 * The embedded default for real: `temporal server start-dev` as rectify starts it, the sample
 * plan started on it (idempotently), status from visibility, and workflows that survive a
 * restart of the server on the same SQLite file.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWorker } from '../../worker/worker';
import { FileOutbox } from '../../activities/outbox';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_PLAN } from '../../client/cli';
import { listMeasures, startPlan } from '../../client/measures';
import { loadPlan } from '../../config/plan-files';
import { loadSettings } from '../../config/settings';
import { runDevStack } from '../../client/dev';
import { rebasePlan } from '../../domain/rebase';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import { getStateQuery } from '../../contracts/messages';
import { measureWorkflowId, ofType, WORKFLOW } from '../../contracts/ids';
import { eventually, freePort, workflowBundle } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const RUNNING = `${ofType(WORKFLOW.measure)} AND ExecutionStatus = 'Running'`;

describe('embedded dev server with the sample plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-dev-'));
  let options: Parameters<typeof startDevServer>[0];
  let server: DevServer | undefined;

  beforeAll(async () => {
    options = {
      ip: '127.0.0.1',
      port: await freePort(),
      uiPort: await freePort(),
      dbFile: join(dir, 'temporal.sqlite'),
      logFile: join(dir, 'server.log'),
    };
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function withStack<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: server!.address });
    const native = await NativeConnection.connect({ address: server!.address });
    try {
      const worker = await createWorker({
        connection: native,
        namespace: 'default',
        workflowBundle: await workflowBundle(),
        delivery: new FileOutbox(join(dir, 'outbox')),
      });
      return await worker.runUntil(fn(new Client({ connection })));
    } finally {
      await native.close();
      await connection.close();
    }
  }

  it('starts one workflow per measure, once, and answers getState', async () => {
    server = await startDevServer(options);
    const { plan } = loadPlan(SAMPLE_PLAN);
    await withStack(async (client) => {
      const first = await startPlan(client, plan);
      expect(first.started).toHaveLength(124);
      expect(first.alreadyRunning).toHaveLength(0);
      const again = await startPlan(client, plan);
      expect([first.digest, first.stored]).toEqual(['created', 'stored']);
      expect(again).toEqual({ started: [], alreadyRunning: expect.any(Array), digest: 'updated', stored: 'unchanged' });
      expect(again.alreadyRunning).toHaveLength(124);

      const count = await eventually(
        () => client.workflow.count(RUNNING),
        (c) => c.count === 124,
      );
      expect(count.count).toBe(124);

      const state = await client.workflow.getHandle(measureWorkflowId('liangxi-2023', '2.2')).query(getStateQuery);
      expect(state).toMatchObject({
        progress: { status: 'active', deadline: '2024-06-30' },
        trafficLight: 'red',
        leadUnit: '区发改委',
        spec: { title: '全力稳定外资' },
      });

      // Status comes from search attributes the workflows keep current.
      const rows = await eventually(
        () => listMeasures(client, { planId: 'liangxi-2023', overdue: true }),
        (r) => r.length === 100,
      );
      expect(rows).toHaveLength(100); // every measure with a deadline is past due in 2026; long-term ones are green
      const mine = await listMeasures(client, { planId: 'liangxi-2023', unit: '区发改委' });
      expect(mine.map((r) => r.measureId)).toEqual(plan.measures.filter((m) => m.leadUnit === '区发改委').map((m) => m.id));
      expect(mine[0]).toMatchObject({ planId: 'liangxi-2023', leadUnit: '区发改委', running: true, problemNo: expect.any(Number) });
    });
  });

  it('keeps the workflows across a restart of the embedded server', async () => {
    await server!.stop();
    server = await startDevServer(options);
    const { plan } = loadPlan(SAMPLE_PLAN);
    await withStack(async (client) => {
      expect((await client.workflow.count(RUNNING)).count).toBe(124);
      expect(await startPlan(client, plan)).toMatchObject({ started: [] });
      const state = await client.workflow.getHandle(measureWorkflowId('liangxi-2023', '34.2')).query(getStateQuery);
      expect(state).toMatchObject({
        progress: { status: 'active' },
        trafficLight: 'green',
        spec: { kind: 'longterm', cadence: 'quarterly' },
      });
    });
  });

  it('refuses a rebased demo of a plan that already runs, and says what to do, starting nothing', async () => {
    await server!.stop();
    server = undefined;
    const settings = loadSettings({
      RECTIFY_VAR_DIR: dir,
      RECTIFY_DEV_PORT: String(options.port),
      RECTIFY_DEV_UI_PORT: String(options.uiPort),
      TEMPORAL_CONFIG_FILE: join(dir, 'none.toml'),
    });
    const { plan } = loadPlan(SAMPLE_PLAN);
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await runDevStack(settings, rebasePlan(plan, '2026-12-01'), SAMPLE_PLAN, true)).toBe(1);
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
    expect(errors.join('\n')).toContain(`rectify: 计划 liangxi-2023 已在 ${dir} 中运行，--rebase 只对新启动的计划生效`);
    server = await startDevServer(options);
    await withStack(async (client) => expect((await client.workflow.count(RUNNING)).count).toBe(124));
  });

  it('refuses to start a second server on a port in use', async () => {
    await expect(startDevServer(options)).rejects.toThrow(`127.0.0.1:${options.port}已被占用`);
  });
});
