/**
 * Where rectify runs: the embedded dev server (default) or an existing Temporal cluster.
 * Connection settings follow Temporal's environment configuration (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML
 * profiles of @temporalio/envconfig).
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { resolve } from 'node:path';
import { domainOf } from '../domain/email/headers';

export interface Settings {
  /** True when no cluster is configured: `rectify dev` runs its own dev server. */
  embedded: boolean;
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  dev: { ip: string; port: number; uiPort: number; dbFile: string; logFile: string };
  varDir: string;
  /** The dashboard: RECTIFY_WEB_HOST (loopback by default: no sign-in yet), RECTIFY_WEB_PORT. */
  web: { host: string; port: number; temporalUiUrl?: string };
  mail: {
    /** SMTP_URL; without it mail is written to outboxDir as .eml files. */
    smtpUrl?: string;
    /** MAIL_FROM: the sender of every mail. */
    from: string;
    /** SMTP_CA_FILE: a PEM CA to trust besides the system's. */
    caFile?: string;
    maxConnections: number;
    ratePerSecond?: number;
    outboxDir: string;
    sentLedgerDir: string;
    /** RECTIFY_PLANS: plan files (comma-separated) whose directories the worker resolves recipients from. */
    plans: string[];
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${value}: 应为正整数`);
  return n;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${value}: 端口应为 1–65535 的整数`);
  return n;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const varDir = resolve(env.RECTIFY_VAR_DIR ?? 'var');
  const dev = {
    ip: '127.0.0.1',
    port: port(env, 'RECTIFY_DEV_PORT', 7233),
    uiPort: port(env, 'RECTIFY_DEV_UI_PORT', 8233),
    dbFile: resolve(varDir, 'temporal.sqlite'),
    logFile: resolve(varDir, 'temporal-server.log'),
  };
  const profile = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  const embedded = !profile.connectionOptions.address;
  const connectionOptions: NativeConnectionOptions = embedded
    ? { ...profile.connectionOptions, address: `${dev.ip}:${dev.port}` }
    : profile.connectionOptions;
  const web = {
    host: env.RECTIFY_WEB_HOST || '127.0.0.1',
    port: port(env, 'RECTIFY_WEB_PORT', 3000),
    // RECTIFY_TEMPORAL_UI: where the measure page links into the Temporal UI (the embedded server's own by default).
    temporalUiUrl: env.RECTIFY_TEMPORAL_UI || (embedded ? `http://${dev.ip}:${dev.uiPort}` : undefined),
  };
  const mail = {
    smtpUrl: env.SMTP_URL || undefined,
    from: env.MAIL_FROM || '"整改提醒" <rectify@localhost>',
    caFile: env.SMTP_CA_FILE || undefined,
    maxConnections: positiveInt(env, 'SMTP_MAX_CONNECTIONS') ?? 3,
    ratePerSecond: positiveInt(env, 'SMTP_RATE_PER_SECOND'),
    outboxDir: resolve(env.RECTIFY_OUTBOX_DIR ?? resolve(varDir, 'outbox')),
    sentLedgerDir: resolve(varDir, 'sent'),
    plans: (env.RECTIFY_PLANS ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => resolve(p)),
  };
  if (mail.smtpUrl && !env.MAIL_FROM) throw new Error('设置了 SMTP_URL 时也要设置 MAIL_FROM(发件人地址)');
  if (!domainOf(mail.from)) throw new Error(`MAIL_FROM 无效: ${mail.from}(应为 rectify@example.org 或 "名称" <rectify@example.org>)`);
  return { embedded, connectionOptions, namespace: profile.namespace ?? 'default', dev, varDir, web, mail };
}
