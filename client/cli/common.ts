/** What every command group shares: errors and exit codes, the connection, plans from the command line. */
import { Client, Connection } from '@temporalio/client';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, loadPlan } from '../../config/plan-files';
import { loadSettings, type Settings } from '../../config/settings';
import { openDeskState, type DeskState } from '../../config/desk';
import { isIsoDate, localDate } from '../../domain/dates';
import { formatIssue, formatPath, PlanError, validatePlanData, type PlanIssue } from '../../domain/plan/load';
import { unreachableLeadUnits } from '../../domain/plan/check';
import type { Plan } from '../../domain/plan/schema';
import { rebasePlan } from '../../domain/rebase';

export { InputError };

/** The package root, from the sources (client/cli/) or from the build (dist/client/cli/). */
const ROOT = [resolve(__dirname, '../..'), resolve(__dirname, '../../..')].find((d) => existsSync(resolve(d, 'package.json')))!;
export const SAMPLE_PLAN = resolve(ROOT, 'config/plans/liangxi-2023.yaml');

/** The command line itself is wrong (exit 2); input errors and refusals are InputError and friends (exit 1). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const ZONE = 'Asia/Shanghai';

export function printIssues(issues: PlanIssue[]): void {
  for (const issue of issues) console.error(formatIssue(issue));
}

export function rebaseDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value === 'today' ? localDate(Date.now(), ZONE) : value;
  if (!isIsoDate(date)) throw new UsageError(`--rebase 应为 YYYY-MM-DD 或 today: ${value}`);
  return date;
}

/** Loads, rebases if asked, and validates again (a rebase can move dates into unpublished years). */
/** A plan to run: every lead unit must be reachable by mail (the reason names those that are not). */
export function requireReachable(plan: Plan, path: string): Plan {
  const unreachable = unreachableLeadUnits(plan);
  if (unreachable.length)
    throw new InputError(
      `${path}：以下牵头单位没有联系邮箱，通知无法送达，计划未启动：${unreachable.join('、')}（在 directory.units 中补充 emails 后再试）`,
    );
  return plan;
}

export function preparePlan(path: string, rebase?: string): Plan {
  const { plan, warnings } = loadPlan(path);
  if (!rebase) {
    printIssues(warnings);
    return plan;
  }
  const moved = rebasePlan(plan, rebase);
  const { plan: valid, issues } = validatePlanData(moved, path, (p) => ({ field: `${formatPath(p, moved)}（平移至${rebase}）` }));
  printIssues(issues);
  if (!valid || issues.some((i) => i.severity === 'error')) throw new PlanError(issues);
  return valid;
}

async function connectClient(settings: Settings, waitForServer: boolean): Promise<Client> {
  if (waitForServer) {
    const { untilReachable } = await import('../../runtime/wait-for-server');
    const connection = await untilReachable(
      `Temporal ${settings.connectionOptions.address}`,
      () => Connection.connect(settings.connectionOptions),
      (line) => console.error(line),
    );
    return new Client({ connection, namespace: settings.namespace });
  }
  const connection = await Connection.connect(settings.connectionOptions).catch((e: Error) => {
    const hint = settings.embedded ? '（先运行 npm start 或 rectify dev 启动内嵌服务器）' : '';
    throw new InputError(`无法连接 Temporal ${settings.connectionOptions.address}${hint}：${e.message}`);
  });
  return new Client({ connection, namespace: settings.namespace });
}

/**
 * Runs `fn` with a client of the configured cluster (or the embedded server), closing it after.
 * A command fails at once when the server cannot be reached; a service (`waitForServer`: the web)
 * waits for it.
 */
export async function withClient<T>(fn: (client: Client) => Promise<T>, options: { waitForServer?: boolean } = {}): Promise<T> {
  const client = await connectClient(loadSettings(), options.waitForServer ?? false);
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

/** Runs `fn` with the desk's own state (files under var/, or the database of RECTIFY_DATABASE_URL), closing it after. */
export async function withDeskState<T>(fn: (desk: DeskState) => Promise<T>): Promise<T> {
  const desk = await openDeskState(loadSettings());
  try {
    return await fn(desk);
  } finally {
    await desk.close();
  }
}

export function refuseOverwrite(path: string, force: boolean | undefined): void {
  if (existsSync(path) && !force) throw new InputError(`${path} 已存在；确需覆盖请加 --force`);
}

/** A required option's value, or a usage error naming it. */
export function need(value: string | undefined, name: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`缺少 --${name}`);
  return value;
}

/** Exactly one of two flags. True for the first. */
export function oneOf(values: Record<string, unknown>, yes: string, no: string): boolean {
  if (Boolean(values[yes]) === Boolean(values[no])) throw new UsageError(`请在 --${yes} 和 --${no} 中选一个`);
  return values[yes] === true;
}

export function positiveInt(value: string | undefined, name: string, what = '正整数'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} 应为${what}：${value ?? '（无）'}`);
  return n;
}

export function isoDate(value: string | undefined, name: string): string {
  if (value === undefined || !isIsoDate(value)) throw new UsageError(`${name} 应为 YYYY-MM-DD：${value ?? '（无）'}`);
  return value;
}

/** A failure already explained on stderr: exit 1 with nothing more to say. */
export class Reported extends Error {
  override name = 'Reported';
}

/**
 * Progress of a long run on stderr: a bar redrawn in place at a terminal, a line every tenth
 * otherwise (logs, CI); nothing for small runs.
 */
export function progressReporter(
  what: string,
  stream: NodeJS.WriteStream = process.stderr,
  minimum = 200,
): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    if (total < minimum) return;
    const step = stream.isTTY ? Math.floor((done / total) * 100) : Math.floor((done / total) * 10);
    if (step === shown && done !== total) return;
    shown = step;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(`\r${what} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
    } else if (done === total || step > 0) stream.write(`${what}：${done}/${total}\n`);
  };
}

/** --plans a,b (or 、，and spaces between): the plan ids, or undefined when not given. */
export function planList(option: string | undefined): string[] | undefined {
  if (option === undefined) return undefined;
  const ids = [
    ...new Set(
      option
        .split(/[,，、\s]+/)
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  if (!ids.length) throw new UsageError('--plans 应为计划编号，逗号分隔');
  return ids;
}
