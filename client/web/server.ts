/**
 * The web's composition: Fastify 5 and its plugins — @fastify/view (Eta, auto-escaped),
 * @fastify/static, @fastify/helmet (a CSP that runs only this app's own scripts), @fastify/cookie
 * (signed session cookies), @fastify/csrf-protection (every form), @fastify/formbody and
 * @fastify/multipart (forms and evidence), @fastify/rate-limit (sign-in, links) — who is signed
 * in, the guard of the desk's pages, ECharts from node_modules, and the routes, each set in its
 * own module: reading the desk (reading-routes.ts), signing in (account-routes.ts), the office's
 * actions (office-routes.ts), lead units' links (unit-routes.ts), health and metrics
 * (ops-routes.ts), 一事一档 downloads (dossier-routes.ts), the roll-up of many plans (rollup-routes.ts), and what goes wrong as pages (error-pages.ts).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { chinaCalendar } from '../../domain/calendar-data';
import { ECHARTS_FILE, STATIC_DIR, VIEWS_DIR } from '../../documents/assets';
import { sessionOf, type SignedIn } from './auth';
import type { Desk, WebOptions } from './desk';
import { registerAccountRoutes } from './account-routes';
import { registerDossierRoutes } from './dossier-routes';
import { registerRollupRoutes } from './rollup-routes';
import { registerErrorPages } from './error-pages';
import { registerOfficeRoutes } from './office-routes';
import { registerOpsRoutes } from './ops-routes';
import { registerReadingRoutes } from './reading-routes';
import { registerUnitRoutes } from './unit-routes';
import { sessionKeys } from '../../config/secrets';
import { accountActor } from '../../domain/permissions';
import { MAX_FILE_BYTES, MAX_FILES } from '../../domain/evidence';

export type { WebOptions };

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in office staff member or leader, if any. */
    account?: SignedIn;
  }
  interface FastifyReply {
    /** @fastify/view merges these into every template's data (who is signed in, the CSRF token). */
    locals: Record<string, unknown> | null;
  }
}

export async function buildWebApp(o: WebOptions): Promise<FastifyInstance> {
  const now = o.now ?? Date.now;
  const app = Fastify({
    logger: o.logger ?? false,
    // A hop count is taken at run time (proxy-addr), though Fastify's types leave it out.
    trustProxy: (o.trustProxy ?? false) as boolean | string,
    // Evidence files stream through multipart; other bodies are small forms.
    bodyLimit: 256 * 1024,
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: { 'script-src': ["'self'"], 'form-action': ["'self'"], 'upgrade-insecure-requests': o.secureCookies ? [] : null },
    },
  });
  await app.register(fastifyCookie, { secret: sessionKeys(o.keys) });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: !!o.secureCookies },
    // Multipart forms carry the token in their address: it is checked before any file is read.
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.query as Record<string, string>)._csrf,
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyMultipart, {
    limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 20, fieldSize: 16 * 1024, parts: MAX_FILES + 20 },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/' });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: VIEWS_DIR,
    layout: 'layout',
    viewExt: 'eta',
    production: true,
  });
  // Who is here: a session cookie names an account (reread from the accounts file on each request).
  app.addHook('onRequest', async (req, reply) => {
    req.account = await sessionOf(req, reply, o.users, now(), !!o.secureCookies);
  });
  /**
   * Reading the desk: anyone on a loopback-only install without accounts (the embedded default);
   * once accounts exist, only the signed-in. Acting always needs an office account.
   */
  const mustSignIn = async (req: FastifyRequest) => !req.account && (await o.users.active()).length > 0;
  const readGuard = async (req: FastifyRequest, reply: FastifyReply) => {
    if (await mustSignIn(req)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    pageLocals(req, reply);
  };
  // Every desk page: who is signed in, and a CSRF token for its forms (sign-out, the office's actions).
  const pageLocals = (req: FastifyRequest, reply: FastifyReply) => {
    reply.locals = { account: req.account, csrf: reply.generateCsrf(), canAct: !!req.account && !!accountActor(req.account) };
  };
  const echarts = readFileSync(ECHARTS_FILE);
  app.get('/vendor/echarts.min.js', (_req, reply) =>
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(echarts),
  );
  registerOpsRoutes(app, o);

  const calendar = () => chinaCalendar({ unpublishedYears: 'statutory' });
  const base = { app, o, now, calendar, readGuard, pageLocals };
  const desk: Desk = { ...base, ...registerReadingRoutes(base) };
  registerAccountRoutes(desk);
  registerOfficeRoutes(desk);
  registerUnitRoutes(desk);
  registerDossierRoutes(desk);
  registerRollupRoutes(desk);

  registerErrorPages(app);
  return app;
}
