/**
 * What a migration would move, read from the source: per plan, its plan workflow, measures
 * (running and closed), look-back reviews, running campaigns and digests, the calendar watch and
 * the weekly digest's Schedule. `--dry-run` prints this and changes nothing.
 */
import { ScheduleNotFoundError, WorkflowNotFoundError, type Client, type WorkflowExecutionInfo as Info } from '@temporalio/client';

/** An execution as a listing or a describe gives it. */
export type WorkflowExecutionInfo = Omit<Info, 'raw'>;
import {
  calendarWatchWorkflowId,
  leadershipDigestScheduleId,
  ofType,
  planWorkflowId,
  ROLLUP_DIGEST_SCHEDULE_ID,
  WORKFLOW,
} from '../../contracts/ids';
import * as SA from '../../contracts/search-attributes';
import { quote } from '../measures';
import { listPlanIds } from '../records';

export interface PlanInventory {
  planId: string;
  plan?: WorkflowExecutionInfo;
  /** The latest execution of each measure (not the runs it continued as new from). */
  measures: WorkflowExecutionInfo[];
  reviews: WorkflowExecutionInfo[];
  campaigns: WorkflowExecutionInfo[];
  digests: WorkflowExecutionInfo[];
  watch?: WorkflowExecutionInfo;
  schedule: boolean;
  weeklyRuns: WorkflowExecutionInfo[];
}

/** The latest execution per workflow id (a measure moved once and copied back has two). */
function latest(executions: WorkflowExecutionInfo[]): WorkflowExecutionInfo[] {
  const byId = new Map<string, WorkflowExecutionInfo>();
  for (const e of executions) {
    const seen = byId.get(e.workflowId);
    if (!seen || seen.startTime < e.startTime) byId.set(e.workflowId, e);
  }
  return [...byId.values()].sort((a, b) => a.workflowId.localeCompare(b.workflowId, 'en', { numeric: true }));
}

async function list(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) out.push(wf);
  return out;
}

async function describe(client: Client, workflowId: string): Promise<WorkflowExecutionInfo | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
}

export async function planInventory(client: Client, planId: string): Promise<PlanInventory> {
  const ofPlan = `PlanId = ${quote(planId)} AND ExecutionStatus != 'ContinuedAsNew'`;
  const running = (type: string, prefix: string) =>
    list(client, `${type} AND ExecutionStatus = 'Running'`).then((l) => l.filter((w) => w.workflowId.startsWith(prefix)));
  const [plan, measures, reviews, campaigns, digests, watch, weeklyRuns] = await Promise.all([
    describe(client, planWorkflowId(planId)),
    list(client, `${ofType(WORKFLOW.measure)} AND ${ofPlan}`),
    list(client, `${ofType(WORKFLOW.lookbackReview)} AND ${ofPlan}`),
    running(ofType(WORKFLOW.campaign), `campaign:${planId}:`),
    running(ofType(WORKFLOW.digest), `digest:${planId}:`),
    describe(client, calendarWatchWorkflowId(planId)),
    running(ofType(WORKFLOW.leadershipDigest), `${leadershipDigestScheduleId(planId)}`),
  ]);
  let schedule = true;
  try {
    await client.schedule.getHandle(leadershipDigestScheduleId(planId)).describe();
  } catch (e) {
    if (!(e instanceof ScheduleNotFoundError)) throw e;
    schedule = false;
  }
  return { planId, plan, measures: latest(measures), reviews: latest(reviews), campaigns, digests, watch, schedule, weeklyRuns };
}

/** The deployment's roll-up digest (rollup-digest): its Schedule when there is one, and its runs waiting over a holiday. */
export async function rollupDigestInventory(client: Client): Promise<{ schedule: boolean; runs: WorkflowExecutionInfo[] }> {
  const runs = (await list(client, `${ofType(WORKFLOW.rollupDigest)} AND ExecutionStatus = 'Running'`)).filter((w) =>
    w.workflowId.startsWith(ROLLUP_DIGEST_SCHEDULE_ID),
  );
  try {
    await client.schedule.getHandle(ROLLUP_DIGEST_SCHEDULE_ID).describe();
    return { schedule: true, runs };
  } catch (e) {
    if (!(e instanceof ScheduleNotFoundError)) throw e;
    return { schedule: false, runs };
  }
}

/** The plans to move: the one asked for, or every plan whose plan workflow runs on the source. */
export async function plansToMove(client: Client, planId?: string): Promise<string[]> {
  return planId ? [planId] : listPlanIds(client);
}

const running = (w: WorkflowExecutionInfo) => w.status.name === 'RUNNING';

/** The inventory in lines for the operator (the dry run's whole output, and the run's first lines). */
export function describeInventory(inv: PlanInventory): string[] {
  const open = inv.measures.filter(running).length;
  const completed = inv.measures.filter((w) => w.status.name === 'COMPLETED').length;
  const ended = inv.measures.length - open - completed;
  const openReviews = inv.reviews.filter(running).length;
  const closedReviews = inv.reviews.filter((w) => w.status.name === 'COMPLETED').length;
  return [
    `计划 ${inv.planId}：`,
    `  计划工作流：${inv.plan ? statusWord(inv.plan) : '无'}`,
    `  措施：运行中${open}项，已结束（撤销）${completed}项${ended ? `，已终止${ended}项（已迁移的确认副本，其余不迁移）` : ''}`,
    `  回头看：进行中${openReviews}项，已完成${closedReviews}项`,
    `  回头看专项：运行中${inv.campaigns.length}个${inv.campaigns.length ? '（迁移前等待其完成）' : ''}`,
    `  汇总邮件：待发${inv.digests.length}个（迁移时收回预先交付的提醒，其余发出后结束）`,
    `  日历提醒：${inv.watch ? statusWord(inv.watch) : '无'}`,
    `  领导小组周报定时任务：${inv.schedule ? '有' : '无'}${inv.weeklyRuns.length ? `，正在运行${inv.weeklyRuns.length}次` : ''}`,
  ];
}

function statusWord(w: WorkflowExecutionInfo): string {
  return w.status.name === 'RUNNING' ? '运行中' : w.status.name === 'TERMINATED' ? '已终止' : '已结束';
}

export function measureIdOf(w: WorkflowExecutionInfo): string | undefined {
  return w.typedSearchAttributes.get(SA.MeasureId);
}
