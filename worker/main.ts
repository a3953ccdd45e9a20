/** Standalone worker process (docker-compose, or any number of workers against a cluster). */
import { Client, Connection } from '@temporalio/client';
import { loadInstalledCalendar } from '../config/calendar-store';
import { loadSettings } from '../config/settings';
import { connectWorker, createWorker, mailDelivery } from './worker';

async function main(): Promise<void> {
  const settings = loadSettings();
  loadInstalledCalendar();
  const connection = await connectWorker(settings);
  try {
    if (!settings.mail.plans.length) console.warn('rectify worker: 未设置 RECTIFY_PLANS,无法解析收件人(通知会重试直到配置好计划文件)');
    const clientConnection = await Connection.connect(settings.connectionOptions);
    const { delivery, mailer } = mailDelivery(settings, [], new Client({ connection: clientConnection, namespace: settings.namespace }));
    console.log(`rectify worker: 邮件 ${mailer.describe}`);
    const worker = await createWorker({ connection, namespace: settings.namespace, delivery });
    console.log(
      `rectify worker: ${settings.connectionOptions.address} namespace=${settings.namespace} task queue=${worker.options.taskQueue}`,
    );
    await worker.run(); // until SIGINT/SIGTERM
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
