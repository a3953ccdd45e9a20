/** Serving the web: beside the worker in `rectify dev`, alone in `rectify web` against any cluster. */
import type { Client } from '@temporalio/client';
import { linkKeys } from '../../config/secrets';
import type { Settings } from '../../config/settings';
import { UserStore } from '../../config/users';
import { EvidenceStore } from './evidence-store';
import { buildWebApp } from './server';

export interface RunningWeb {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Why the web may not start as configured, or undefined. Reachable from beyond this machine
 * (bound beyond loopback, behind a trusted proxy, or announced at another address) it needs a
 * link secret from the environment (not the generated one) and at least one enabled account.
 */
export function exposureProblem(settings: Settings, users: UserStore): string | undefined {
  // Reached from elsewhere: bound beyond loopback, behind a trusted proxy, or announced at another address.
  const publicHost = new URL(settings.web.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const reasons = [
    !LOOPBACK.has(settings.web.host) && `RECTIFY_WEB_HOST=${settings.web.host} 会让本机以外的人访问网页`,
    settings.web.trustProxy !== undefined && '设置了 RECTIFY_TRUST_PROXY(经反向代理对外提供)',
    !LOOPBACK.has(publicHost) && `RECTIFY_PUBLIC_URL=${settings.web.publicUrl} 不是本机地址`,
  ].filter(Boolean);
  if (!reasons.length) return undefined;
  const missing = [
    !settings.links.secret && '设置 RECTIFY_LINK_SECRET(链接签名密钥,如 openssl rand -hex 32)',
    users.active().length === 0 && '用 rectify user add <账号> --role office 创建至少一个账号',
  ].filter(Boolean);
  return missing.length ? `${reasons.join(';')},启动前请先: ${missing.join(';')}` : undefined;
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
  });
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
