/**
 * The office's and lead units' requests to a measure, sent as Updates; refusals come back as
 * messages. Errors speak of plans and measures as people know them, never of workflow ids.
 */
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { InputError } from '../config/plan-files';
import { measureWorkflowId, ofType, parseMeasureWorkflowId, WORKFLOW } from '../contracts/ids';
import type { MeasureSummary } from '../contracts/measure';
import * as SA from '../contracts/search-attributes';
import { ROLES, type Actor, type Role } from '../domain/notice';
import { quote } from './measures';

export class RequestRefused extends Error {
  override name = 'RequestRefused';
}

/** `unit:区发改委`, `office:巡察办`, `leader:区委常委、常务副区长`, `leadership:领导小组`. */
export function parseActor(text: string | undefined): Actor {
  // office:督查科, also with a full-width colon as typed on Chinese keyboards.
  const m = /^([a-z]+)[:\uFF1A](.+)$/.exec(text ?? '');
  if (!m || !(ROLES as readonly string[]).includes(m[1])) {
    throw new InputError(`--as 应为 <角色>:<名称>，角色为${ROLES.join(' | ')}，如 --as unit:区发改委 或 --as office:巡察办`);
  }
  return { role: m[1] as Role, who: m[2].trim() };
}

/** The distinct values of a keyword search attribute over running measures (plans, units). */
export async function runningValues(client: Client, key: typeof SA.PlanId | typeof SA.LeadUnit, planId?: string): Promise<string[]> {
  const values = new Set<string>();
  const plan = planId ? ` AND PlanId = ${quote(planId)}` : '';
  for await (const wf of client.workflow.list({ query: `${ofType(WORKFLOW.measure)} AND ExecutionStatus = 'Running'${plan}` })) {
    const value = wf.typedSearchAttributes.get(key);
    if (value) values.add(value);
  }
  return [...values].sort();
}

/** The known name nearest to one that matched nothing (most characters in common), as a hint. */
export function nearest(name: string, known: string[]): string | undefined {
  const score = (k: string) => [...new Set(name)].filter((c) => k.includes(c)).length / Math.max(name.length, k.length);
  const best = known.map((k) => [k, score(k)] as const).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] >= 0.5 ? best[0] : undefined;
}

/** A hint for an unknown plan: the plans that are running. */
export async function unknownPlan(client: Client, planId: string): Promise<InputError> {
  const plans = await runningValues(client, SA.PlanId);
  return new InputError(
    `没有运行中的计划 ${planId}（${plans.length ? `运行中的计划：${plans.join('、')}` : '还没有启动任何计划，用 rectify start 启动'}）`,
  );
}

/**
 * The workflow id of a measure: given the plan, or found by the measure id if only one plan has it.
 * `withdrawn`: with the plan given, a measure withdrawn from it (its workflow completed) is found too, to read.
 */
export async function resolveMeasure(client: Client, measureId: string, planId?: string, o: { withdrawn?: boolean } = {}): Promise<string> {
  const clauses = [ofType(WORKFLOW.measure), `ExecutionStatus = 'Running'`, `MeasureId = ${quote(measureId)}`];
  if (planId) clauses.push(`PlanId = ${quote(planId)}`);
  const found: string[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') }))
    if (!found.includes(wf.workflowId)) found.push(wf.workflowId);
  if (found.length === 1) return found[0];
  if (planId) {
    // Visibility may lag just after a start: the id itself decides.
    const id = measureWorkflowId(planId, measureId);
    const running = await client.workflow
      .getHandle(id)
      .describe()
      .then((d) => d.status.name === 'RUNNING' || (!!o.withdrawn && d.typedSearchAttributes.get(SA.MeasureStatus) === 'withdrawn'))
      .catch(() => false);
    if (running) return id;
    if (!(await runningValues(client, SA.PlanId)).includes(planId)) throw await unknownPlan(client, planId);
    throw new InputError(`计划 ${planId} 中没有措施${measureId}（用“rectify status --plan ${planId}”列出该计划的措施）`);
  }
  if (!found.length) throw new InputError(`找不到措施${measureId}（用 rectify status 查看；或用 --plan 指定计划）`);
  const plans = found.map((id) => parseMeasureWorkflowId(id)?.planId ?? id);
  throw new InputError(`措施${measureId}在多个计划中：${plans.join('、')}；请用 --plan 指定`);
}

/** A workflow id as people say it: 计划 P 的措施 M. */
export function describeWorkflow(workflowId: string): string {
  const m = parseMeasureWorkflowId(workflowId);
  return m ? `计划 ${m.planId} 的措施${m.measureId}` : '该工作流';
}

export async function sendRequest<R, T = MeasureSummary>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<T, [R]>,
  request: R,
  /** `updateId`: the same request sent twice is taken once (Temporal keeps an Update's outcome by its id). */
  options: { updateId?: string } = {},
): Promise<T> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(update, { args: [request], ...options });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) throw new RequestRefused(`请求被拒绝：${e.cause?.message ?? e.message}`);
    if (e instanceof WorkflowNotFoundError) throw new InputError(`${describeWorkflow(workflowId)}已不在运行，请求未送达`);
    throw e;
  }
}
