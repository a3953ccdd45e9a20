/**
 * Plans from files (RECTIFY_PLANS, and the plan `rectify dev` runs): read again when they change
 * on disk. Workers resolve recipients from the plan stored in Temporal (stored-plans.ts); files
 * are where a plan started before it was stored there is still found.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPlan } from '../../config/plan-files';
import type { Plan } from '../../domain/plan/schema';
import type { PlanSource } from '../ports';
import { log } from '../log';

export class PlanDirectory implements PlanSource {
  private readonly byId = new Map<string, { path: string; mtimeMs: number; plan: Plan }>();

  private readonly paths: string[];

  constructor(paths: string[]) {
    this.paths = [...new Set(paths.map((p) => resolve(p)))];
  }

  /** The current plan with this id; throws (retryably) when no configured file has it. */
  async plan(planId: string): Promise<Plan> {
    return this.planNow(planId);
  }

  /** Whether a configured file has this plan. */
  has(planId: string): boolean {
    this.refresh();
    return this.byId.has(planId);
  }

  private planNow(planId: string): Plan {
    this.refresh();
    const entry = this.byId.get(planId);
    if (!entry)
      throw new Error(`worker 没有计划 ${planId} 的名录：用 RECTIFY_PLANS 指定计划文件（现有：${this.paths.join('，') || '无'}）`);
    return entry.plan;
  }

  /** Re-reads changed files. A file that is missing or invalid (perhaps mid-edit) keeps its last good version and stops no other plan. */
  private refresh(): void {
    for (const path of this.paths) {
      const known = [...this.byId.values()].find((e) => e.path === path);
      try {
        const mtimeMs = statSync(path).mtimeMs;
        if (known && known.mtimeMs === mtimeMs) continue;
        const { plan } = loadPlan(path);
        this.byId.set(plan.id, { path, mtimeMs, plan });
      } catch (e) {
        log.warn(`计划文件暂不可用${known ? '，继续使用上一版名录' : ''}`, { path, error: (e as Error).message.split('\n')[0] });
      }
    }
  }
}
