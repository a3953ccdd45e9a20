/**
 * What a fault scenario found: the morning as its recipients saw it, in figures; how a mail sent
 * twice went (its digest's attempts); and the verdict, lost notices and mails sent twice against
 * the window the scenario allows.
 */
import type { Client } from '@temporalio/client';
import { digestWorkflowId } from '../../contracts/ids';
import { latencySeconds, seconds } from '../lib/results';
import type { Burst, MorningMail } from '../lib/morning';
import type { BurstRobot, RobotMorning } from '../lib/robots';
import type { ChatDouble } from '../../runtime/chat-double';

export function morningFigures(m: MorningMail) {
  return {
    notices: m.seen.size,
    lost: m.lost,
    duplicates: m.duplicates,
    duplicateMails: m.duplicateMails,
    mails: m.mails,
    digests: m.digests,
    latencySeconds: latencySeconds(m.latencies),
  };
}

/** For each recipient who got a mail twice: how its digest's send went (attempts, on which worker, how each ended). */
export async function sendHistories(client: Client, burst: Burst, recipients: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const email of recipients) {
    const history = await client.workflow.getHandle(digestWorkflowId('burst', burst.T.toMillis(), email)).fetchHistory();
    const steps = (history.events ?? []).flatMap((e) => {
      const t = `${seconds(Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6) - burst.T.toMillis())} s`;
      if (e.activityTaskStartedEventAttributes)
        return [
          `started attempt ${e.activityTaskStartedEventAttributes.attempt} on ${e.activityTaskStartedEventAttributes.identity} at ${t}`,
        ];
      if (e.activityTaskCompletedEventAttributes) return [`completed at ${t}`];
      if (e.activityTaskTimedOutEventAttributes) return [`timed out at ${t}`];
      if (e.activityTaskFailedEventAttributes) return [`failed at ${t}: ${e.activityTaskFailedEventAttributes.failure?.message}`];
      return [];
    });
    lines.push(`${email}: ${steps.join('; ')}`);
  }
  return lines;
}

/**
 * Lost notices fail; so do more mails sent twice (the same Message-ID accepted again) than
 * `window` allows. A digest sent twice repeats every notice in it: counted too, and reported.
 */
export function judge(m: MorningMail, window: number): string[] {
  const failures: string[] = [];
  if (m.lost) failures.push(`${m.lost} notices lost`);
  if (m.duplicateMails > window) failures.push(`${m.duplicateMails} mails sent twice, more than the window of ${window}`);
  if (!window && m.duplicates) failures.push(`${m.duplicates} notices arrived twice`);
  return failures;
}

/**
 * The units whose post was under way when the worker died at `killAt`: taken by the platform
 * before the dying worker could have written another request (`killAt` + 50 ms, a request already
 * in the socket), and answered after `killAt` - `recordMs` (its answer unread, or read and not yet
 * recorded). Only these may be posted again: the retry cannot know they went.
 */
export function postsUnderWay(double: ChatDouble, robots: BurstRobot[], killAt: number, recordMs: number): number[] {
  const unitOf = new Map(robots.map((r) => [`${r.platform}:${r.key}`, r.unit]));
  return double.accepted
    .filter((p) => p.at <= killAt + 50 && (double.answeredAt(p) ?? Infinity) > killAt - recordMs)
    .map((p) => unitOf.get(`${p.platform}:${p.key}`))
    .filter((u): u is number => u !== undefined);
}

/**
 * The groups' verdict: every unit's robot had its digest, each post the unit's own; a unit posted
 * twice only if its post was under way at the kill (`underWay`), so never more repeats than those.
 */
export function judgeRobots(m: RobotMorning, underWay: number[]): string[] {
  const failures: string[] = [];
  if (m.none) failures.push(`${m.none} units' robots never got their post`);
  if (m.wrong.length) failures.push(`${m.wrong.length} posts were not their unit's digest: ${m.wrong.join('; ')}`);
  const allowed = new Set(underWay.map((u) => `单位${u}`));
  const outside = m.repeatedAt.filter((line) => !allowed.has(line.split(':')[0]));
  if (outside.length) failures.push(`posted twice outside the window (not under way at the kill): ${outside.join('; ')}`);
  if (m.repeated > underWay.length) failures.push(`${m.repeated} posts repeated, more than the ${underWay.length} under way at the kill`);
  return failures;
}
