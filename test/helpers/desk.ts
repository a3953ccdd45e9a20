/**
 * The office's desk on a real dev server, as the desk's end-to-end tests run it: mail to a real SMTP
 * server in process (the plan's directory read from its file), a worker, and the web app answering
 * Fastify's inject. One set-up for every such test; `stop` takes it all down.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Mailer } from '../../activities/mail/transport';
import { planRecords } from '../../client/plan-records';
import { buildWebApp } from '../../client/web/server';
import { mailToTestSmtp, type TestSmtp } from './smtp';
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
  const { smtp, mailer, delivery } = await mailToTestSmtp(dir, planPath);
  const stack = await startDevStack(dir, { delivery, plans: (e) => planRecords(e.client) });
  const web = await buildWebApp({
    client: stack.env.client,
    namespace: stack.namespace,
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
