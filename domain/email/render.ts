/**
 * Chinese mails from notices: one view model per notice and recipient, rendered to HTML
 * (auto-escaped) and plain text by the same templates. What a mail says is in wording.ts; this
 * module lays it out: the badge, the date it chases and the working days left, where to act (a
 * lead unit's links, the office's desk), the contact and the 落款 (the office's, or the system's in
 * mail to the office). Pure: the activity supplies the time, calendar and contacts. One module
 * because every kind of mail (a notice, a digest, a campaign, an alert, the week) is the same
 * item view in the same layout.
 */
import { Eta } from 'eta';
import type { WorkCalendar } from '../calendar';
import type { CalendarAlert } from '../calendar-alerts';
import { daysBetween, localDate, plainDateZh, type IsoDate } from '../dates';
import type { TrafficLight } from '../measure';
import type { Notice, NoticeMeasure } from '../notice';
import type { WeekItem, WeeklyDigest } from '../weekly';
import type { LinkAction } from '../links';
import { LIGHT_COLORS, LIGHT_LABELS, mailLabel, NOTICE_KINDS, noticeLabel } from '../vocabulary';
import type { Recipient } from './recipients';
import { HTML_LAYOUT, TEXT_LAYOUT } from './templates';
import { deadlineWords, measureName } from '../measure-words';
import { officialText } from '../typography';
import {
  campaignIntro,
  campaignItemLine,
  dateZh,
  DEFAULT_SYSTEM_NAME,
  fromSystem,
  officeContact,
  whatHappened,
  whatToDo,
  type Office,
} from './wording';

export interface RenderContext {
  recipient: Recipient;
  /** The contact in every mail; the sender and the 落款 of mail to anyone but the office itself. */
  office: Office;
  /** The system's name (RECTIFY_SYSTEM_NAME): the 落款 of mail to the office (default 巡视整改督办系统). */
  systemName?: string;
  now: number;
  calendar: WorkCalendar;
  /** The plan's zone: the 落款's date. */
  timeZone: string;
  /** The signed links a lead unit may act from, per notice, and how long they last (absent: mails carry none). */
  links?: { days: number; of: (n: Notice) => MailLink[]; reply?: (n: Notice) => string | undefined };
  /** The measure's page on the office's desk (RECTIFY_PUBLIC_URL), where the office acts on a notice (absent: mails carry none). */
  desk?: { of: (n: Notice) => string; /** The plan's overview on the desk (to sign in and read the whole plan). */ plan?: string };
}

/** A place a reader acts from: a lead unit's signed link for one action (the permissions table's label), or the office's desk. */
export interface MailLink {
  label: string;
  url: string;
  /** The lead unit's action the link is for (the mail's words say to use it). */
  action?: LinkAction;
}

/**
 * Said of a lead unit's reply address: a reply becomes progress, and with files and 已完成 it is a
 * completion offered to the office. `direct`: the mail is about this measure alone and replies to it.
 */
export const replyNote = (direct: boolean): string =>
  `${direct ? '直接回复本邮件' : '写信至上述地址'}即记为本措施的进展报送（只取新写的正文，附件作为佐证材料）；` +
  '首行写“已完成”或“申请销号”并附佐证材料的，作为整改完成提交巡察办核验。请从本单位登记的邮箱发出。';

/** Said under a lead unit's links. */
export const linkNote = (days: number): string =>
  `以上链接仅供本单位办理本措施使用，请勿转发；链接${days}天内有效，整改时限调整或销号后失效，届时以新邮件中的链接为准。`;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const html = new Eta({ autoEscape: true, autoTrim: false });
const text = new Eta({ autoEscape: false, autoTrim: false });
// Compiled once: a morning's digests render thousands of items.
const htmlLayout = html.compile(HTML_LAYOUT);
const textLayout = text.compile(TEXT_LAYOUT);

/** Said of a count of working days that passes through a year whose arrangement is not published. */
export const PROVISIONAL_COUNT = '按临时日历计算';

export interface ItemView {
  kindLabel: string;
  badgeLabel: string;
  badgeColor: string;
  /** Red first in a digest: relapses and red lights, then yellow, green, closed. */
  rank: number;
  measureLine: string;
  problemLine: string;
  leadUnit: string;
  leader: string;
  deadline?: string;
  /** What the date is: 整改时限, 节点时限, 报送时限, 回头看时限. */
  deadlineLabel: string;
  left?: string;
  /** What happened, one or two sentences. */
  lines: string[];
  /** What the recipient is asked to do, in words. */
  act: string[];
  /** Where a lead unit acts on it (signed links), and what to know about them. */
  links: MailLink[];
  linkNote?: string;
  /** Where a lead unit replies by mail about it, and what a reply does. */
  reply?: { address: string; note: string };
  /** Where the office acts on it: the measure's page on its desk. */
  desk?: string;
}

const RANK: Record<TrafficLight, number> = { red: 0, yellow: 1, green: 2 };

/** The badge: the light; a relapse is an alarm; a closed measure reads 已销号. */
function badge(n: Notice): Pick<ItemView, 'badgeLabel' | 'badgeColor' | 'rank'> {
  const m = n.measure;
  if (n.kind === 'relapsed') return { badgeLabel: '反弹回潮', badgeColor: LIGHT_COLORS.red, rank: 0 };
  if (m.status === 'closed') return { badgeLabel: '已销号', badgeColor: '#607d8b', rank: 3 };
  return { badgeLabel: LIGHT_LABELS[m.trafficLight], badgeColor: LIGHT_COLORS[m.trafficLight], rank: RANK[m.trafficLight] };
}

function measureFields(m: NoticeMeasure): Pick<ItemView, 'measureLine' | 'problemLine' | 'leadUnit' | 'leader'> {
  return {
    // What the plan and the office typed, in official punctuation (officialText).
    measureLine: measureName(m.id, m.title),
    problemLine: `问题${m.problem.no}：${officialText(m.problem.title)}`,
    leadUnit: officialText(m.leadUnit),
    leader: officialText(m.leader),
  };
}

/** 2024年10月15日(周二)18:00, from an instant in the zone. */
function instantZh(at: string, zone: string): string {
  const day = localDate(Date.parse(at), zone);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
    Date.parse(at),
  );
  return `${dateZh(day)}${time}`;
}

/**
 * A date as people read it with when it falls due: on a day off it is due by the end of the last
 * working day before it (the one rule), and the mail says so.
 */
function dueWords(date: IsoDate, dueAt: string | undefined, zone: string): { date: string; due: string } {
  if (!dueAt) return { date: dateZh(date), due: dateZh(date) };
  const due = instantZh(dueAt, zone);
  const dueDay = localDate(Date.parse(dueAt), zone);
  // A date on a day off as every surface gives it (deadlineWords): as written, with the day it falls due.
  return dueDay === date ? { date: due, due } : { date: deadlineWords(date, dueDay), due };
}

/**
 * Working days left (or overdue), in words. The count is the workflow's when the notice carries it,
 * so that the mail says what the schedule meant; otherwise the worker's calendar counts.
 */
function workdaysLeft(
  calendar: WorkCalendar,
  today: IsoDate,
  deadline: IsoDate,
  counted?: Pick<NoticeMeasure, 'workdaysLeft' | 'provisionalCount'>,
): string {
  if (today === deadline) return '今天到期';
  const byWorkflow = counted?.workdaysLeft !== undefined;
  const n = byWorkflow ? counted!.workdaysLeft! : calendar.workdaysBetween(today, deadline);
  const provisional = (byWorkflow ? counted!.provisionalCount : calendar.isProvisionalBetween(today, deadline))
    ? `（${PROVISIONAL_COUNT}）`
    : '';
  if (today < deadline) return n > 0 ? `还剩${n}个工作日${provisional}` : `今天是截止前最后一个工作日${provisional}`;
  return `已逾期${Math.max(-n, 1)}个工作日${provisional}`;
}

/** What the provisional calendar is, in one sentence, for a year nobody has published. */
function provisionalRule(calendar: WorkCalendar): string {
  return calendar.unpublishedRule === 'weekdays'
    ? '工作日暂按周一至周五计算'
    : '工作日暂按《全国年节及纪念日放假办法》规定的法定节假日计算（节日逢周末顺延补假，不含调休上班日）';
}

/** The date an item chases, what it is called, and how many working days are left to it. */
function chased(n: Notice, ctx: RenderContext): Pick<ItemView, 'deadline' | 'deadlineLabel' | 'left'> & { due?: string } {
  const m = n.measure;
  const zone = m.timeZone;
  const today = localDate(ctx.now, zone);
  const around = (date: IsoDate, label: string, dueAt?: string) => {
    const words = dueWords(date, dueAt, zone);
    return { deadline: words.date, deadlineLabel: label, due: words.due, left: workdaysLeft(ctx.calendar, today, date) };
  };
  // An urging chases what the stage it urges chases.
  switch (NOTICE_KINDS[n.kind === 'urged' ? (n.urge?.kind ?? 'reminder') : n.kind].track) {
    case 'milestone':
      return around(n.milestone!.deadline, '节点时限', n.dueAt);
    case 'report':
      return around(n.dueDate!, '报送时限', n.dueAt);
    case 'review':
      return around(n.lookback!.dueDate, '回头看时限', n.dueAt);
    default: {
      if (!m.deadline) return { deadlineLabel: '整改时限', deadline: '长期坚持' };
      const words = dueWords(m.deadline, m.dueAt, zone);
      // Working days left only while the measure is open: a closed one is 已销号, never overdue.
      const open = m.status !== 'closed' && m.kind !== 'longterm';
      return {
        deadline: words.date,
        deadlineLabel: '整改时限',
        due: words.due,
        left: open ? workdaysLeft(ctx.calendar, today, m.deadline, m) : undefined,
      };
    }
  }
}

/** What a reader should know about how a notice came: a catch-up, a provisional calendar. */
function asides(n: Notice, ctx: RenderContext): string[] {
  const notes: string[] = [];
  if (n.catchUp) notes.push('（此前的提醒因系统中断未能按时发出，本通知为补发。）');
  if (n.provisionalCalendar) notes.push(`（该年度节假日安排尚未公布，${provisionalRule(ctx.calendar)}，${PROVISIONAL_COUNT}。）`);
  return notes;
}

/** The view of one notice for one recipient, the same for HTML and text. */
export function itemView(n: Notice, ctx: RenderContext): ItemView {
  const date = chased(n, ctx);
  const lines = [...whatHappened(n, date.due, ctx.recipient.audience), ...asides(n, ctx)].map(officialText);
  const mark = badge(n);
  const label = n.kind === 'urged' ? `催办·${noticeLabel(n.urge?.kind ?? 'reminder', n.level)}` : mailLabel(n);
  const links = itemLinks(n, ctx);
  return {
    // Beside its badge a label says the rest once: [反弹回潮]【重新整改】, not 【反弹回潮·重新整改】 again.
    kindLabel: label.startsWith(`${mark.badgeLabel}·`) ? label.slice(mark.badgeLabel.length + 1) : label,
    ...mark,
    ...measureFields(n.measure),
    deadline: date.deadline,
    deadlineLabel: date.deadlineLabel,
    left: date.left,
    lines,
    act: whatToDo(n, {
      audience: ctx.recipient.audience,
      office: ctx.office,
      due: date.due,
      online: links.links.flatMap((l) => (l.action ? [l.action] : [])),
    }).map(officialText),
    ...links,
    ...(ctx.recipient.audience === 'office' && ctx.desk ? { desk: ctx.desk.of(n) } : {}),
  };
}

/** A lead unit's links to act on its own measure (no one else's mail carries them). */
function itemLinks(n: Notice, ctx: RenderContext): Pick<ItemView, 'links' | 'linkNote' | 'reply'> {
  const links = ctx.recipient.audience === 'leadUnit' && ctx.links ? ctx.links.of(n) : [];
  if (!links.length) return { links: [] };
  const address = ctx.links!.reply?.(n);
  return { links, linkNote: linkNote(ctx.links!.days), ...(address ? { reply: { address, note: replyNote(false) } } : {}) };
}

/** A mail about one measure replies to its reply address (MailDelivery sets Reply-To): say so. */
function direct(views: ItemView[]): ItemView[] {
  if (views.length !== 1 || !views[0].reply) return views;
  return [{ ...views[0], reply: { ...views[0].reply, note: replyNote(true) } }];
}

/** Sections of a summary mail (the weekly digests): a heading and its lines. */
export interface MailExtras {
  sections?: { heading: string; lines: string[] }[];
  closing?: string;
  /** A place to read more, after the closing. */
  online?: MailLink;
}

/**
 * Greeting, items, whom to contact (not the office itself) and the 落款: the office and the date;
 * the system's name in mail to the office, which it does not write to itself.
 */
export function render(subject: string, intro: string, items: ItemView[], ctx: RenderContext, extras: MailExtras = {}): RenderedMail {
  const today = localDate(ctx.now, ctx.timeZone);
  const data = {
    subject,
    greeting: `${officialText(ctx.recipient.name)}：`,
    intro,
    items,
    sections: extras.sections ?? [],
    closing: extras.closing,
    online: extras.online,
    contact: ctx.recipient.audience === 'office' ? undefined : officialText(`如有疑问，请联系${officeContact(ctx.office)}。`),
    signature: {
      name: fromSystem(ctx.recipient.audience) ? (ctx.systemName ?? DEFAULT_SYSTEM_NAME) : ctx.office.name,
      date: plainDateZh(today),
    },
  };
  return { subject, html: html.render(htmlLayout, data), text: text.render(textLayout, data) };
}

export function renderNotice(n: Notice, ctx: RenderContext): RenderedMail {
  const view = itemView(n, ctx);
  return render(noticeHeadline(n, view), '', direct([view]), ctx);
}

/** A notice's headline: the mail's subject, a chat message's title. */
export function noticeHeadline(n: Notice, view: ItemView): string {
  // The provisional note joins the count: （还剩6个工作日，按临时日历计算）.
  const tail =
    view.left && ['reminder', 'final-reminder', 'overdue', 'urged'].includes(n.kind)
      ? `（${view.left.replace(`（${PROVISIONAL_COUNT}）`, `，${PROVISIONAL_COUNT}`)}）`
      : '';
  const label = n.kind === 'urged' ? NOTICE_KINDS.urged.label : mailLabel(n);
  return `【${label}】${view.measureLine}${tail}`;
}

/**
 * One morning's notices for one recipient in one mail: red first, then by deadline. A look-back
 * campaign's requests (digestSlot merges them) say what the campaign asks, once, above the list.
 */
export function renderDigest(notices: Notice[], ctx: RenderContext): RenderedMail {
  const campaign = campaignOf(notices);
  if (campaign) return renderCampaignRequests(notices, campaign, ctx);
  const { views, subject, intro } = digestViews(notices, ctx);
  return render(subject, intro, direct(views), ctx);
}

/** A morning's notices for one recipient as they are read, red first, with the headline and the opening line: for mail and chat alike. */
export function digestViews(notices: Notice[], ctx: RenderContext): { views: ItemView[]; subject: string; intro: string } {
  const views = notices
    .map((n) => ({ n, v: itemView(n, ctx) }))
    .sort(
      (a, b) =>
        a.v.rank - b.v.rank ||
        (a.n.measure.deadline ?? '9999').localeCompare(b.n.measure.deadline ?? '9999') ||
        a.n.measure.id.localeCompare(b.n.measure.id, 'en', { numeric: true }),
    )
    .map(({ v }) => v);
  const count = (rank: number) => views.filter((v) => v.rank === rank).length;
  const day = localDate(ctx.now, ctx.timeZone);
  const subject = `【整改提醒汇总】${dateZh(day)}共${views.length}项：红${count(0)}黄${count(1)}绿${count(2)}`;
  return { views, subject, intro: `今天有${views.length}项整改措施需要您关注，逾期（红灯）的排在最前。` };
}

/** The campaign every notice is a review request of, if they are all of one. */
function campaignOf(notices: Notice[]): string | undefined {
  const names = new Set(notices.map((n) => (n.kind === 'lookback-request' ? n.lookback?.campaign : undefined)));
  const [name] = names;
  return names.size === 1 ? name : undefined;
}

/**
 * A campaign's review requests in one mail: what the campaign is, then the ask (whatToDo's) once
 * when every measure has the same, then the measures by number, each with its close-out.
 */
function renderCampaignRequests(notices: Notice[], campaign: string, ctx: RenderContext): RenderedMail {
  const views = [...notices]
    .sort((a, b) => a.measure.id.localeCompare(b.measure.id, 'en', { numeric: true }))
    .map((n) => ({ ...itemView(n, ctx), lines: [campaignItemLine(n), ...asides(n, ctx)] }));
  const ask = new Set(views.map((v) => v.act.join(''))).size === 1 ? views[0].act : [];
  const subject = `【回头看】“${campaign}”专项：${views.length}项已销号措施待核查`;
  return render(
    subject,
    campaignIntro(campaign, views.length) + ask.join(''),
    ask.length ? views.map((v) => ({ ...v, act: [] })) : views,
    ctx,
  );
}

/** To the office: a notice could not reach someone (unknown recipient, no or refused address). */
export function renderDeliveryProblem(n: Notice, problems: string[], ctx: RenderContext): RenderedMail {
  const { subject, view } = deliveryProblemView(n, problems, ctx);
  return render(subject, '', [view], ctx);
}

/** What could not be reached, as the office reads it: the headline and the item, for mail and chat alike. */
export function deliveryProblemView(n: Notice, problems: string[], ctx: RenderContext): { subject: string; view: ItemView } {
  const view = itemView(n, ctx);
  view.lines = [
    `以下通知未能送达：【${view.kindLabel}】`,
    ...problems.map((p) => `· ${p}`),
    '请核对计划名录中的单位、区领导和邮箱，更正后后续通知将自动使用新的地址。',
    // A robot is corrected where its secrets are, not by its address.
    ...(problems.some((p) => p.includes('群机器人'))
      ? ['群机器人未能送达的，请核对其 key、token 或密钥（计划名录 channels 中引用的环境变量或文件），以及机器人是否仍在群内。']
      : []),
  ];
  view.act = [];
  // What to correct is in the plan's directory, not on the measure's page.
  view.links = [];
  view.desk = undefined;
  return { subject: `【通知未送达】${view.measureLine}`, view };
}

/** To the office: the plan is about to count working days in a year whose arrangement is not published. */
export function renderCalendarAlert(a: CalendarAlert, planTitle: string, ctx: RenderContext): RenderedMail {
  const { subject, intro } = calendarAlertView(a, planTitle, ctx);
  return render(subject, intro, [], ctx);
}

/** The calendar alert's headline and words, for mail and chat alike. */
export function calendarAlertView(a: CalendarAlert, planTitle: string, ctx: RenderContext): { subject: string; intro: string } {
  const days = daysBetween(a.asOf, `${a.year}-01-01`);
  const when = days > 0 ? `自${a.year}年1月1日起（还有${days}天）` : `目前`;
  const rule = provisionalRule(ctx.calendar).replace('工作日暂按', '暂按');
  const intro = [
    `${a.year}年的节假日安排（国务院办公厅关于${a.year}年部分节假日安排的通知）尚未收录。`,
    `${when}，${planTitle}各项整改措施的提醒、督办和工作日计数将${rule}，相关邮件注明“${PROVISIONAL_COUNT}”。`,
    `国务院办公厅公布该年安排后，请将通知全文交系统管理员导入，运行中的措施会随即按正式安排重新计算。`,
  ].join('');
  return { subject: `【节假日安排待导入】${a.year}年节假日安排尚未收录`, intro };
}

/**
 * The weekly digest to the leadership group and the office: the plan's totals in the report's
 * phrasing, then the week: newly overdue, escalated to the leadership group, closed, relapsed,
 * extensions granted, and the red measures per lead unit.
 */
export function renderWeeklyDigest(w: WeeklyDigest, ctx: RenderContext): RenderedMail {
  const { subject, intro, sections, closing, online } = weeklyView(w, ctx);
  return render(subject, intro, [], ctx, { sections, closing, online });
}

/** The week as its reader gets it: the headline, the opening, the sections and what the reader is asked; for mail and chat alike. */
export function weeklyView(
  w: WeeklyDigest,
  ctx: Pick<RenderContext, 'recipient' | 'desk'>,
): { subject: string; intro: string; sections: { heading: string; lines: string[] }[]; closing: string; online?: MailLink } {
  const line = (i: WeekItem) => `${measureName(i.id, i.title)}（${i.leadUnit}）：${i.detail}`;
  const section = (heading: string, items: WeekItem[]) => ({
    heading: `${heading}（${items.length}项）`,
    lines: items.length ? items.map(line) : ['无。'],
  });
  const sections = [
    section('本周新增逾期', w.newlyOverdue),
    section('本周督办至领导小组', w.escalated),
    section('本周销号', w.closed),
    section('本周发现反弹回潮', w.relapsed),
    section('本周批准延期', w.extended),
    {
      heading: '各牵头单位红灯（未完成的措施中）',
      lines: w.redByUnit.length ? w.redByUnit.map((u) => `${u.unit}：红灯${u.red}项（未完成${u.open}项）`) : ['没有红灯。'],
    },
  ];
  const ask =
    ctx.recipient.audience === 'leadershipGroup'
      ? '请领导小组关注逾期、督办和反弹回潮的措施，督促责任单位和负责区领导抓紧整改。'
      : '请巡察办跟踪督办逾期和反弹回潮的措施，必要时提请领导小组研究。';
  const subject = `【领导小组周报】${w.planTitle}（${w.fromZh}—${w.toZh}）：新增逾期${w.newlyOverdue.length}项，销号${w.closed.length}项，完成率${w.totals.completionRate}`;
  return {
    subject,
    intro: `${w.summary}本周（${w.fromZh}至${w.toZh}）情况如下。`,
    sections,
    closing: ask,
    // Office staff and leaders have accounts: the whole plan on the desk, read-only for leaders.
    ...(ctx.desk?.plan ? { online: { label: '在线查看整改总览和台账（需登录）', url: ctx.desk.plan } } : {}),
  };
}
