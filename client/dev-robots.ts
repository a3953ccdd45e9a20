/**
 * `rectify dev`'s group robots: the local double of 企业微信, 钉钉 and 飞书 (runtime/chat-double.ts)
 * runs in the dev process, and every platform whose RECTIFY_CHAT_<PLATFORM>_URL the operator has
 * not set is pointed at it; the plan's robot secrets named by environment variable and not set are
 * given example values there, and its robots on the double are registered with them. So a demo
 * never posts to a real group; the operator opts a platform out by setting its URL (the official
 * host, or another stand-in) and the secrets. While it runs, what it set is kept in
 * <var>/dev-robots.env, which `rectify doctor` reads against the embedded stack: the worker it
 * checks for is dev's own, which has them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_PLATFORMS, channelSecrets, directoryChannels, PLATFORMS, type ChatPlatform } from '../domain/chat/platforms';
import type { Plan } from '../domain/plan/schema';
import { readSecret } from '../config/chat-secrets';
import { postTitle, startChatDouble, type DoubleRobot } from '../runtime/chat-double';

export const CHAT_URL_ENV: Record<ChatPlatform, string> = {
  wecom: 'RECTIFY_CHAT_WECOM_URL',
  dingtalk: 'RECTIFY_CHAT_DINGTALK_URL',
  feishu: 'RECTIFY_CHAT_FEISHU_URL',
};

export interface DevRobots {
  /** What dev prints: where the double is, whose robots it stands in for, how to see what it received. */
  lines: string[];
  close(): Promise<void>;
}

/** Where dev keeps what it set for its worker while it runs. */
export const devRobotsEnvFile = (varDir: string): string => join(varDir, 'dev-robots.env');

/** What a running `rectify dev` set for its worker (NAME=value lines); empty when none runs. */
export function devRobotsEnv(varDir: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(devRobotsEnvFile(varDir), 'utf8');
  } catch {
    return {};
  }
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [m[1], m[2]]),
  );
}

/** The example value dev gives a secret the operator has not set (an example, for the double only). */
export const exampleSecret = (name: string): string => `example-${name.toLowerCase().replace(/_/g, '-')}`;

/**
 * Starts the double unless the operator set all three platforms' URLs, and sets in `env` (the dev
 * process's, which its worker reads) the URLs and the example secrets it stands in for.
 */
export async function startDevRobots(
  plan: Plan | undefined,
  varDir: string,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<DevRobots> {
  const doubled = CHAT_PLATFORMS.filter((p) => !env[CHAT_URL_ENV[p]]);
  if (!doubled.length) return { lines: [`群机器人：按 ${Object.values(CHAT_URL_ENV).join('、')} 发送`], close: async () => undefined };
  const set: string[] = [];
  const robots: DoubleRobot[] = [];
  const unreadable: string[] = [];
  for (const { owner, channel } of plan ? directoryChannels(plan.directory) : []) {
    if (!doubled.includes(channel.platform)) continue;
    const refs = channelSecrets(channel);
    for (const { ref } of refs)
      if ('env' in ref && !env[ref.env]?.trim()) {
        env[ref.env] = exampleSecret(ref.env);
        set.push(ref.env);
      }
    const name = `${owner}的${PLATFORMS[channel.platform].label}群机器人`;
    try {
      const [key, secret] = refs.map(({ ref }) => readSecret(ref, env));
      if (!robots.some((r) => r.platform === channel.platform && r.key === key))
        robots.push({ platform: channel.platform, key, secret, name });
    } catch (e) {
      // A file the plan names that is not here: the worker reports it to the office, as it would anywhere.
      unreadable.push(`${name}（${(e as Error).message}）`);
    }
  }
  const double = await startChatDouble(robots, {
    onAccepted: (post, robot) => log(`群机器人替身收到：${robot.name ?? post.platform}：${postTitle(post)}`),
  });
  for (const p of doubled) env[CHAT_URL_ENV[p]] = double.url;
  const labels = (ps: ChatPlatform[]) => ps.map((p) => PLATFORMS[p].label).join('、');
  const lines = [
    `群机器人替身：${double.url}（${labels(doubled)}的群机器人都发到这里，不发往真实群聊；收到的消息：curl ${double.url}/ ，每条也记在下面）`,
  ];
  if (robots.length) lines.push(`  替身上的群机器人：${robots.map((r) => r.name).join('、')}`);
  const given = [...doubled.map((p) => CHAT_URL_ENV[p]), ...set].map((name) => `${name}=${env[name]}`);
  mkdirSync(varDir, { recursive: true });
  writeFileSync(devRobotsEnvFile(varDir), `${given.join('\n')}\n`, { mode: 0o600 });
  if (set.length)
    lines.push(
      `  示例密钥已设置：${set.join('、')}（rectify doctor 据 ${devRobotsEnvFile(varDir)} 检查；另开终端运行 rectify worker 时先设置：export ${given.join(' ')}）`,
    );
  if (unreadable.length) lines.push(`  读取不到密钥的群机器人（worker 会告知巡察办）：${unreadable.join('；')}`);
  const direct = CHAT_PLATFORMS.filter((p) => !doubled.includes(p));
  if (direct.length) lines.push(`  ${labels(direct)}按 ${direct.map((p) => CHAT_URL_ENV[p]).join('、')} 发送`);
  return {
    lines,
    close: async () => {
      rmSync(devRobotsEnvFile(varDir), { force: true });
      await double.close();
    },
  };
}
