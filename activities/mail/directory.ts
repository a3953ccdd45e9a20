/**
 * The plans' directories as the worker sees them at send time: plan files are read again when
 * they change on disk, so a corrected address takes effect without restarting any workflow.
 */
import { statSync } from 'node:fs';
import { loadPlan } from '../../client/plan-files';
import type { Directory, Plan } from '../../domain/plan/schema';

export class PlanDirectory {
  private readonly byId = new Map<string, { path: string; mtimeMs: number; plan: Plan }>();

  constructor(private readonly paths: string[]) {}

  /** The current plan with this id; throws (retryably) when no configured file has it. */
  plan(planId: string): Plan {
    this.refresh();
    const entry = this.byId.get(planId);
    if (!entry) throw new Error(`worker 没有计划 ${planId} 的名录:用 RECTIFY_PLANS 指定计划文件(现有: ${this.paths.join(', ') || '无'})`);
    return entry.plan;
  }

  directory(planId: string): Directory {
    return this.plan(planId).directory;
  }

  private refresh(): void {
    for (const path of this.paths) {
      const mtimeMs = statSync(path).mtimeMs;
      const known = [...this.byId.values()].find((e) => e.path === path);
      if (known && known.mtimeMs === mtimeMs) continue;
      // A plan being edited may be invalid for a moment: keep the last good one until it is valid again.
      try {
        const { plan } = loadPlan(path);
        this.byId.set(plan.id, { path, mtimeMs, plan });
      } catch (e) {
        if (!known) throw e;
        console.error(`rectify: ${path} 暂不可用,继续使用上一版名录: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}
