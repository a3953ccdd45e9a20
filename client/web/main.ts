/** Serving the dashboard: beside the worker in `rectify dev`, alone in `rectify web` against any cluster. */
import type { Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { buildWebApp } from './server';

export interface RunningWeb {
  url: string;
  close(): Promise<void>;
}

export async function startWeb(settings: Settings, client: Client): Promise<RunningWeb> {
  const app = await buildWebApp({ client, namespace: settings.namespace, temporalUiUrl: settings.web.temporalUiUrl });
  try {
    await app.listen({ host: settings.web.host, port: settings.web.port });
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? '端口已被占用(用 RECTIFY_WEB_PORT 换一个端口)' : (e as Error).message;
    throw new Error(`无法在 ${settings.web.host}:${settings.web.port} 提供网页: ${why}`, { cause: e });
  }
  const host = settings.web.host.includes(':') ? `[${settings.web.host}]` : settings.web.host;
  return { url: `http://${host}:${settings.web.port}/`, close: () => app.close() };
}
