/** Standalone worker process (docker-compose, or any number of workers against a cluster). */
import { loadSettings } from '../config/settings';
import { connectWorker, createWorker } from './worker';

async function main(): Promise<void> {
  const settings = loadSettings();
  const connection = await connectWorker(settings);
  try {
    const worker = await createWorker({ connection, namespace: settings.namespace, outboxDir: settings.outboxDir });
    console.log(`rectify worker: ${settings.connectionOptions.address} namespace=${settings.namespace} task queue=${worker.options.taskQueue}`);
    await worker.run(); // until SIGINT/SIGTERM
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
