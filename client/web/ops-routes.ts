/**
 * For the people running rectify, not its users: /healthz (the process answers), /readyz
 * (Temporal and its search attributes, as client/checks.ts checks them) and /metrics (measures
 * by plan, status and light, in Prometheus's text format; from loopback, or with
 * RECTIFY_METRICS_TOKEN as a bearer token, since the counts are the plan's business). They count
 * every plan: a request signed in as an account that reads only some plans gets none of them (403).
 */
import { timingSafeEqual } from 'node:crypto';
import { Gauge, Registry } from 'prom-client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { standing, type MeasureRecord } from '../../domain/record';
import { deskLight } from '../../domain/tally';
import { readRecords } from '../records';
import type { Check } from '../checks';
import type { WebOptions } from './desk';
import { readsEverything } from '../../domain/permissions';

/** Counts are read from every plan's records at most this often (a scrape in between gets the last ones). */
const METRICS_TTL_MS = 60_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameToken(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerOpsRoutes(app: FastifyInstance, o: WebOptions): void {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const checks: Check[] = o.readiness ? await o.readiness() : [];
    const ready = checks.every((c) => c.status !== 'fail');
    return reply.code(ready ? 200 : 503).send({ ready, checks });
  });

  const registry = new Registry();
  let last: { at: number; records: Promise<MeasureRecord[]> } | undefined;
  const records = () => {
    if (!last || Date.now() - last.at > METRICS_TTL_MS) {
      const read = readRecords(o.client).then((r) => r.records);
      last = { at: Date.now(), records: read };
      read.catch(() => (last = undefined));
    }
    return last.records;
  };
  new Gauge({
    name: 'rectify_measures',
    help: 'Running measures by plan, status and light (closed measures: light="closed", as every surface counts them)',
    labelNames: ['plan', 'status', 'light'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await records()) this.inc({ plan: r.planId, status: r.status, light: deskLight(r.status, r.light) ?? 'starting' });
    },
  });
  new Gauge({
    name: 'rectify_measures_overdue',
    help: 'Running measures overdue as the report counts them (open, not submitted, past the due instant), by plan',
    labelNames: ['plan'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const r of await records()) if (standing(r, now).overdue) this.inc({ plan: r.planId });
    },
  });

  const allowed = (req: FastifyRequest) => {
    // Whatever else it carries, a district's session does not read other districts' counts.
    if (req.account && !readsEverything(req.account)) {
      req.log.warn({ account: req.account.name }, '范围受限的账号请求 /metrics');
      return false;
    }
    const auth = req.headers.authorization;
    if (o.metricsToken && auth?.startsWith('Bearer ')) return sameToken(auth.slice(7), o.metricsToken);
    return LOOPBACK.has(req.socket.remoteAddress ?? '');
  };
  app.get('/metrics', async (req, reply) => {
    if (!allowed(req)) return reply.code(403).type('text/plain; charset=utf-8').send('metrics: 仅本机，或带 RECTIFY_METRICS_TOKEN\n');
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
