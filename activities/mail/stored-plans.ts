/**
 * Plans as workers find them: the plan's own workflow (`plan:<id>`) answers with its directory,
 * policy and calendar options, so any worker on any machine sends without plan files; an address
 * the office corrects there is used from the next send (answers are reused for `ttlMs`). A plan
 * started before plans were stored in Temporal is still found in the worker's plan files.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { planWorkflowId } from '../../contracts/ids';
import { getPlanQuery } from '../../contracts/messages';
import type { StoredPlan } from '../../domain/plan/stored';
import { log } from '../log';
import type { PlanSource } from '../ports';

export class StoredPlans implements PlanSource {
  private readonly cache = new Map<string, { at: number; version: number; plan: StoredPlan }>();

  constructor(
    private readonly client: Client,
    private readonly files?: PlanSource & { has(planId: string): boolean },
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async plan(planId: string): Promise<StoredPlan> {
    const hit = this.cache.get(planId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.plan;
    try {
      const view = await this.client.workflow.getHandle(planWorkflowId(planId)).query(getPlanQuery);
      // The same object while the plan stands (by content: a plan workflow started again counts from 1), so per-plan caches keep working.
      const plan = hit && hit.version === view.version && JSON.stringify(hit.plan) === JSON.stringify(view.plan) ? hit.plan : view.plan;
      this.cache.set(planId, { at: this.now(), version: view.version, plan });
      return plan;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) {
        // The server is briefly unreachable: the last known plan is better than no mail.
        if (hit) return hit.plan;
        throw e;
      }
    }
    if (this.files?.has(planId)) return this.files.plan(planId);
    const message = `计划 ${planId} 没有保存在 Temporal 中，worker 也没有它的计划文件：对该计划运行一次 rectify start <计划文件> 即可保存（运行中的措施不受影响）`;
    log.error(message, { planId });
    throw new Error(message);
  }
}
