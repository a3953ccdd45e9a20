/**
 * The weekly leadership digest, started by the plan's Schedule (leadership-digest:<plan>) at its
 * day and time: on a day off it waits for the next working day at that time, then counts the week
 * (from the previous firing, seven days before) and mails the leadership group and the office.
 */
import { log, sleep, workflowInfo } from '@temporalio/workflow';
import type { WeeklyDigestResult } from '../contracts/activities';
import type { LeadershipDigestInput } from '../contracts/inputs';
import { sendWeeklyDigest, weeklyDigestSendAt } from './shared/proxies';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export async function leadershipDigestWorkflow(input: LeadershipDigestInput): Promise<WeeklyDigestResult> {
  const firedAt = Date.now();
  const sendAt = await weeklyDigestSendAt({ firedAt, at: input.at, timeZone: input.timeZone });
  if (sendAt > Date.now()) {
    log.info('周报日逢节假日，顺延至下一个工作日', { planId: input.planId, sendAt: new Date(sendAt).toISOString() });
    await sleep(sendAt - Date.now());
  }
  const result = await sendWeeklyDigest({ planId: input.planId, from: firedAt - WEEK_MS, to: Date.now() });
  log.info(result.sent.length ? '已发送领导小组周报' : '计划没有未完成的措施，本周不发周报', {
    planId: input.planId,
    run: workflowInfo().workflowId,
    to: result.sent,
  });
  return result;
}
