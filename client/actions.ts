/** The office's and lead units' requests to a measure, sent as Updates; refusals come back as messages. */
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { ROLES, type Actor, type Role } from '../domain/notice';
import { InputError } from '../config/plan-files';
import { quote } from './measures';
import { measureWorkflowId, ofType, WORKFLOW } from '../contracts/ids';
import type { MeasureSummary } from '../contracts/measure';

export class RequestRefused extends Error {
  override name = 'RequestRefused';
}

/** `unit:区发改委`, `office:巡察办`, `leader:区委常委、常务副区长`, `leadership:领导小组`. */
export function parseActor(text: string | undefined): Actor {
  const m = /^([a-z]+):(.+)$/.exec(text ?? '');
  if (!m || !(ROLES as readonly string[]).includes(m[1])) {
    throw new InputError(`--as 应为 <角色>:<名称>,角色为 ${ROLES.join(' | ')},如 --as unit:区发改委 或 --as office:巡察办`);
  }
  return { role: m[1] as Role, who: m[2].trim() };
}

/** The workflow id of a measure: given the plan, or found by the measure id if only one plan has it. */
export async function resolveMeasure(client: Client, measureId: string, planId?: string): Promise<string> {
  if (planId) return measureWorkflowId(planId, measureId);
  const found: string[] = [];
  for await (const wf of client.workflow.list({
    query: `${ofType(WORKFLOW.measure)} AND ExecutionStatus = 'Running' AND MeasureId = ${quote(measureId)}`,
  })) {
    if (!found.includes(wf.workflowId)) found.push(wf.workflowId);
  }
  if (found.length === 1) return found[0];
  if (!found.length) throw new InputError(`找不到措施 ${measureId}(用 rectify status 查看;或用 --plan 指定计划)`);
  throw new InputError(`措施 ${measureId} 在多个计划中: ${found.join(', ')};请用 --plan 指定`);
}

export async function sendRequest<R, T = MeasureSummary>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<T, [R]>,
  request: R,
): Promise<T> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(update, { args: [request] });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) throw new RequestRefused(`请求被拒绝: ${e.cause?.message ?? e.message}`);
    if (e instanceof WorkflowNotFoundError) throw new InputError(`措施工作流不存在: ${workflowId}`);
    throw e;
  }
}
