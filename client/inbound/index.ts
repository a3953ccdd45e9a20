/**
 * The inbound service as `rectify inbound` and `rectify dev` run it: the SMTP endpoint, the
 * measures it reaches through the client, the plans' directories (stored in Temporal), the desk's
 * evidence store (var/ or the database, like the web's) and the outgoing mail for its answers.
 */
import type { Client } from '@temporalio/client';
import { openDeskState } from '../../config/desk';
import { linkKeys } from '../../config/secrets';
import type { Settings } from '../../config/settings';
import { PlanDirectory } from '../../activities/mail/directory';
import { StoredPlans } from '../../activities/mail/stored-plans';
import { mailerFor } from '../../worker/worker';
import { FileEvidenceStore, PgEvidenceStore } from '../web/evidence-store';
import { InboundReplies } from './handle';
import { inboundOptions, startInbound } from './server';

export interface RunningInbound {
  /** host:port, for the console. */
  address: string;
  domain: string;
  close(): Promise<void>;
}

export async function startInboundService(settings: Settings, client: Client, planPaths: string[] = []): Promise<RunningInbound> {
  const options = inboundOptions(settings);
  const keys = linkKeys(settings, { create: true });
  if (!keys) throw new Error('没有链接密钥（RECTIFY_LINK_SECRET 或 RECTIFY_LINK_SECRET_FILE），无法核对回复地址');
  const desk = await openDeskState(settings);
  const mailer = mailerFor(settings);
  try {
    const replies = new InboundReplies({
      client,
      plans: new StoredPlans(client, new PlanDirectory([...new Set([...settings.mail.plans, ...planPaths])])),
      evidence: desk.pool ? new PgEvidenceStore(desk.pool, settings.web.evidenceDir) : new FileEvidenceStore(settings.web.evidenceDir),
      keys,
      days: settings.links.days,
      domain: options.domain,
      mailer,
      from: settings.mail.from,
      systemName: settings.mail.systemName,
      now: () => Date.now(),
    });
    const server = await startInbound(options, (raw, envelope) => replies.handle(raw, envelope));
    return {
      address: `${options.host}:${server.port}`,
      domain: options.domain,
      close: async () => {
        await server.close();
        mailer.close();
        await desk.close();
      },
    };
  } catch (e) {
    mailer.close();
    await desk.close();
    throw e;
  }
}
