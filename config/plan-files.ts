/**
 * The file side of plans: reading and writing plan files (YAML or JSON). Below the client, so that
 * the worker reads plans without the CLI's spreadsheet readers (client/ledger-files.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { requirePlan, type PlanIssue } from '../domain/plan/load';
import type { Plan } from '../domain/plan/schema';

export class InputError extends Error {
  override name = 'InputError';
}

export function readText(path: string): string {
  if (!existsSync(path)) throw new InputError(`文件不存在：${path}`);
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
}

export function loadPlan(path: string): { plan: Plan; warnings: PlanIssue[] } {
  assertPlanExtension(path);
  return requirePlan(readText(path), path);
}

function assertPlanExtension(path: string): void {
  if (!/\.(ya?ml|json)$/i.test(path)) throw new InputError(`计划文件应为 .yaml、.yml 或 .json: ${path}`);
}

/** YAML or JSON by the file's extension; an optional comment heads a YAML file. */
export function planText(path: string, data: unknown, comment?: string): string {
  assertPlanExtension(path);
  if (/\.json$/i.test(path)) return `${JSON.stringify(data, null, 2)}\n`;
  const head = comment
    ? comment
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n') + '\n'
    : '';
  return head + stringify(data, { lineWidth: 0 });
}

export function writePlanFile(path: string, data: unknown, comment?: string): void {
  writeFileSync(path, planText(path, data, comment));
}
