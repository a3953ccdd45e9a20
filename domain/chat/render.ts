/**
 * A notice, a morning's notices, the week, the calendar alert or a report of what could not be
 * reached, as a chat message: the mail's own headline, words and links (domain/email/render.ts:
 * itemView, noticeHeadline, digestViews, weeklyView, calendarAlertView, deliveryProblemView), in
 * the markdown the three platforms share (bold, links, line breaks), short, and within the
 * platform's size: items or lines that do not fit are counted at the end and left to the mail.
 */
import type { CalendarAlert } from '../calendar-alerts';
import {
  calendarAlertView,
  deliveryProblemView,
  digestViews,
  itemView,
  noticeHeadline,
  weeklyView,
  type ItemView,
  type RenderContext,
} from '../email/render';
import type { Notice } from '../notice';
import type { WeeklyDigest } from '../weekly';
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
  // As the mail says it: 整改时限：2024年10月15日（周二）18:00，还剩5个工作日（按临时日历计算）.
  if (v.deadline) lines.push(`${v.deadlineLabel}：${v.deadline}${v.left ? `，${v.left}` : ''}`);
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

/** To the office: a notice that could not reach someone, in the mail's words (who, and what to check). */
export function chatDeliveryProblem(n: Notice, problems: string[], ctx: RenderContext, platform: ChatPlatform): ChatText {
  const { subject, view } = deliveryProblemView(n, problems, ctx);
  return fitChat(subject, '', [chatItem(view)], PLATFORMS[platform].maxTextBytes, true);
}

/** To the office: a year's holiday arrangement is missing (three sentences: within every platform's size). */
export function chatCalendarAlert(a: CalendarAlert, planTitle: string, ctx: RenderContext): ChatText {
  const { subject, intro } = calendarAlertView(a, planTitle, ctx);
  return { title: subject, markdown: intro, omitted: 0, alarm: true };
}

/** A week with new overdue measures or relapses is an alarm (the card's header in red). */
const alarmed = (w: WeeklyDigest): boolean => w.newlyOverdue.length + w.relapsed.length > 0;

/**
 * The week to the leadership group and the office: the opening, each section's heading (with its
 * count) and as many of its lines as fit, the rest counted; what the reader is asked, always.
 */
export function chatWeekly(w: WeeklyDigest, ctx: Pick<RenderContext, 'recipient' | 'desk'>, platform: ChatPlatform): ChatText {
  const { subject, intro, sections, closing, online } = weeklyView(w, ctx);
  const max = PLATFORMS[platform].maxTextBytes;
  const rest = (n: number) => (n ? `\n\n……另有${n}条，详见邮件。` : '');
  const body = (kept: string[][], omitted: number) =>
    `${intro}\n\n${kept.map((lines, i) => [`**${sections[i].heading}**`, ...lines].join('\n')).join('\n\n')}${rest(omitted)}\n\n${closing}${online ? `\n[${online.label}](${online.url})` : ''}`;
  const kept: string[][] = sections.map(() => []);
  const total = sections.reduce((a, x) => a + x.lines.length, 0);
  let count = 0;
  for (const [i, section] of sections.entries()) {
    for (const line of section.lines) {
      kept[i].push(line);
      if (bytes(subject) + bytes(body(kept, total - count - 1)) + 8 > max) {
        kept[i].pop();
        return { title: subject, markdown: body(kept, total - count), omitted: total - count, alarm: alarmed(w) };
      }
      count++;
    }
  }
  return { title: subject, markdown: body(kept, 0), omitted: 0, alarm: alarmed(w) };
}
