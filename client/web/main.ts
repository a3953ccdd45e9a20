/** Serving the web: beside the worker in `rectify dev`, alone in `rectify web` against any cluster. */
import type { Client } from '@temporalio/client';
import { linkKeys } from '../../config/secrets';
import type { Settings } from '../../config/settings';
import { UserStore } from '../../config/users';
import { EvidenceStore } from './evidence-store';
import { buildWebApp } from './server';
import { readiness } from '../checks';
import { exposureProblem } from '../../config/exposure';

export interface RunningWeb {
  url: string;
  close(): Promise<void>;
}

export async function startWeb(settings: Settings, client: Client): Promise<RunningWeb> {
  const users = new UserStore(settings.web.usersFile);
  const problem = exposureProblem(settings, users);
  if (problem) throw new Error(problem);
  const keys = linkKeys(settings, { create: true })!;
  const app = await buildWebApp({
    client,
    namespace: settings.namespace,
    temporalUiUrl: settings.web.temporalUiUrl,
    users,
    keys,
    evidence: new EvidenceStore(settings.web.evidenceDir),
    secureCookies: settings.web.publicUrl.startsWith('https:'),
    trustProxy: settings.web.trustProxy,
    logger: { level: process.env.RECTIFY_WEB_LOG_LEVEL ?? 'warn' },
    readiness: () => readiness(client, settings, { smtp: false }),
    metricsToken: settings.ops.metricsToken,
  });
  try {
    await app.listen({ host: settings.web.host, port: settings.web.port });
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? '端口已被占用（用 RECTIFY_WEB_PORT 换一个端口）' : (e as Error).message;
    throw new Error(`无法在 ${settings.web.host}:${settings.web.port} 提供网页：${why}`, { cause: e });
  }
  const host = settings.web.host.includes(':') ? `[${settings.web.host}]` : settings.web.host;
  return { url: `http://${host}:${settings.web.port}/`, close: () => app.close() };
}
