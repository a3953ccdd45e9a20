/**
 * A worker's own health endpoints (RECTIFY_HEALTH_ADDRESS): /healthz answers while the process
 * runs; /readyz runs the readiness checks it is given (Temporal, search attributes, SMTP) and
 * says 200 or 503 with what each found. The web serves the same two on its own port.
 */
import { createServer, type Server } from 'node:http';

export interface Readiness {
  ready: boolean;
  checks: { name: string; status: 'ok' | 'warn' | 'fail'; detail: string; fix?: string }[];
}

export async function serveHealth(address: string, readiness: () => Promise<Readiness>): Promise<{ close(): Promise<void> }> {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(i + 1));
  const server: Server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET') return json(405, { error: 'GET only' });
    if (req.url === '/healthz') return json(200, { ok: true });
    if (req.url === '/readyz') {
      readiness().then(
        (r) => json(r.ready ? 200 : 503, r),
        (e: Error) => json(503, { ready: false, error: e.message }),
      );
      return;
    }
    json(404, { error: 'not found: /healthz or /readyz' });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}
