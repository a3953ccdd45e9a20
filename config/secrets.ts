/**
 * The link secret: RECTIFY_LINK_SECRET in production; for the embedded default, one generated
 * once into var/link-secret (mode 0600) so that `rectify dev` works out of the box. Old keys
 * (RECTIFY_LINK_OLD_SECRETS) are still accepted when verifying. Sessions are signed with a key
 * derived from the same secrets, so one rotation covers both.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LinkKeys } from '../domain/links';
import type { Settings } from './settings';

export interface ResolvedKeys extends LinkKeys {
  /** Where the current key came from: the environment or the generated file. */
  source: 'env' | 'generated' | 'file';
}

/**
 * The link keys; generates the embedded default's key when asked and none exists. Against any
 * other Temporal (a cluster: several machines) it is never generated: each would sign with its own.
 */
export function linkKeys(
  settings: Pick<Settings, 'links'> & Partial<Pick<Settings, 'embedded'>>,
  opts: { create: boolean; warn?: (m: string) => void },
): ResolvedKeys | undefined {
  const { secret, oldSecrets, secretFile } = settings.links;
  if (secret) return { current: secret, old: oldSecrets, source: 'env' };
  if (existsSync(secretFile)) {
    const stored = readFileSync(secretFile, 'utf8').trim();
    if (stored.length >= 32) return { current: stored, old: oldSecrets, source: 'file' };
    throw new Error(`${secretFile}：链接密钥文件已损坏（删除后重新生成，或设置 RECTIFY_LINK_SECRET）`);
  }
  if (!opts.create) return undefined;
  if (settings.embedded === false)
    throw new Error(
      '连接集群时须设置链接签名密钥：RECTIFY_LINK_SECRET 或 RECTIFY_LINK_SECRET_FILE（web 与每个 worker 相同；可用“openssl rand -hex 32”生成），不在单台机器上自动生成',
    );
  const key = randomBytes(32).toString('hex');
  mkdirSync(dirname(secretFile), { recursive: true });
  writeFileSync(secretFile, `${key}\n`, { mode: 0o600, flag: 'wx' });
  (opts.warn ?? console.warn)(
    `rectify: 已生成链接签名密钥 ${secretFile}（仅适用于本机试用；生产环境请设置 RECTIFY_LINK_SECRET,web 与 worker 使用同一个密钥）`,
  );
  return { current: key, old: oldSecrets, source: 'generated' };
}

/** The keys that sign session cookies: derived from the link keys (current first), never the link keys themselves. */
export function sessionKeys(keys: LinkKeys): string[] {
  return [keys.current, ...keys.old].map((k) => Buffer.from(hkdfSync('sha256', k, 'rectify', 'session-cookie', 32)).toString('hex'));
}
