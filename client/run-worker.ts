/** The standalone worker (docker-compose, or any number of workers against a cluster): `rectify worker`. */
import { Client, Connection } from '@temporalio/client';
import { loadDeploymentCalendar } from '../config/desk';
import { loadSettings, type Settings } from '../config/settings';
import type { NativeConnection } from '@temporalio/worker';
import type { NoticeDelivery } from '../activities/ports';
import { connectWorker, createMailWorker, createWorker, limitWorkflowHeap, mailDelivery } from '../worker/worker';
import { planRecords } from './plan-records';
import { campaignSource } from './lookback';
import { readiness } from './checks';
import { serveHealth } from '../runtime/health';
import { installRuntime } from '../runtime/telemetry';
import { untilReachable } from '../runtime/wait-for-server';

/**
 * A deployment's workers in one process, as `rectify worker` and `rectify dev` run them: the main
 * one and the mail lane, with the settings' cache and workflow heap, reading records and campaign
 * selections from the cluster.
 */
export async function deploymentWorkers(
  settings: Settings,
  connection: NativeConnection,
  client: Client,
  delivery: NoticeDelivery,
): Promise<{ taskQueues: string[]; states(): { taskQueue: string; state: string }[]; run(): Promise<void> }> {
  const deps = {
    connection,
    namespace: settings.namespace,
    delivery,
    plans: planRecords(client),
    campaigns: campaignSource(client),
    maxCachedWorkflows: settings.worker.maxCachedWorkflows,
  };
  limitWorkflowHeap(settings);
  const workers = [await createWorker(deps), await createMailWorker(deps)];
  return {
    taskQueues: workers.map((w) => w.options.taskQueue),
    states: () => workers.map((w) => ({ taskQueue: w.options.taskQueue, state: w.getState() })),
    run: async () => void (await Promise.all(workers.map((w) => w.run()))),
  };
}

/** Runs a worker until SIGINT or SIGTERM; resolves when it has shut down. */
export async function runWorker(): Promise<void> {
  const settings = loadSettings();
  const log = installRuntime(settings, 'worker');
  await loadDeploymentCalendar();
  // Started before the server (a booting machine, systemd, a restart): wait for it and its namespace.
  const { connection, clientConnection } = await untilReachable(
    `Temporal ${settings.connectionOptions.address}（命名空间${settings.namespace}）`,
    async () => {
      const clientConnection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: '5s' });
      try {
        await clientConnection.workflowService.describeNamespace({ namespace: settings.namespace });
        return { connection: await connectWorker(settings), clientConnection };
      } catch (e) {
        await clientConnection.close();
        throw e;
      }
    },
    (line) => log.warn(line),
  );
  let health: { close(): Promise<void> } | undefined;
  try {
    if (!settings.mail.plans.length) log.info('未设置 RECTIFY_PLANS: 收件人取自 Temporal 中保存的计划');
    const client = new Client({ connection: clientConnection, namespace: settings.namespace });
    const { delivery, mailer } = mailDelivery(settings, [], client);
    log.info({ mail: mailer.describe }, `rectify worker: 邮件${mailer.describe}`);
    const workers = await deploymentWorkers(settings, connection, client, delivery);
    if (settings.ops.healthAddress) {
      health = await serveHealth(settings.ops.healthAddress, async () => {
        const checks = [
          ...(await readiness(client, settings, { smtp: true })),
          ...workers.states().map((s) => ({
            name: `worker ${s.taskQueue}`,
            status: s.state === 'RUNNING' ? ('ok' as const) : ('fail' as const),
            detail: s.state,
          })),
        ];
        return { ready: checks.every((c) => c.status !== 'fail'), checks };
      });
    }
    log.info(
      {
        address: settings.connectionOptions.address,
        namespace: settings.namespace,
        taskQueues: workers.taskQueues,
        metrics: settings.ops.metricsAddress ? `http://${settings.ops.metricsAddress}/metrics` : undefined,
        health: settings.ops.healthAddress ? `http://${settings.ops.healthAddress}/readyz` : undefined,
      },
      `rectify worker: ${settings.connectionOptions.address} namespace=${settings.namespace} task queue=${workers.taskQueues.join(', ')}`,
    );
    await workers.run(); // until SIGINT/SIGTERM
    mailer.close();
  } finally {
    await health?.close();
    await clientConnection.close();
    await connection.close();
  }
}
