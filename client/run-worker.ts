/** The standalone worker (docker-compose, or any number of workers against a cluster): `rectify worker`. */
import { Client, Connection } from '@temporalio/client';
import { loadInstalledCalendar } from '../config/calendar-store';
import { loadSettings, type Settings } from '../config/settings';
import type { NativeConnection } from '@temporalio/worker';
import type { NoticeDelivery } from '../activities/ports';
import { connectWorker, createMailWorker, createWorker, limitWorkflowHeap, mailDelivery } from '../worker/worker';
import { planRecords } from './records';
import { campaignSource } from './lookback';

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
): Promise<{ taskQueues: string[]; run(): Promise<void> }> {
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
    run: async () => void (await Promise.all(workers.map((w) => w.run()))),
  };
}

/** Runs a worker until SIGINT or SIGTERM; resolves when it has shut down. */
export async function runWorker(): Promise<void> {
  const settings = loadSettings();
  loadInstalledCalendar();
  const connection = await connectWorker(settings);
  const clientConnection = await Connection.connect(settings.connectionOptions);
  try {
    if (!settings.mail.plans.length) console.warn('rectify worker: 未设置 RECTIFY_PLANS,无法解析收件人(通知会重试直到配置好计划文件)');
    const client = new Client({ connection: clientConnection, namespace: settings.namespace });
    const { delivery, mailer } = mailDelivery(settings, [], client);
    console.log(`rectify worker: 邮件 ${mailer.describe}`);
    const workers = await deploymentWorkers(settings, connection, client, delivery);
    console.log(
      `rectify worker: ${settings.connectionOptions.address} namespace=${settings.namespace} task queue=${workers.taskQueues.join(', ')}`,
    );
    await workers.run(); // until SIGINT/SIGTERM
    mailer.close();
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}
