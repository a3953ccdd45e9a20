/** The standalone worker (docker-compose, or any number of workers against a cluster): `rectify worker`. */
import { Client, Connection } from '@temporalio/client';
import { loadInstalledCalendar } from '../config/calendar-store';
import { loadSettings } from '../config/settings';
import { connectWorker, createMailWorker, createWorker, limitWorkflowHeap, mailDelivery } from '../worker/worker';
import { planRecords } from './records';
import { campaignSource } from './lookback';

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
    const deps = {
      connection,
      namespace: settings.namespace,
      delivery,
      plans: planRecords(client),
      campaigns: campaignSource(client),
      maxCachedWorkflows: settings.worker.maxCachedWorkflows,
    };
    limitWorkflowHeap(settings);
    const worker = await createWorker(deps);
    const mail = await createMailWorker(deps);
    console.log(
      `rectify worker: ${settings.connectionOptions.address} namespace=${settings.namespace} task queue=${worker.options.taskQueue}, ${mail.options.taskQueue}`,
    );
    await Promise.all([worker.run(), mail.run()]); // until SIGINT/SIGTERM
    mailer.close();
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}
