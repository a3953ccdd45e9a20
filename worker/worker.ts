/** The rectification worker: measure workflows and their activities on one task queue. */
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { resolve } from 'node:path';
import { createActivities } from '../activities';
import { HEARTBEAT_THROTTLE } from '../activities/attempt';
import { meteredMailer } from '../activities/metrics';
import { PlanDirectory } from '../activities/mail/directory';
import { StoredPlans } from '../activities/mail/stored-plans';
import { MailDelivery, type MailLinks } from '../activities/mail/delivery';
import { linkKeys } from '../config/secrets';
import type { CampaignSource, NoticeDelivery, PlanRecords } from '../activities/ports';
import { robotHosts } from '../activities/chat/robots';
import { readSecret } from '../config/chat-secrets';
import { SentLedger } from '../activities/mail/sent-ledger';
import { fileMailer, smtpMailer, type Mailer } from '../activities/mail/transport';
import type { Settings } from '../config/settings';
import { MAIL_TASK_QUEUE, TASK_QUEUE } from '../contracts/ids';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once); by default the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** How notices reach people: mail in production, a notice log in tests. */
  delivery: NoticeDelivery;
  /** The plans' measure records (the weekly digest counts from them): client/records.ts reads them from the cluster. */
  plans?: PlanRecords;
  /** Campaigns' selections, page by page: client/lookback.ts lists them from the cluster. */
  campaigns?: CampaignSource;
  /** The sticky cache's size (RECTIFY_WORKFLOW_CACHE); the SDK's default when absent (tests). */
  maxCachedWorkflows?: number;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

/**
 * Modules loaded once per workflow thread and shared by every cached workflow, instead of a copy
 * per workflow (the SDK re-imports workflow modules for each run when V8 contexts are reused).
 * Each holds only memos of pure functions: luxon's zone and formatter caches, and the local-time
 * memo of domain/dates.ts. Without this every cached measure carried its own (bench/RESULTS.md, hold).
 */
export const SHARED_WORKFLOW_MODULES = ['luxon', require.resolve('../domain/dates')];

/**
 * The mail lane: a second worker in the same process, on MAIL_TASK_QUEUE, running the digests and
 * their sends. At 09:00 the digests fire while thousands of measures wake (their lights change at
 * the send time); on their own queue they are not served after them.
 */
export async function createMailWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: MAIL_TASK_QUEUE,
    activities: createActivities({ delivery: deps.delivery, plans: deps.plans, campaigns: deps.campaigns }),
    workflowsPath: require.resolve('../workflows/mail'),
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
  });
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    activities: createActivities({ delivery: deps.delivery, plans: deps.plans, campaigns: deps.campaigns }),
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    ...(deps.maxCachedWorkflows ? { maxCachedWorkflows: deps.maxCachedWorkflows } : {}),
    ...(deps.workflowBundle
      ? { workflowBundle: deps.workflowBundle }
      : { workflowsPath: workflowsPath(), bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES } }),
  });
}

/**
 * Caps the V8 heap of the workflow threads the SDK starts from now on (a V8 flag read when an
 * isolate is created; the main thread keeps its own). Call before creating workers.
 */
export function limitWorkflowHeap(settings: Settings): void {
  setFlagsFromString(`--max-old-space-size=${settings.worker.workflowHeapMiB}`);
}

export async function connectWorker(settings: Settings): Promise<NativeConnection> {
  return NativeConnection.connect(settings.connectionOptions);
}

/** The mailer the settings ask for: SMTP when SMTP_URL is set, else .eml files in the outbox; timed for the metrics. */
export function mailerFor(settings: Settings): Mailer {
  if (!settings.mail.smtpUrl) return meteredMailer(fileMailer(settings.mail.outboxDir));
  const ca = settings.mail.caFile ? readFileSync(resolve(settings.mail.caFile), 'utf8') : undefined;
  return meteredMailer(
    smtpMailer(settings.mail.smtpUrl, {
      ca,
      maxConnections: settings.mail.maxConnections,
      ratePerSecond: settings.mail.ratePerSecond,
    }),
  );
}

/** Links in lead units' mails: the web's public address and the link keys (generated for the embedded default). */
export function mailLinks(settings: Settings): MailLinks | undefined {
  const keys = linkKeys(settings, { create: true });
  if (!keys) return undefined;
  return {
    baseUrl: settings.web.publicUrl,
    keys,
    days: settings.links.days,
    ...(settings.inbound.domain ? { replyDomain: settings.inbound.domain } : {}),
  };
}

/** Mail delivery for a worker; `planPaths` are the plan files whose directories it may use; the client starts digests. */
export function mailDelivery(
  settings: Settings,
  planPaths: string[],
  client: Client,
  mailer = mailerFor(settings),
): { delivery: MailDelivery; mailer: Mailer } {
  // Plans stored in Temporal; files (RECTIFY_PLANS, the plan dev runs) only for plans started before that.
  const plans = new StoredPlans(client, new PlanDirectory([...new Set([...settings.mail.plans, ...planPaths])]));
  const delivery = new MailDelivery({
    mailer,
    plans,
    ledger: new SentLedger(settings.mail.sentLedgerDir),
    from: settings.mail.from,
    systemName: settings.mail.systemName,
    deskUrl: settings.web.publicUrl,
    digests: { client, taskQueue: MAIL_TASK_QUEUE },
    links: mailLinks(settings),
    // Group robots: the platforms' hosts (RECTIFY_CHAT_<PLATFORM>_URL for a stand-in), secrets read where the plan names them.
    chat: { hosts: robotHosts(), secret: (ref) => readSecret(ref) },
  });
  return { delivery, mailer };
}
