/**
 * `rectify plan apply`: an edited plan file against its running measures. The difference is
 * computed from the measures' own states (domain/plan/apply.ts); applying it is the workflows'
 * own Updates (reassign, amendMeasure, updatePolicy, withdrawMeasure) and the plan's (updatePlan),
 * so each change is validated where it lands. A measure that refuses is reported and the others
 * still apply.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { measureWorkflowId, planWorkflowId } from '../contracts/ids';
import {
  amendMeasureUpdate,
  getPlanQuery,
  getStateQuery,
  reassignUpdate,
  updatePolicyUpdate,
  withdrawMeasureUpdate,
} from '../contracts/messages';
import { localDate } from '../domain/dates';
import { measureSpecs } from '../domain/measure';
import type { Actor } from '../domain/notice';
import { planDiff, type PlanDiff, type RunningMeasure } from '../domain/plan/apply';
import type { Plan } from '../domain/plan/schema';
import { planChanges, storedPlanOf } from '../domain/plan/stored';
import { RequestRefused, sendRequest } from './actions';
import { listMeasures, startPlan } from './measures';
import { mapBounded } from './records';

export interface ApplyOutcome {
  diff: PlanDiff;
  /** Measures (and the plan) changed, in words. */
  applied: string[];
  /** Per measure, why it refused. */
  failed: { measureId: string; reason: string }[];
}

/**
 * The running measures of a plan as the diff needs them: the file's measures asked by id (visibility
 * may lag just after a start), and whatever else visibility lists as running for the plan.
 */
async function runningMeasures(client: Client, planId: string, fileIds: string[]): Promise<RunningMeasure[]> {
  const listed = (await listMeasures(client, { planId })).map((r) => r.measureId).filter((id): id is string => !!id);
  const ids = [...new Set([...fileIds, ...listed])];
  const states = await mapBounded(ids, 16, (measureId) =>
    client.workflow
      .getHandle(measureWorkflowId(planId, measureId))
      .query(getStateQuery)
      .catch((e: Error) => {
        if (e instanceof WorkflowNotFoundError) return undefined;
        throw e;
      }),
  );
  return states
    .filter((v): v is NonNullable<typeof v> => !!v)
    .map((v) => ({
      measureId: v.spec.id,
      status: v.progress.status,
      withdrawn: !!v.withdrawn,
      spec: v.spec,
      deadline: v.progress.deadline,
      leadUnit: v.leadUnit,
      leader: v.leader,
    }));
}

/** The difference between the file and what runs (nothing changes). */
export async function diffPlan(client: Client, plan: Plan): Promise<PlanDiff> {
  const specs = measureSpecs(plan, localDate(Date.now(), plan.timeZone));
  const stored = await client.workflow
    .getHandle(planWorkflowId(plan.id))
    .query(getPlanQuery)
    .then((v) => v.plan)
    .catch((e: Error) => {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    });
  const directory = stored ? planChanges(stored, storedPlanOf(plan)) : ['计划名录尚未保存在 Temporal 中（将保存）'];
  return planDiff(
    plan.id,
    specs,
    await runningMeasures(
      client,
      plan.id,
      specs.map((x) => x.id),
    ),
    directory,
  );
}

export async function applyPlan(client: Client, plan: Plan, o: { actor: Actor; reason: string; prune: boolean }): Promise<ApplyOutcome> {
  const diff = await diffPlan(client, plan);
  const applied: string[] = [];
  const failed: ApplyOutcome['failed'] = [];
  // The stored plan (directory, policy defaults) and the new measures: start brings both in line, idempotently.
  const started = await startPlan(client, plan, { by: { actor: o.actor, reason: o.reason } });
  if (started.stored === 'updated' || started.stored === 'stored') applied.push('名录和规则已更新');
  if (started.started.length) applied.push(`新启动${started.started.length}项措施`);
  for (const c of diff.changed) {
    const id = measureWorkflowId(plan.id, c.measureId);
    const done: string[] = [];
    try {
      // The amendment first: it brings the measure's names in line, which the reassignment is checked against.
      if (c.amend) {
        await sendRequest(client, id, amendMeasureUpdate, { actor: o.actor, reason: o.reason, ...c.amend });
        const what = c.words.filter((w) => !/^(牵头单位|负责区领导|提醒规则)/.test(w));
        if (what.length) done.push(what.some((w) => w.startsWith('整改时限')) ? '时限及内容' : '内容');
      }
      if (c.reassign) {
        await sendRequest(client, id, reassignUpdate, { actor: o.actor, reason: o.reason, ...c.reassign });
        done.push('分工');
      }
      if (c.policy) {
        await sendRequest(client, id, updatePolicyUpdate, { actor: o.actor, reason: o.reason, policy: c.policy });
        done.push('提醒规则');
      }
      if (done.length) applied.push(`措施${c.measureId}：已调整${done.join('、')}`);
    } catch (e) {
      if (!(e instanceof RequestRefused)) throw e;
      failed.push({ measureId: c.measureId, reason: `${done.length ? `已调整${done.join('、')}，其余` : ''}${e.message}` });
    }
  }
  if (o.prune) {
    for (const r of diff.removed) {
      try {
        await sendRequest(client, measureWorkflowId(plan.id, r.measureId), withdrawMeasureUpdate, { actor: o.actor, reason: o.reason });
        applied.push(`措施${r.measureId}：已撤销`);
      } catch (e) {
        if (!(e instanceof RequestRefused)) throw e;
        failed.push({ measureId: r.measureId, reason: e.message });
      }
    }
  }
  return { diff, applied, failed };
}
