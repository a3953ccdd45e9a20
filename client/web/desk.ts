/** What the web's route modules share: the options, the clock, the calendar, the guards, the measure page. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { AccountStore } from '../../config/users';
import type { SignInCounter } from '../../domain/sign-in';
import type { WorkCalendar } from '../../domain/calendar';
import type { LinkKeys } from '../../domain/links';
import type { EvidenceStore } from './evidence-store';
import type { Check } from '../checks';

export interface WebOptions {
  client: Client;
  namespace: string;
  /** Accounts of office staff and leaders (sign-in). */
  users: AccountStore;
  /** Failed sign-ins, counted across every web instance (the cluster's database); default: this process's memory. */
  signIns?: SignInCounter;
  /** The link keys (verifying lead units' links) from which the session keys are derived. */
  keys: LinkKeys;
  /** RECTIFY_ROLLUP_TITLE: whose roll-up it is, at the head of its page and report (某市); default none. */
  rollupTitle?: string;
  /** How many days a link mailed on a unit's request lasts (RECTIFY_LINK_DAYS; said on its page). */
  linkDays?: number;
  /** Uploaded evidence. */
  evidence: EvidenceStore;
  /** Session and CSRF cookies only over HTTPS (RECTIFY_PUBLIC_URL is https). */
  secureCookies?: boolean;
  /** Fastify's trustProxy: X-Forwarded-* are believed only from there (RECTIFY_TRUST_PROXY). */
  trustProxy?: boolean | number | string;
  /** Where measure pages link into the Temporal UI. */
  temporalUiUrl?: string;
  /** How long a read of the plan's records is reused (ms): a burst of page views costs one read. */
  cacheMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** Fastify's logger: refused links and sign-ins are logged with their reason. */
  logger?: FastifyServerOptions['logger'];
  /** What /readyz checks (client/checks.ts readiness); absent: ready when the process answers. */
  readiness?: () => Promise<Check[]>;
  /** RECTIFY_METRICS_TOKEN: /metrics from beyond loopback with this bearer token. */
  metricsToken?: string;
}

export interface Desk {
  app: FastifyInstance;
  o: WebOptions;
  now: () => number;
  calendar: () => WorkCalendar;
  /** Desk pages: signed in, or an install without accounts; sets the page's account and CSRF token. */
  readGuard: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** One measure's page, if the request may read its plan (else the 404 of a plan that does not run). */
  showMeasure(
    req: FastifyRequest,
    reply: FastifyReply,
    planId: string,
    measureId: string,
    extra?: { status?: number; error?: string; done?: string },
  ): Promise<unknown>;
  /** A desk page's locals: who is signed in, a CSRF token for its forms, whether they may act. */
  pageLocals(req: FastifyRequest, reply: FastifyReply): void;
  /** Drops cached records: the next page reads the workflows again. */
  invalidate(): void;
}
