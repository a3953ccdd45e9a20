/**
 * Whether the web may start as configured: reachable from beyond this machine it needs a link
 * secret from the environment and an enabled account. Used by `rectify web` (refuses to start)
 * and `rectify doctor` (says so).
 */
import type { Settings } from './settings';
import type { AccountStore } from './users';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Why the web may not start as configured, or undefined. Reachable from beyond this machine
 * (bound beyond loopback, behind a trusted proxy, or announced at another address) it needs a
 * link secret from the environment (not the generated one) and at least one enabled account.
 */
export async function exposureProblem(settings: Settings, users: AccountStore): Promise<string | undefined> {
  // Reached from elsewhere: bound beyond loopback, behind a trusted proxy, or announced at another address.
  const publicHost = new URL(settings.web.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const reasons = [
    !LOOPBACK.has(settings.web.host) && `RECTIFY_WEB_HOST=${settings.web.host} 会让本机以外的人访问网页`,
    settings.web.trustProxy !== undefined && '设置了 RECTIFY_TRUST_PROXY（经反向代理对外提供）',
    !LOOPBACK.has(publicHost) && `RECTIFY_PUBLIC_URL=${settings.web.publicUrl} 不是本机地址`,
  ].filter(Boolean);
  if (!reasons.length) return undefined;
  const missing = [
    !settings.links.secret && '设置 RECTIFY_LINK_SECRET（链接签名密钥，如 openssl rand -hex 32）',
    (await users.active()).length === 0 && '用 rectify user add <账号> --role office 创建至少一个账号',
  ].filter(Boolean);
  return missing.length ? `${reasons.join('；')}，启动前请先：${missing.join('；')}` : undefined;
}
