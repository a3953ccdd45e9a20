/**
 * The plan's workflows besides its measures and reviews, moved by `rectify migrate`
 * (client/migrate/index.ts says in which order): the plan workflow (copied first, ended last,
 * after its state is compared), the weekly digests' Schedules, and the source's digests, which send
 * what they hold and end; and the lookups and waits the moves share.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ScheduleAlreadyRunning, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { movedNote } from '../../contracts/handover';
import { planWorkflowId, WORKFLOW } from '../../contracts/ids';
import { getDigestQuery, getPlanQuery } from '../../contracts/messages';
import { endSource, MismatchError, sameState, type Servers } from './copy';
import type { WorkflowExecutionInfo } from './inventory';

export type Outcome = 'moved' | 'present' | 'skipped' | 'failed';

export async function existsOn(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

export async function isRunningOn(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

/** The plan workflow: started on the target with the source's view (it sends nothing; the source ends last). */
export async function copyPlan(servers: Servers, planId: string): Promise<Outcome> {
  const id = planWorkflowId(planId);
  const source = servers.source.workflow.getHandle(id);
  const described = await source.describe();
  if (described.status.name !== 'RUNNING') return (await existsOn(servers.target, id)) ? 'present' : 'skipped';
  const view = await source.query(getPlanQuery);
  try {
    await servers.target.workflow.start(WORKFLOW.plan, {
      workflowId: id,
      taskQueue: servers.taskQueue,
      args: [{ plan: view.plan, version: view.version, changes: view.changes }],
      typedSearchAttributes: described.typedSearchAttributes,
      memo: described.memo,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'moved';
  } catch (e) {
    if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError') return 'present';
    throw e;
  }
}

/** Last: the source's plan must equal the copy (a `plan apply` during the move would differ), then it ends. */
export async function endPlan(servers: Servers, planId: string): Promise<void> {
  const id = planWorkflowId(planId);
  const source = servers.source.workflow.getHandle(id);
  if ((await source.describe()).status.name !== 'RUNNING') return;
  const [a, b] = await Promise.all([source.query(getPlanQuery), servers.target.workflow.getHandle(id).query(getPlanQuery)]);
  if (!sameState(a, b))
    throw new MismatchError(
      `${id}：计划在迁移过程中有改动（第${a.version}版，目标为第${b.version}版）：请在目标服务器上重新 plan apply 后再次运行`,
    );
  await endSource(servers, id);
}

/**
 * A weekly digest's Schedule (a plan's, or the deployment's roll-up digest): created on the
 * target as it is on the source, the source's paused with the note. A weekly run waiting on the
 * source over a holiday ends; the target's runs now.
 */
export async function moveSchedule(servers: Servers, scheduleId: string, runs: WorkflowExecutionInfo[]): Promise<Outcome> {
  const source = servers.source.schedule.getHandle(scheduleId);
  const d = await source.describe();
  let outcome: Outcome = 'moved';
  try {
    if (d.action.type !== 'startWorkflow') throw new Error(`${scheduleId}：不是启动工作流的定时任务`);
    await servers.target.schedule.create({
      scheduleId,
      spec: d.spec,
      action: {
        type: 'startWorkflow',
        workflowType: d.action.workflowType,
        workflowId: d.action.workflowId,
        taskQueue: servers.taskQueue,
        args: d.action.args,
        typedSearchAttributes: d.action.typedSearchAttributes,
      },
      policies: { overlap: d.policies.overlap, catchupWindow: d.policies.catchupWindow },
      memo: d.memo,
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    outcome = 'present';
  }
  if (!d.state.paused) await source.pause(movedNote(servers.targetName));
  for (const run of runs) {
    await endSource(servers, run.workflowId);
    await servers.target.schedule.getHandle(scheduleId).trigger();
  }
  return outcome;
}

/** A source digest sends what it holds (nothing new arrives: its measures have moved), then ends. */
export async function drainDigest(servers: Servers, workflowId: string, waitMs: number): Promise<Outcome> {
  const handle = servers.source.workflow.getHandle(workflowId);
  if ((await handle.describe()).status.name !== 'RUNNING') return 'skipped';
  await waitFor(`汇总邮件 ${workflowId} 发出`, waitMs, async () => {
    const v = await handle.query(getDigestQuery);
    return v.pending === 0 && !v.sending;
  });
  await endSource(servers, workflowId);
  return 'moved';
}

export async function waitFor(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`等待${what}超时（${Math.round(ms / 1000)}秒）：请稍后再次运行`);
    await delay(1000);
  }
}
