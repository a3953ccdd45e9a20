/**
 * Group robots for the 09:00 burst: one per lead unit on the robots' double (runtime/chat-double.ts),
 * the three platforms in turn (企业微信, 钉钉 with 加签, 飞书 with 签名校验), their secrets named in
 * the plan by environment variable and given to the workers; some robots already at their
 * platform's limit when the burst begins (the group's robot is shared with other systems, which
 * used this minute's quota), so the burst's post to them is throttled and goes after the
 * platform's wait; and what the double took, read as each unit's group sees it. Shared by the
 * burst benchmark, the fault suite and the burst test (test/chat/burst.devserver.test.ts).
 */
import { postToRobot, THROTTLE_WAIT_MS } from '../../activities/chat/robots';
import { CHAT_PLATFORMS, PLATFORMS, type ChatChannel, type ChatPlatform } from '../../domain/chat/platforms';
import { namedMeasureIds } from '../../domain/measure-words';
import type { Plan } from '../../domain/plan/schema';
import { postText, postTitle, startChatDouble, type ChatDouble } from '../../runtime/chat-double';
import { latencySeconds, seconds } from './results';
import { sleep } from './harness';

export interface BurstRobot {
  /** The unit's number (单位<n>). */
  unit: number;
  platform: ChatPlatform;
  key: string;
  secret?: string;
  keyEnv: string;
  secretEnv?: string;
}

/** Unit n's robot: 企业微信, 钉钉, 飞书 in turn; 钉钉 and 飞书 sign. */
export function burstRobots(units: number): BurstRobot[] {
  return Array.from({ length: units }, (_, i) => {
    const unit = i + 1;
    const platform = CHAT_PLATFORMS[i % CHAT_PLATFORMS.length];
    const signs = platform !== 'wecom';
    return {
      unit,
      platform,
      key: `bench-${platform}-${unit}`,
      keyEnv: `BENCH_ROBOT_KEY_${unit}`,
      ...(signs ? { secret: `SECbench${unit}`, secretEnv: `BENCH_ROBOT_SECRET_${unit}` } : {}),
    };
  });
}

/** The robot as the plan's directory names it: secrets by environment variable only. */
export function robotChannel(r: BurstRobot): ChatChannel {
  const secret = r.secretEnv ? { secret: { env: r.secretEnv } } : {};
  switch (r.platform) {
    case 'wecom':
      return { platform: 'wecom', key: { env: r.keyEnv } };
    case 'dingtalk':
      return { platform: 'dingtalk', token: { env: r.keyEnv }, ...secret };
    case 'feishu':
      return { platform: 'feishu', hook: { env: r.keyEnv }, ...secret };
  }
}

/** Channels for the burst plan's directory, by unit number. */
export const burstChannels =
  (robots: BurstRobot[]) =>
  (unit: number): ChatChannel[] =>
    robots.filter((r) => r.unit === unit).map(robotChannel);

/** What a worker needs to reach them: the three platforms at the double, and every secret the plan names. */
export function robotWorkerEnv(robots: BurstRobot[], url: string): Record<string, string> {
  const env: Record<string, string> = { RECTIFY_CHAT_WECOM_URL: url, RECTIFY_CHAT_DINGTALK_URL: url, RECTIFY_CHAT_FEISHU_URL: url };
  for (const r of robots) {
    env[r.keyEnv] = r.key;
    if (r.secretEnv && r.secret) env[r.secretEnv] = r.secret;
  }
  return env;
}

/**
 * The double with the burst's robots, answering `answerDelayMs` after it takes a post (a platform
 * over the Internet; 0 by default).
 */
export function startRobotDouble(robots: BurstRobot[], answerDelayMs = 0): Promise<ChatDouble> {
  return startChatDouble(
    robots.map((r) => ({
      platform: r.platform,
      key: r.key,
      secret: r.secret,
      name: `单位${r.unit}的${PLATFORMS[r.platform].label}群机器人`,
    })),
    { answerDelayMs },
  );
}

/** What other systems post to a shared group's robot: a text message, never the burst's. */
const OTHER = '【其他系统】值班提醒';
const isOther = (title: string) => title.startsWith(OTHER);

/**
 * `count` robots of `platforms`, the platforms in turn. By default 企业微信's: filled at T - 2 s, a
 * robot stays at its 20 a minute until about T + 58 s, past any first post of the morning, even
 * one retried 30 s after a kill. 飞书's 100 a minute takes 20 s to fill at its 5 a second and
 * clears about T + 39 s; 钉钉's wait is ten minutes.
 */
export function robotsToThrottle(robots: BurstRobot[], count: number, platforms: ChatPlatform[] = ['wecom']): BurstRobot[] {
  const by = (p: ChatPlatform) => robots.filter((r) => r.platform === p);
  const lanes = platforms.map(by);
  const out: BurstRobot[] = [];
  for (let i = 0; out.length < count && lanes.some((l) => i < l.length); i++)
    for (const lane of lanes) if (lane[i] && out.length < count) out.push(lane[i]);
  return out;
}

/** When other systems begin to fill a robot's quota before T: 飞书 takes 5 a second (100 in 20 s), the others 20 at once. */
const FILL_BEFORE_T_MS: Record<ChatPlatform, number> = { wecom: 2_000, dingtalk: 2_000, feishu: 21_000 };

/**
 * Other systems use these robots' quota for the minute, just before T: 企业微信 and 钉钉 20 posts
 * at T - 2 s, 飞书 100 at its 5 a second from T - 21 s (at once when that is past). The burst's
 * post to each is then throttled: 企业微信 until about T + 58 s, 飞书 about T + 39 s, 钉钉 ten
 * minutes from the post.
 */
export async function fillQuotas(url: string, robots: BurstRobot[], T: number): Promise<void> {
  const hosts = { wecom: url, dingtalk: url, feishu: url };
  const secret = (r: BurstRobot) => (ref: { env: string } | { file: string }) =>
    'env' in ref && ref.env === r.secretEnv ? r.secret! : r.key;
  const post = (r: BurstRobot, i: number) =>
    postToRobot(
      robotChannel(r),
      r.platform === 'feishu'
        ? { msg_type: 'text', content: { text: `${OTHER}${i}` } }
        : { msgtype: 'text', text: { content: `${OTHER}${i}` } },
      secret(r),
      hosts,
    );
  await Promise.all(
    robots.map(async (r) => {
      await sleep(T - FILL_BEFORE_T_MS[r.platform] - Date.now());
      if (r.platform !== 'feishu') {
        for (let i = 0; i < 20; i++) await post(r, i);
        return;
      }
      for (let i = 0; i < 100; i += 5) {
        const began = Date.now();
        await Promise.all([0, 1, 2, 3, 4].map((k) => post(r, i + k)));
        await sleep(1010 - (Date.now() - began));
      }
    }),
  );
}

export interface RobotMorning {
  robots: number;
  /** Units whose robot took the morning's message exactly once, not at all, more than once. */
  once: number;
  none: number;
  twice: number;
  /** Posts beyond the first, over all units. */
  repeated: number;
  /** Units whose post was not their own digest (its count, or a measure of another unit). */
  wrong: string[];
  /** Throttled answers to the morning's posts (not to other systems'), and the robots that had them. */
  throttled: number;
  throttledRobots: number;
  /** From T to each unit's first post (ms), sorted; and the same for the robots never throttled. */
  latencies: number[];
  unthrottledLatencies: number[];
  lastMs: number;
  /** Units that got a post twice, with the times of their posts after T (s). */
  repeatedAt: string[];
}

/**
 * What each unit's group saw: the morning's posts per robot (other systems' messages apart), each
 * checked to be that unit's digest (共N项 for its N notices; the measures it names, all the unit's,
 * with those left to the mail counted), and the throttled answers on the way.
 */
export function readRobotMorning(double: ChatDouble, robots: BurstRobot[], plan: Plan, T: number): RobotMorning {
  const mine = new Map<number, Set<string>>();
  for (const m of plan.measures) {
    const unit = Number(m.leadUnit.replace('单位', ''));
    mine.set(unit, (mine.get(unit) ?? new Set()).add(m.id));
  }
  const byKey = new Map(robots.map((r) => [`${r.platform}:${r.key}`, r]));
  const posts = new Map<number, number[]>();
  const wrong: string[] = [];
  for (const p of double.accepted) {
    const r = byKey.get(`${p.platform}:${p.key}`);
    const title = postTitle(p);
    if (!r || isOther(title)) continue;
    posts.set(r.unit, [...(posts.get(r.unit) ?? []), p.at - T]);
    const ids = mine.get(r.unit) ?? new Set<string>();
    const text = postText(p);
    const named = namedMeasureIds(text);
    const omitted = Number(/另有(\d+)项/.exec(text)?.[1] ?? 0);
    const count = Number(/共(\d+)项/.exec(title)?.[1] ?? NaN);
    if (count !== ids.size || !named.every((id) => ids.has(id)) || new Set(named).size + omitted !== ids.size)
      wrong.push(`单位${r.unit}: ${title} (${new Set(named).size} named + ${omitted} counted, ${ids.size} expected)`);
  }
  // Answers to the morning's posts: those to other systems are every answer before the first morning post of that robot.
  const firstPost = new Map([...posts].map(([unit, ts]) => [unit, Math.min(...ts) + T]));
  const throttledBy = new Set<number>();
  let throttled = 0;
  for (const a of double.answers) {
    const r = byKey.get(`${a.platform}:${a.key}`);
    if (!r || a.code === 0 || a.at < T) continue;
    const first = firstPost.get(r.unit) ?? Infinity;
    if (a.at <= first && isThrottleCode(a.platform, a.code)) {
      throttled++;
      throttledBy.add(r.unit);
    }
  }
  const counts = robots.map((r) => posts.get(r.unit)?.length ?? 0);
  const latencies = [...posts.values()].map((ts) => Math.min(...ts)).sort((a, b) => a - b);
  const unthrottledLatencies = [...posts]
    .filter(([unit]) => !throttledBy.has(unit))
    .map(([, ts]) => Math.min(...ts))
    .sort((a, b) => a - b);
  return {
    robots: robots.length,
    once: counts.filter((c) => c === 1).length,
    none: counts.filter((c) => c === 0).length,
    twice: counts.filter((c) => c > 1).length,
    repeated: counts.reduce((n, c) => n + Math.max(0, c - 1), 0),
    wrong,
    throttled,
    throttledRobots: throttledBy.size,
    latencies,
    unthrottledLatencies,
    lastMs: Math.max(0, ...[...posts.values()].flat()),
    repeatedAt: [...posts]
      .filter(([, ts]) => ts.length > 1)
      .map(([unit, ts]) => `单位${unit}: ${ts.map((t) => `${seconds(t)} s`).join(', ')}`),
  };
}

/** The throttling codes the double answers with (as activities/chat/robots.ts reads them). */
const isThrottleCode = (platform: ChatPlatform, code: number) =>
  ({ wecom: [45009], dingtalk: [410100], feishu: [11232] })[platform].includes(code);

/** The figures a result file keeps. */
export function robotFigures(m: RobotMorning, notices: number) {
  const lastS = m.lastMs / 1000;
  return {
    robots: m.robots,
    postedOnce: m.once,
    notPosted: m.none,
    postedTwice: m.twice,
    repeatedPosts: m.repeated,
    wrongPosts: m.wrong.length,
    throttledAnswers: m.throttled,
    throttledRobots: m.throttledRobots,
    firstPostSeconds: latencySeconds(m.latencies),
    lastPostSeconds: seconds(m.lastMs),
    /** The robots that were never throttled: when the last of them had its post. */
    unthrottledLastPostSeconds: seconds(m.unthrottledLatencies.at(-1) ?? NaN),
    /** The morning's notices carried to the groups per second, from T to the last post. */
    noticesPerSecond: lastS > 0 ? Math.round((notices / lastS) * 10) / 10 : NaN,
    postsPerSecond: lastS > 0 ? Math.round(((m.once + m.twice) / lastS) * 100) / 100 : NaN,
    throttleWaitSeconds: {
      wecom: THROTTLE_WAIT_MS.wecom / 1000,
      dingtalk: THROTTLE_WAIT_MS.dingtalk / 1000,
      feishu: THROTTLE_WAIT_MS.feishu / 1000,
    },
    repeatedAt: m.repeatedAt,
  };
}

/**
 * Reads the double until every robot has had the morning's post and nothing more came for
 * `settleMs` (a repeated post would come then), or until `giveUpAt`.
 */
export async function watchRobots(
  double: ChatDouble,
  robots: BurstRobot[],
  plan: Plan,
  T: number,
  giveUpAt: number,
  settleMs = 20_000,
): Promise<RobotMorning> {
  while (Date.now() < giveUpAt) {
    await sleep(1000);
    if (readRobotMorning(double, robots, plan, T).none === 0) {
      const before = double.accepted.length;
      await sleep(settleMs);
      if (double.accepted.length === before) break;
    }
  }
  return readRobotMorning(double, robots, plan, T);
}

/** `--throttle wecom,feishu,dingtalk`: the platforms whose robots start the morning at their limit (企业微信's by default). */
export function throttlePlatforms(value: string | undefined): ChatPlatform[] {
  if (!value) return ['wecom'];
  const named = value.split(',').map((p) => p.trim());
  const unknown = named.filter((p) => !(CHAT_PLATFORMS as readonly string[]).includes(p));
  if (unknown.length || !named.length) throw new Error(`--throttle ${value}：应为 ${CHAT_PLATFORMS.join('、')} 中的一个或几个，逗号分隔`);
  return named as ChatPlatform[];
}
