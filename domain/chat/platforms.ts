/**
 * The chat platforms whose group robots carry notices beside mail, defined once: their names in
 * Chinese, what a message may hold (docs/chat/*.md, from each platform's documentation), and how
 * a channel in the plan's directory names its robot's secrets (never the secrets themselves).
 */
import { z } from 'zod';
import { CHAT_PLATFORMS, PLATFORM_LABELS, type ChatPlatform } from './names';

export { CHAT_PLATFORMS, type ChatPlatform };

export interface PlatformFacts {
  /** As people call it (names.ts PLATFORM_LABELS). */
  label: string;
  /** The most bytes (UTF-8) of message text the robot takes: 企业微信 markdown.content 4,096; 钉钉 and 飞书 bodies about 20,000, less their envelope. */
  maxTextBytes: number;
  /** Messages a robot takes in a minute (the platform's documented limit). */
  perMinute: number;
}

export const PLATFORMS: Record<ChatPlatform, PlatformFacts> = {
  wecom: { label: PLATFORM_LABELS.wecom, maxTextBytes: 4096, perMinute: 20 },
  dingtalk: { label: PLATFORM_LABELS.dingtalk, maxTextBytes: 16_000, perMinute: 20 },
  feishu: { label: PLATFORM_LABELS.feishu, maxTextBytes: 16_000, perMinute: 100 },
};

/** The platforms of a recipient's robots, each once, in the directory's order. */
export function robotPlatforms(channels: readonly Pick<ChatChannel, 'platform'>[]): ChatPlatform[] {
  return [...new Set(channels.map((c) => c.platform))];
}

/**
 * Where a robot's secret is: an environment variable or a file (a systemd credential, a Docker or
 * Kubernetes secret). A plan file names it; it never holds it.
 */
export const secretRef = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, '环境变量名应为大写字母、数字和下划线，如 WECOM_KEY_FGW') }),
  z.strictObject({ file: z.string().trim().min(1, '文件路径不能为空') }),
]);
export type SecretRef = z.infer<typeof secretRef>;

const mobile = z.string().regex(/^1\d{10}$/, '手机号应为11位数字');
const userId = z.string().trim().min(1, '用户 ID 不能为空');

/** A recipient's group robot; mentions as each platform allows them in a markdown message. */
export const chatChannel = z.discriminatedUnion(
  'platform',
  [
    z.strictObject({
      platform: z.literal('wecom'),
      /** The webhook's key (…/webhook/send?key=…). */
      key: secretRef,
      /** 企业微信 markdown @-mentions people by userid only. */
      mentionUserIds: z.array(userId).optional(),
    }),
    z.strictObject({
      platform: z.literal('dingtalk'),
      /** The webhook's access_token. */
      token: secretRef,
      /** The 加签 secret (SEC…), when the robot signs. */
      secret: secretRef.optional(),
      mentionMobiles: z.array(mobile).optional(),
      mentionUserIds: z.array(userId).optional(),
    }),
    z.strictObject({
      platform: z.literal('feishu'),
      /** The hook id (…/bot/v2/hook/<id>). */
      hook: secretRef,
      /** The 签名校验 secret, when the bot checks signatures. */
      secret: secretRef.optional(),
      /** open_id or user_id of group members. */
      mentionUserIds: z.array(userId).optional(),
    }),
  ],
  { error: `平台应为 ${CHAT_PLATFORMS.join(' | ')}（${CHAT_PLATFORMS.map((p) => PLATFORMS[p].label).join('、')}）` },
);
export type ChatChannel = z.infer<typeof chatChannel>;

/** The secret references of a channel, each with the field it is in (for messages). */
export function channelSecrets(c: ChatChannel): { field: string; ref: SecretRef }[] {
  switch (c.platform) {
    case 'wecom':
      return [{ field: 'key', ref: c.key }];
    case 'dingtalk':
      return [{ field: 'token', ref: c.token }, ...(c.secret ? [{ field: 'secret', ref: c.secret }] : [])];
    case 'feishu':
      return [{ field: 'hook', ref: c.hook }, ...(c.secret ? [{ field: 'secret', ref: c.secret }] : [])];
  }
}

/** How a reference reads in messages: env:NAME or file:PATH. */
export const refWords = (r: SecretRef): string => ('env' in r ? `env:${r.env}` : `file:${r.file}`);

interface WithChannels {
  channels?: ChatChannel[];
}
/** The directory's parts that may have robots (the plan schema's Directory, structurally). */
export interface DirectoryWithChannels {
  units: (WithChannels & { name: string })[];
  leaders: (WithChannels & { role: string })[];
  office: WithChannels & { name: string };
  leadershipGroup: WithChannels & { name: string };
}

/** Every channel of a directory with whose it is and its path in the plan (directory.units.2.channels.0). */
export function directoryChannels(d: DirectoryWithChannels): { owner: string; path: (string | number)[]; channel: ChatChannel }[] {
  const out: { owner: string; path: (string | number)[]; channel: ChatChannel }[] = [];
  const add = (owner: string, path: (string | number)[], channels: ChatChannel[] | undefined) =>
    (channels ?? []).forEach((channel, i) => out.push({ owner, path: [...path, 'channels', i], channel }));
  d.units.forEach((u, i) => add(u.name, ['directory', 'units', i], u.channels));
  d.leaders.forEach((l, i) => add(l.role, ['directory', 'leaders', i], l.channels));
  add(d.office.name, ['directory', 'office'], d.office.channels);
  add(d.leadershipGroup.name, ['directory', 'leadershipGroup'], d.leadershipGroup.channels);
  return out;
}

/** A path as messages write it: directory.units[2].channels[0]. */
export const pathWords = (path: (string | number)[]): string =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
