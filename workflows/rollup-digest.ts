/**
 * The weekly digest at city or province level, started by the deployment's Schedule
 * (rollup-digest) at its day and time: on a day off it waits for the next working day at that
 * time, then counts the week of every district followed (from the previous firing, seven days
 * before) and mails the districts that moved to the office that follows them. Started at once
 * by `rectify rollup digest --now` (immediate), it sends then, whatever the day.
 */
import { log, sleep } from '@temporalio/workflow';
import type { RollupDigestResult } from '../contracts/activities';
import type { RollupDigestInput } from '../contracts/inputs';
import { WEEK_MS } from './leadership-digest';
import { sendRollupDigest, weeklyDigestSendAt } from './shared/proxies';

export async function rollupDigestWorkflow(input: RollupDigestInput): Promise<RollupDigestResult> {
  const firedAt = Date.now();
  const sendAt = input.immediate ? firedAt : await weeklyDigestSendAt({ firedAt, at: input.at, timeZone: input.timeZone });
  if (sendAt > Date.now()) {
    log.info('各地区周报日逢节假日，顺延至下一个工作日', { sendAt: new Date(sendAt).toISOString() });
    await sleep(sendAt - Date.now());
  }
  const { recipients, title, planIds } = input;
  const result = await sendRollupDigest({ recipients, title, ...(planIds ? { planIds } : {}), from: firedAt - WEEK_MS, to: Date.now() });
  log.info(result.sent.length ? '已发送各地区周报' : '各地区没有未完成的措施，本周不发周报', { ...result });
  return result;
}
