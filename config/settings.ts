/**
 * Where rectify runs: the embedded dev server (default) or an existing Temporal cluster.
 * Connection settings follow Temporal's environment configuration (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML
 * profiles of @temporalio/envconfig).
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { readFileSync } from 'node:fs';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { resolve } from 'node:path';
import { domainOf } from '../domain/email/headers';
import { DEFAULT_SYSTEM_NAME } from '../domain/email/wording';
import { DEFAULT_LINK_DAYS } from '../domain/links';

export interface Settings {
  /** True when no cluster is configured: `rectify dev` runs its own dev server. */
  embedded: boolean;
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  dev: { ip: string; port: number; uiPort: number; dbFile: string; logFile: string };
  varDir: string;
  /**
   * The desk's own state (accounts, failed sign-ins, installed holiday years, evidence):
   * RECTIFY_DATABASE_URL (PostgreSQL, shared by every instance on a cluster), else files under var/.
   */
  desk: { databaseUrl?: string };
  /** The web: RECTIFY_WEB_HOST (loopback by default), RECTIFY_WEB_PORT. */
  web: {
    host: string;
    port: number;
    temporalUiUrl?: string;
    /** RECTIFY_PUBLIC_URL: the web's address as mail recipients reach it (links in mails). */
    publicUrl: string;
    /** RECTIFY_TRUST_PROXY: trust X-Forwarded-* from this many hops or these addresses (never by default). */
    trustProxy?: boolean | number | string;
    /** RECTIFY_USERS: the accounts of office staff and leaders. */
    usersFile: string;
    /** Uploaded evidence, stored by SHA-256. */
    evidenceDir: string;
    /** RECTIFY_ROLLUP_TITLE: whose roll-up of many plans it is (某市), at the head of its page and report. */
    rollupTitle?: string;
  };
  /** Signed links for lead units. */
  links: {
    /** RECTIFY_LINK_SECRET; without it the embedded default generates one into varDir (with a warning). */
    secret?: string;
    /** RECTIFY_LINK_OLD_SECRETS: comma-separated keys still accepted when verifying (rotation). */
    oldSecrets: string[];
    /** RECTIFY_LINK_DAYS: how long a link lasts (default 30). */
    days: number;
    /** Where the generated secret lives. */
    secretFile: string;
  };
  /** What operators see: logs, metrics, health. */
  ops: {
    /** RECTIFY_LOG_LEVEL: TRACE, DEBUG, INFO (default), WARN or ERROR. */
    logLevel: LogLevelName;
    /** RECTIFY_LOG_FORMAT: json (one JSON object per line) or pretty; default pretty on a terminal, json otherwise. */
    logFormat: 'json' | 'pretty';
    /** RECTIFY_METRICS_ADDRESS (host:port): the worker's Prometheus endpoint (/metrics); absent: none. */
    metricsAddress?: string;
    /** RECTIFY_HEALTH_ADDRESS (host:port): the worker's /healthz and /readyz; absent: none. */
    healthAddress?: string;
    /** RECTIFY_METRICS_TOKEN: the web's /metrics for a scraper beyond loopback (as a bearer token). */
    metricsToken?: string;
  };
  /** The worker's sticky cache. */
  worker: {
    /** RECTIFY_WORKFLOW_CACHE: workflows kept in memory between their tasks (the rest replay from history when they wake). */
    maxCachedWorkflows: number;
    /** RECTIFY_WORKFLOW_HEAP_MB: the workflow threads' V8 heap limit (collected early instead of growing to the process default). */
    workflowHeapMiB: number;
  };
  /** Replies by mail (`rectify inbound`): absent domain, mail carries no reply address. */
  inbound: {
    /** RECTIFY_INBOUND_DOMAIN: the domain of reply addresses (reply+…@domain), whose MX points at `rectify inbound`. */
    domain?: string;
    /** RECTIFY_INBOUND_HOST (loopback by default; 0.0.0.0 to take mail from elsewhere), RECTIFY_INBOUND_PORT (default 2525). */
    host: string;
    port: number;
    /** RECTIFY_INBOUND_MAX_MB: the largest message taken (default 30). */
    maxBytes: number;
    /** RECTIFY_INBOUND_RATE: messages a sender may send in an hour (default 30). */
    perSenderPerHour: number;
    /** RECTIFY_INBOUND_TLS_KEY, RECTIFY_INBOUND_TLS_CERT: PEM files; with them STARTTLS is offered. */
    tls?: { keyFile: string; certFile: string };
  };
  mail: {
    /** SMTP_URL; without it mail is written to outboxDir as .eml files. */
    smtpUrl?: string;
    /** MAIL_FROM: the sender of every mail (SMTP envelope; From of mail to the office, Sender of the rest). */
    from: string;
    /** RECTIFY_SYSTEM_NAME: the name mail to the office comes from and is signed by (default 巡视整改督办系统). */
    systemName: string;
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
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${value}：应为正整数`);
  return n;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${value}：端口应为1–65535的整数`);
  return n;
}

/**
 * Workflows a worker keeps in memory: a measure held in the cache costs about 0.5 MB of the worker's
 * memory, one evicted replays its (short, continued-as-new) history when it next wakes. Sized so
 * that a worker holding a province (20,000 measures) stays within 1 GiB: see bench/RESULTS.md.
 */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

function logLevel(value: string | undefined): LogLevelName {
  if (!value) return 'INFO';
  const level = value.toUpperCase() as LogLevelName;
  if (!LOG_LEVELS.includes(level)) throw new Error(`RECTIFY_LOG_LEVEL 无效：${value}（应为${LOG_LEVELS.join('、')}之一）`);
  return level;
}

/** host:port, the host optional (all interfaces then). */
function address(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
    throw new Error(`${name} 无效：${value}（应为“主机:端口”，如127.0.0.1:9464或0.0.0.0:9464）`);
  return `${m[1] || '0.0.0.0'}:${m[2]}`;
}

function inboundSettings(env: NodeJS.ProcessEnv): Settings['inbound'] {
  const domain = env.RECTIFY_INBOUND_DOMAIN?.trim().toLowerCase() || undefined;
  if (domain && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(domain))
    throw new Error(`RECTIFY_INBOUND_DOMAIN 无效：${env.RECTIFY_INBOUND_DOMAIN}（应为域名，如 reply.example.org）`);
  const key = env.RECTIFY_INBOUND_TLS_KEY || undefined;
  const cert = env.RECTIFY_INBOUND_TLS_CERT || undefined;
  if (!key !== !cert) throw new Error('RECTIFY_INBOUND_TLS_KEY 与 RECTIFY_INBOUND_TLS_CERT 应同时设置（PEM 私钥和证书文件）');
  return {
    domain,
    host: env.RECTIFY_INBOUND_HOST || '127.0.0.1',
    port: port(env, 'RECTIFY_INBOUND_PORT', 2525),
    maxBytes: (positiveInt(env, 'RECTIFY_INBOUND_MAX_MB') ?? 30) * 1024 * 1024,
    perSenderPerHour: positiveInt(env, 'RECTIFY_INBOUND_RATE') ?? 30,
    ...(key && cert ? { tls: { keyFile: resolve(key), certFile: resolve(cert) } } : {}),
  };
}

export const DEFAULT_WORKFLOW_CACHE = 1000;

/**
 * The workflow threads' V8 heap limit. Without one they take the process default (about a
 * quarter of the machine's memory) and keep the garbage of a start or a morning burst for a long
 * time; 1,000 cached measures need well under this.
 */
export const DEFAULT_WORKFLOW_HEAP_MIB = 512;

/** Secrets shorter than this are refused: an HMAC key should carry at least 128 bits. */
export const MIN_SECRET_LENGTH = 32;

/** RECTIFY_TRUST_PROXY: `true`, a hop count, or addresses/CIDRs (comma-separated), as Fastify's trustProxy takes them. */
function trustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === '' || value === 'false') return undefined;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function publicUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`RECTIFY_PUBLIC_URL=${value}：应为完整网址，如 https://zhenggai.example.org/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`RECTIFY_PUBLIC_URL=${value}：应以 http:// 或 https:// 开头`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** A sender's display name and a mail's 落款: one line of words, not an address. */
function systemName(value: string | undefined): string {
  const name = value?.trim();
  if (!name) return DEFAULT_SYSTEM_NAME;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>@"]/.test(name) || name.length > 40)
    throw new Error(`RECTIFY_SYSTEM_NAME=${value}：应为一个名称（40个字符以内，不含控制字符和 < > @ "），如${DEFAULT_SYSTEM_NAME}`);
  return name;
}

/**
 * RECTIFY_LINK_SECRET_FILE: the link secret read from a file (a systemd credential, a Docker or
 * Kubernetes secret), so that it stays out of the environment; the same for every web and worker.
 */
function secretFromFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8').trim();
  } catch (e) {
    throw new Error(`RECTIFY_LINK_SECRET_FILE=${path}：无法读取（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`, {
      cause: e,
    });
  }
  if (!text) throw new Error(`RECTIFY_LINK_SECRET_FILE=${path}：文件是空的（可用“openssl rand -hex 32 > ${path}”生成）`);
  return text;
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
    ...(env.RECTIFY_ROLLUP_TITLE?.trim() ? { rollupTitle: env.RECTIFY_ROLLUP_TITLE.trim() } : {}),
    publicUrl: '',
    trustProxy: trustProxy(env.RECTIFY_TRUST_PROXY),
    usersFile: resolve(env.RECTIFY_USERS ?? resolve(varDir, 'users.json')),
    evidenceDir: resolve(varDir, 'evidence'),
  };
  const shownHost = web.host === '0.0.0.0' || web.host === '::' ? '127.0.0.1' : web.host.includes(':') ? `[${web.host}]` : web.host;
  web.publicUrl = publicUrl(env.RECTIFY_PUBLIC_URL) ?? `http://${shownHost}:${web.port}/`;
  const links = {
    secret: env.RECTIFY_LINK_SECRET || secretFromFile(env.RECTIFY_LINK_SECRET_FILE),
    oldSecrets: (env.RECTIFY_LINK_OLD_SECRETS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    days: positiveInt(env, 'RECTIFY_LINK_DAYS') ?? DEFAULT_LINK_DAYS,
    secretFile: resolve(varDir, 'link-secret'),
  };
  for (const [name, key] of [
    [env.RECTIFY_LINK_SECRET ? 'RECTIFY_LINK_SECRET' : 'RECTIFY_LINK_SECRET_FILE', links.secret],
    ...links.oldSecrets.map((k) => ['RECTIFY_LINK_OLD_SECRETS', k]),
  ])
    if (key !== undefined && key.length < MIN_SECRET_LENGTH)
      throw new Error(`${name}：密钥太短（至少${MIN_SECRET_LENGTH}个字符；可用“openssl rand -hex 32”生成）`);
  const mail = {
    smtpUrl: env.SMTP_URL || undefined,
    from: env.MAIL_FROM || '“整改提醒”<rectify@localhost>',
    systemName: systemName(env.RECTIFY_SYSTEM_NAME),
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
  if (mail.smtpUrl && !env.MAIL_FROM) throw new Error('设置了 SMTP_URL 时也要设置 MAIL_FROM（发件人地址）');
  if (!domainOf(mail.from)) throw new Error(`MAIL_FROM 无效：${mail.from}（应为 rectify@example.org 或“名称”<rectify@example.org>）`);
  const worker = {
    maxCachedWorkflows: positiveInt(env, 'RECTIFY_WORKFLOW_CACHE') ?? DEFAULT_WORKFLOW_CACHE,
    workflowHeapMiB: positiveInt(env, 'RECTIFY_WORKFLOW_HEAP_MB') ?? DEFAULT_WORKFLOW_HEAP_MIB,
  };
  const format = env.RECTIFY_LOG_FORMAT?.toLowerCase();
  if (format && format !== 'json' && format !== 'pretty')
    throw new Error(`RECTIFY_LOG_FORMAT 无效：${env.RECTIFY_LOG_FORMAT}（应为 json 或 pretty）`);
  const ops = {
    logLevel: logLevel(env.RECTIFY_LOG_LEVEL),
    logFormat: (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) as 'json' | 'pretty',
    metricsAddress: address(env, 'RECTIFY_METRICS_ADDRESS'),
    healthAddress: address(env, 'RECTIFY_HEALTH_ADDRESS'),
    metricsToken: env.RECTIFY_METRICS_TOKEN || undefined,
  };
  const inbound = inboundSettings(env);
  const databaseUrl = env.RECTIFY_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('RECTIFY_DATABASE_URL 应以 postgres:// 开头，如 postgres://rectify:密码@127.0.0.1:5432/rectify');
  return {
    embedded,
    connectionOptions,
    namespace: profile.namespace ?? 'default',
    dev,
    varDir,
    desk: { databaseUrl },
    web,
    links,
    inbound,
    mail,
    ops,
    worker,
  };
}
