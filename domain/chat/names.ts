/**
 * The chat platforms by name, with nothing else: what vocabulary.ts and the notices' types need,
 * kept free of zod and the rest of platforms.ts so that workflow code (which names channels
 * through vocabulary.ts) bundles none of it.
 */
export const CHAT_PLATFORMS = ['wecom', 'dingtalk', 'feishu'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

/** As people call each platform: the one place its name is written (CHANNEL_LABELS and PLATFORMS take it from here). */
export const PLATFORM_LABELS: Record<ChatPlatform, string> = { wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书' };
