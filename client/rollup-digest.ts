/**
 * The weekly digest at city or province level as a Temporal Schedule (rollup-digest), one per
 * deployment: whom it goes to, whose roll-up, which plans and when are the Schedule's own input
 * (set by `rectify rollup digest`), so it is kept by Temporal like the plans' digests and moves
 * with them (rectify migrate). Read back, changed, turned off, or sent now.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import { ROLLUP_DIGEST_SCHEDULE_ID, TASK_QUEUE } from '../contracts/ids';
import type { RollupDigestResult } from '../contracts/activities';
import type { RollupDigestInput } from '../contracts/inputs';
import { WEEKDAY_NAMES, type DigestTiming } from '../domain/weekly';
import { rollupDigestWorkflow } from '../workflows';
import { DAYS } from './measures';

/** After the districts' own digests (Monday 09:00 by default), so the week is the same week. */
export const DEFAULT_ROLLUP_DIGEST: DigestTiming = { weekday: 1, at: '10:00' };

export interface RollupDigestSetting {
  input: RollupDigestInput;
  timing: DigestTiming;
}

const specOf = ({ input, timing }: RollupDigestSetting) => {
  const [hour, minute] = timing.at.split(':').map(Number);
  return { calendars: [{ dayOfWeek: DAYS[timing.weekday - 1], hour, minute }], timezone: input.timeZone };
};

/** Creates the Schedule, or brings it in line with the setting: 'created' or 'updated'. */
export async function setRollupDigest(
  client: Client,
  setting: RollupDigestSetting,
  taskQueue = TASK_QUEUE,
): Promise<'created' | 'updated'> {
  const spec = specOf(setting);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: rollupDigestWorkflow,
    workflowId: ROLLUP_DIGEST_SCHEDULE_ID,
    taskQueue,
    args: [setting.input] as [RollupDigestInput],
  };
  try {
    await client.schedule.create({
      scheduleId: ROLLUP_DIGEST_SCHEDULE_ID,
      spec,
      action,
      // One digest at a time; a server down on Monday morning still sends it within the day.
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    });
    return 'created';
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  await client.schedule.getHandle(ROLLUP_DIGEST_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
  return 'updated';
}

/** The setting as the Schedule keeps it, and when it next goes; undefined when there is none. */
export async function readRollupDigest(client: Client): Promise<(RollupDigestSetting & { next?: Date }) | undefined> {
  let d;
  try {
    d = await client.schedule.getHandle(ROLLUP_DIGEST_SCHEDULE_ID).describe();
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) return undefined;
    throw e;
  }
  if (d.action.type !== 'startWorkflow') return undefined;
  const input = d.action.args?.[0] as RollupDigestInput | undefined;
  if (!input) return undefined;
  const c = d.spec.calendars?.[0];
  const day = c?.dayOfWeek?.[0];
  const weekday = day && typeof day.start === 'string' ? DAYS.indexOf(day.start) + 1 : DEFAULT_ROLLUP_DIGEST.weekday;
  const pad = (r: { start: number } | undefined) => String(r?.start ?? 0).padStart(2, '0');
  const timing = { weekday, at: c ? `${pad(c.hour?.[0])}:${pad(c.minute?.[0])}` : DEFAULT_ROLLUP_DIGEST.at };
  return { input, timing, next: d.info.nextActionTimes[0] };
}

/** Turns it off: true when there was one. */
export async function removeRollupDigest(client: Client): Promise<boolean> {
  try {
    await client.schedule.getHandle(ROLLUP_DIGEST_SCHEDULE_ID).delete();
    return true;
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) return false;
    throw e;
  }
}

/**
 * Sends the last seven days' now, whatever the day, with the Schedule's setting: a run of its own
 * (rollup-digest:now:<instant>) beside the Schedule's. What it sent, once it has (within `waitMs`);
 * else the run's id, still under way (no worker, or the mail server retried).
 */
export async function sendRollupDigestNow(
  client: Client,
  setting: RollupDigestSetting,
  o: { taskQueue?: string; waitMs?: number } = {},
): Promise<RollupDigestResult | { underWay: string }> {
  const handle = await client.workflow.start(rollupDigestWorkflow, {
    workflowId: `${ROLLUP_DIGEST_SCHEDULE_ID}:now:${new Date().toISOString()}`,
    taskQueue: o.taskQueue ?? TASK_QUEUE,
    args: [{ ...setting.input, immediate: true }],
  });
  const underWay = { underWay: handle.workflowId };
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<typeof underWay>((resolve) => (timer = setTimeout(() => resolve(underWay), o.waitMs ?? 120_000)));
  try {
    return await Promise.race([handle.result(), waited]);
  } finally {
    clearTimeout(timer);
  }
}

/** The setting in a line for the operator and the office. */
export function describeRollupDigest(s: RollupDigestSetting | undefined): string {
  if (!s) return '各地区周报：未设置（rectify rollup digest --name … --to … 设置）';
  const { input, timing } = s;
  const plans = input.planIds?.length ? `计划${input.planIds.join('、')}` : '全部运行中的计划';
  return (
    `各地区周报：每${WEEKDAY_NAMES[timing.weekday]}${timing.at}（${input.timeZone}，逢节假日顺延至下一个工作日）` +
    `向${input.recipients.name}（${input.recipients.emails.join('、')}）发送${input.title}各地区周报（${plans}），` +
    `定时任务 ${ROLLUP_DIGEST_SCHEDULE_ID}`
  );
}
