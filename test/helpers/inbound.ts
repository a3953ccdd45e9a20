/** The inbound SMTP endpoint for replies by mail, on a free loopback port, over the test's client, plans, evidence and mailer. */
import type { Client } from '@temporalio/client';
import type { Mailer } from '../../activities/mail/transport';
import type { PlanSource } from '../../activities/ports';
import { InboundReplies } from '../../client/inbound/handle';
import { startInbound, type InboundServer } from '../../client/inbound/server';
import type { EvidenceStore } from '../../client/web/evidence-store';
import type { LinkKeys } from '../../domain/links';
import { freePort } from './temporal';

export async function startTestInbound(o: {
  client: Client;
  plans: PlanSource;
  evidence: EvidenceStore;
  keys: LinkKeys;
  mailer: Mailer;
  domain: string;
}): Promise<InboundServer> {
  const replies = new InboundReplies({
    ...o,
    days: 30,
    from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
    systemName: '巡视整改督办系统',
    now: () => Date.now(),
  });
  return startInbound(
    { host: '127.0.0.1', port: await freePort(), domain: o.domain, maxBytes: 5 * 1024 * 1024, perSenderPerHour: 100 },
    (raw, envelope) => replies.handle(raw, envelope),
  );
}
