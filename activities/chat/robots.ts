/**
 * Posting to a group robot of 企业微信, 钉钉 or 飞书 (docs/chat/*.md has each contract and its
 * sources): the endpoint and its key, the signature where the robot signs, and the answer in one
 * of four words a delivery acts on — accepted; throttled (wait, then again); refused (a bad key, a
 * removed robot, content it will never take: permanent, the office is told); failed (try again).
 * The platforms decide by the body's code, not the HTTP status.
 */
import { createHmac } from 'node:crypto';
import type { ChatChannel, ChatPlatform, SecretRef } from '../../domain/chat/platforms';

/** Where each platform is reached: its official host, or (RECTIFY_CHAT_<PLATFORM>_URL) a stand-in such as the test double. */
export type RobotHosts = Record<ChatPlatform, string>;

export const OFFICIAL_HOSTS: RobotHosts = {
  wecom: 'https://qyapi.weixin.qq.com',
  dingtalk: 'https://oapi.dingtalk.com',
  feishu: 'https://open.feishu.cn',
};

export function robotHosts(env: NodeJS.ProcessEnv = process.env): RobotHosts {
  return {
    wecom: env.RECTIFY_CHAT_WECOM_URL || OFFICIAL_HOSTS.wecom,
    dingtalk: env.RECTIFY_CHAT_DINGTALK_URL || OFFICIAL_HOSTS.dingtalk,
    feishu: env.RECTIFY_CHAT_FEISHU_URL || OFFICIAL_HOSTS.feishu,
  };
}

export type RobotAnswer =
  | { outcome: 'accepted' }
  | { outcome: 'throttled'; waitMs: number; code: string; message: string }
  | { outcome: 'refused'; code: string; message: string }
  | { outcome: 'failed'; code: string; message: string };

/** 钉钉 加签: HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret`, Base64 (URL-encoding is the query's). */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** 飞书 签名校验: HMAC-SHA256 keyed with `timestamp + "\n" + secret` over nothing, Base64 (timestamp in seconds). */
export function feishuSign(timestampS: number, secret: string): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

/** How long a throttled robot is left alone: 企业微信 and 飞书 count by the minute; 钉钉 throttles for 10 minutes. */
export const THROTTLE_WAIT_MS: Record<ChatPlatform, number> = { wecom: 60_000, dingtalk: 600_000, feishu: 60_000 };

const THROTTLED: Record<ChatPlatform, Set<number>> = {
  wecom: new Set([45009]),
  dingtalk: new Set([410100, 130101, 660026, 90030]),
  feishu: new Set([11232]),
};
/** Codes a retry will not cure: keys, robots, signatures, security rules, content. */
const REFUSED: Record<ChatPlatform, Set<number>> = {
  wecom: new Set([93000, 93004, 93008, 40008, 40058, 44004, 45033]),
  dingtalk: new Set([310000, 400013, 400101, 300001, 300005, 400102, 400105, 400106, 40035, 43004, 430101, 430102, 430103, 430104, 460101]),
  feishu: new Set([19001, 19002, 19007, 19021, 19022, 19024, 19036, 9499]),
};

/** The platform's answer in the four words (its body: errcode/errmsg, or code/msg for 飞书). */
export function classifyAnswer(platform: ChatPlatform, status: number, body: unknown): RobotAnswer {
  const b = (body ?? {}) as Record<string, unknown>;
  const rawCode = platform === 'feishu' ? (b.code ?? b.StatusCode) : b.errcode;
  const message = String((platform === 'feishu' ? (b.msg ?? b.StatusMessage) : b.errmsg) ?? `HTTP ${status}`);
  const code = Number(rawCode);
  if (rawCode !== undefined && code === 0) return { outcome: 'accepted' };
  const named = rawCode === undefined ? `HTTP ${status}` : String(rawCode);
  if (THROTTLED[platform].has(code) || /too fast|too many|限流|frequency/i.test(message))
    return { outcome: 'throttled', waitMs: THROTTLE_WAIT_MS[platform], code: named, message };
  // 钉钉's 310000 "invalid timestamp" is this machine's clock: tried again once it is right.
  if (platform === 'dingtalk' && code === 310000 && /timestamp/i.test(message)) return { outcome: 'failed', code: named, message };
  if (REFUSED[platform].has(code) || (rawCode === undefined && status >= 400 && status < 500 && status !== 429))
    return { outcome: 'refused', code: named, message };
  return { outcome: 'failed', code: named, message };
}

/** The robot's URL with its key (and 钉钉's signature), and the body with 飞书's signature. */
export function robotRequest(
  channel: ChatChannel,
  body: Record<string, unknown>,
  secret: (ref: SecretRef) => string,
  hosts: RobotHosts,
  now: number,
): { url: string; body: Record<string, unknown> } {
  switch (channel.platform) {
    case 'wecom':
      return { url: `${hosts.wecom}/cgi-bin/webhook/send?key=${encodeURIComponent(secret(channel.key))}`, body };
    case 'dingtalk': {
      const url = new URL(`${hosts.dingtalk}/robot/send`);
      url.searchParams.set('access_token', secret(channel.token));
      if (channel.secret) {
        url.searchParams.set('timestamp', String(now));
        url.searchParams.set('sign', dingtalkSign(now, secret(channel.secret)));
      }
      return { url: url.href, body };
    }
    case 'feishu': {
      const url = `${hosts.feishu}/open-apis/bot/v2/hook/${encodeURIComponent(secret(channel.hook))}`;
      if (!channel.secret) return { url, body };
      const timestamp = Math.floor(now / 1000);
      return { url, body: { timestamp: String(timestamp), sign: feishuSign(timestamp, secret(channel.secret)), ...body } };
    }
  }
}

/** One post; a network failure or an answer that is not JSON is `failed` (tried again). */
export async function postToRobot(
  channel: ChatChannel,
  body: Record<string, unknown>,
  secret: (ref: SecretRef) => string,
  hosts: RobotHosts,
  now = Date.now(),
  timeoutMs = 10_000,
): Promise<RobotAnswer> {
  const request = robotRequest(channel, body, secret, hosts, now);
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    return { outcome: 'failed', code: 'network', message: (e as Error).message };
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    return classifyAnswer(channel.platform, res.status, undefined);
  }
  return classifyAnswer(channel.platform, res.status, json);
}
