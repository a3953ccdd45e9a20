/**
 * A notice or a morning's notices as a chat message: the mail's own headline, words and links
 * (domain/email/render.ts: itemView, noticeHeadline, digestViews), in the markdown the three
 * platforms share (bold, links, line breaks), short, and within the platform's size: items that
 * do not fit are counted at the end and left to the mail.
 */
import { digestViews, itemView, noticeHeadline, type ItemView, type RenderContext } from '../email/render';
import type { Notice } from '../notice';
import { PLATFORMS, type ChatPlatform } from './platforms';

export interface ChatText {
  /** The headline (the mail's subject). */
  title: string;
  /** The body in the shared markdown subset, the title not included. */
  markdown: string;
  /** Items left out to keep within the platform's size (the mail has them all). */
  omitted: number;
  /** Something is red (overdue, relapsed): platforms that colour a message's header show it. */
  alarm: boolean;
}

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s).length;

/** One item: its light and name in bold, the deadline, who, what happened, what to do, where to act. */
export function chatItem(v: ItemView): string {
  const lines = [`**【${v.badgeLabel}】${v.measureLine}**`];
  if (v.deadline) lines.push(`${v.deadlineLabel}：${v.deadline}${v.left ? `（${v.left}）` : ''}`);
  lines.push(`牵头单位：${v.leadUnit}；负责区领导：${v.leader}`);
  lines.push(...v.lines, ...v.act);
  const links = [...v.links.map((l) => `[${l.label}](${l.url})`), ...(v.desk ? [`[在督办台办理](${v.desk})`] : [])];
  if (links.length) lines.push(links.join('　'));
  return lines.join('\n');
}

/** The title, an opening line and the items, as many as fit in `maxBytes` (title included); the rest counted. */
export function fitChat(title: string, intro: string, items: string[], maxBytes: number, alarm = false): ChatText {
  const head = intro ? `${intro}\n\n` : '';
  const rest = (n: number) => (n ? `\n\n……另有${n}项，详见邮件。` : '');
  const out: string[] = [];
  for (const item of items) {
    const next = [...out, item];
    const omitted = items.length - next.length;
    if (bytes(title) + bytes(head) + bytes(next.join('\n\n')) + bytes(rest(omitted)) + 8 > maxBytes) break;
    out.push(item);
  }
  const omitted = items.length - out.length;
  return { title, markdown: `${head}${out.join('\n\n')}${rest(omitted)}`, omitted, alarm };
}

export function chatNotice(n: Notice, ctx: RenderContext, platform: ChatPlatform): ChatText {
  const view = itemView(n, ctx);
  return fitChat(noticeHeadline(n, view), '', [chatItem(view)], PLATFORMS[platform].maxTextBytes, view.rank === 0);
}

export function chatDigest(notices: Notice[], ctx: RenderContext, platform: ChatPlatform): ChatText {
  const { views, subject, intro } = digestViews(notices, ctx);
  return fitChat(
    subject,
    intro,
    views.map(chatItem),
    PLATFORMS[platform].maxTextBytes,
    views.some((v) => v.rank === 0),
  );
}
