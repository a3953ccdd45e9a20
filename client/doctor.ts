/** `rectify doctor`: every check, what it found and how to fix it; exit code 1 if any failed. */
import { Client, Connection } from '@temporalio/client';
import { loadDeploymentCalendar } from '../config/desk';
import type { Settings } from '../config/settings';
import { publishedYears } from '../domain/calendar-data';
import { localDate } from '../domain/dates';
import {
  checkHolidays,
  checkPlans,
  checkSearchAttributes,
  checkSmtp,
  checkTemporal,
  checkDeskState,
  checkInbound,
  checkStoredChatSecrets,
  checkWebExposure,
  checkAccountScopesOf,
  type Check,
  type CheckStatus,
} from './checks';
import { devRobotsEnv } from './dev-robots';
import { listPlanIds } from './records';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };
const ZONE = 'Asia/Shanghai';

export function formatCheck(c: Check): string {
  return `${MARK[c.status]} ${c.name}：${c.detail}${c.fix && c.status !== 'ok' ? `\n    → ${c.fix}` : ''}`;
}

export async function doctorChecks(settings: Settings, planPaths: string[], now = Date.now()): Promise<Check[]> {
  // An unreadable store is the desk check's to report below.
  await loadDeploymentCalendar().catch(() => undefined);
  const checks: Check[] = [];
  // Against the embedded stack the worker is `rectify dev`'s, with the robots' hosts and example secrets it set.
  const workerEnv = settings.embedded ? { ...process.env, ...devRobotsEnv(settings.varDir) } : process.env;
  let connection: Connection | undefined;
  /** The running plans, for the accounts' scopes (undefined: not reached). */
  let running: string[] | undefined;
  try {
    connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: '5s' });
  } catch (e) {
    checks.push({
      name: 'Temporal',
      status: 'fail',
      detail: `无法连接 ${settings.connectionOptions.address}：${(e as Error).message}`,
      fix: settings.embedded ? '内嵌默认：先运行 rectify dev（或 npm start）' : '检查 TEMPORAL_ADDRESS、TLS 设置与网络',
    });
  }
  if (connection) {
    const client = new Client({ connection, namespace: settings.namespace });
    try {
      const temporal = await checkTemporal(client, settings);
      checks.push(temporal);
      if (temporal.status === 'ok') {
        checks.push(await checkSearchAttributes(client, settings.namespace));
        checks.push(
          await checkStoredChatSecrets(client, workerEnv).catch((e: Error) => ({
            name: '群机器人密钥',
            status: 'warn' as const,
            detail: `未能读取计划：${e.message}`,
          })),
        );
        running = await listPlanIds(client).catch(() => undefined);
      }
    } finally {
      await connection.close();
    }
  }
  checks.push(await checkSmtp(settings));
  checks.push(...checkPlans([...new Set([...settings.mail.plans, ...planPaths])], workerEnv));
  checks.push(checkHolidays(Object.keys(publishedYears()).map(Number), localDate(now, ZONE)));
  checks.push(await checkDeskState(settings));
  checks.push(await checkWebExposure(settings));
  checks.push(await checkAccountScopesOf(settings, running));
  checks.push(checkInbound(settings));
  return checks;
}

export async function runDoctor(settings: Settings, planPaths: string[]): Promise<number> {
  const checks = await doctorChecks(settings, planPaths);
  for (const c of checks) console.log(formatCheck(c));
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  console.log(`\n${checks.length}项检查：${checks.length - failed - warned}项通过，${warned}项提示，${failed}项未通过`);
  return failed ? 1 : 0;
}
