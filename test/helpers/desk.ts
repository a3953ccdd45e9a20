/**
 * The office's desk on a real dev server, as the desk's end-to-end tests run it: mail to a real SMTP
 * server in process (the plan's directory read from its file), a worker, and the web app answering
 * Fastify's inject. One set-up for every such test; `stop` takes it all down.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { PlanDirectory } from '../../activities/mail/directory';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { planRecords } from '../../client/records';
import { buildWebApp } from '../../client/web/server';
import { startTestSmtp, type TestSmtp } from './smtp';
import { startDevStack, type DevStack } from './temporal';
import { webAccess } from './web';

export interface DeskStack {
  stack: DevStack;
  env: TestWorkflowEnvironment;
  smtp: TestSmtp;
  mailer: Mailer;
  web: FastifyInstance;
  stop(): Promise<void>;
}

export async function startDeskStack(dir: string, planPath: string): Promise<DeskStack> {
  const smtp = await startTestSmtp();
  const mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
  const delivery = new MailDelivery({
    mailer,
    plans: new PlanDirectory([planPath]),
    ledger: new SentLedger(join(dir, 'sent')),
    from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
  });
  const stack = await startDevStack(dir, { delivery, plans: (e) => planRecords(e.client) });
  const web = await buildWebApp({
    client: stack.env.client,
    namespace: 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
    cacheMs: 0,
    ...webAccess(),
  });
  return {
    stack,
    env: stack.env,
    smtp,
    mailer,
    web,
    stop: async () => {
      await web.close();
      await stack.stop();
      mailer.close();
      await smtp.close();
    },
  };
}
