/** Serving the web: beside the worker in `rectify dev`, alone in `rectify web` against any cluster. */
import type { Client } from '@temporalio/client';
import { linkKeys } from '../../config/secrets';
import type { Settings } from '../../config/settings';
import { openDeskState } from '../../config/desk';
import { FileEvidenceStore, PgEvidenceStore } from './evidence-store';
import { buildWebApp } from './server';
import { readiness } from '../checks';
import { exposureProblem } from '../../config/exposure';

export interface RunningWeb {
  url: string;
  close(): Promise<void>;
}

export async function startWeb(settings: Settings, client: Client): Promise<RunningWeb> {
  // Accounts, failed sign-ins and evidence: under var/ for the embedded default, in the database on a cluster.
  const desk = await openDeskState(settings);
  let app: Awaited<ReturnType<typeof buildWebApp>> | undefined;
  try {
    const problem = await exposureProblem(settings, desk.accounts);
    if (problem) throw new Error(problem);
    const keys = linkKeys(settings, { create: true })!;
    app = await buildWebApp({
      client,
      namespace: settings.namespace,
      temporalUiUrl: settings.web.temporalUiUrl,
      users: desk.accounts,
      keys,
      linkDays: settings.links.days,
      rollupTitle: settings.web.rollupTitle,
      signIns: desk.signIns,
      evidence: desk.pool ? new PgEvidenceStore(desk.pool, settings.web.evidenceDir) : new FileEvidenceStore(settings.web.evidenceDir),
      secureCookies: settings.web.publicUrl.startsWith('https:'),
      trustProxy: settings.web.trustProxy,
      logger: { level: process.env.RECTIFY_WEB_LOG_LEVEL ?? 'warn' },
      readiness: () => readiness(client, settings, { smtp: false }),
      metricsToken: settings.ops.metricsToken,
    });
    await app.listen({ host: settings.web.host, port: settings.web.port });
  } catch (e) {
    await app?.close();
    await desk.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (!app) throw e;
    const why = code === 'EADDRINUSE' ? '端口已被占用（用 RECTIFY_WEB_PORT 换一个端口）' : (e as Error).message;
    throw new Error(`无法在 ${settings.web.host}:${settings.web.port} 提供网页：${why}`, { cause: e });
  }
  const running = app;
  const host = settings.web.host.includes(':') ? `[${settings.web.host}]` : settings.web.host;
  return {
    url: `http://${host}:${settings.web.port}/`,
    close: async () => {
      await running.close();
      await desk.close();
    },
  };
}
