/** The rectification worker: measure workflows and their activities on one task queue. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { TASK_QUEUE, type Settings } from '../config/settings';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once); by default the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Where notices are delivered until email arrives: one file per notice. */
  outboxDir: string;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    activities: createActivities({ outbox: new FileOutbox(deps.outboxDir) }),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: workflowsPath() }),
  });
}

export async function connectWorker(settings: Settings): Promise<NativeConnection> {
  return NativeConnection.connect(settings.connectionOptions);
}
