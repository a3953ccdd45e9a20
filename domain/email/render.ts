/**
 * Chinese mails from notices: one view model per notice, rendered to HTML (auto-escaped) and
 * plain text by the same templates. Pure: the activity supplies the time, calendar and contacts.
 */
import { Eta } from 'eta';
import type { WorkCalendar } from '../calendar';
import type { CalendarAlert } from '../calendar-alerts';
import { daysBetween, formatInstant, localDate, weekdayZh, type IsoDate } from '../dates';
import type { TrafficLight } from '../measure';
import type { Notice, NoticeMeasure } from '../notice';
import type { Audience } from '../plan/schema';
import type { Recipient } from './recipients';
import { HTML_LAYOUT, TEXT_LAYOUT } from './templates';
import { AUDIENCE_LABELS, LIGHT_COLORS, LIGHT_LABELS, noticeLabel } from '../vocabulary';

export interface RenderContext {
  recipient: Recipient;
  /** How to reach the office, shown in every mail. */
  office: { name: string; emails: string[] };
  now: number;
  calendar: WorkCalendar;
}

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

export interface ItemView {
  kindLabel: string;
  light: TrafficLight;
  lightLabel: string;
  lightColor: string;
  measureLine: string;
  problemLine: string;
  leadUnit: string;
  leader: string;
  deadline?: string;
  /** What the date is: 整改时限 unless said otherwise. */
  deadlineLabel: string;
  left?: string;
  /** What this mail is about, one or two sentences. */
  lines: string[];
  act: string[];
}

/** What every item shows of its measure: light, measure, problem, who. */
function measureFields(
  m: Notice['measure'],
): Pick<ItemView, 'light' | 'lightLabel' | 'lightColor' | 'measureLine' | 'problemLine' | 'leadUnit' | 'leader'> {
  return {
    light: m.trafficLight,
    lightLabel: LIGHT_LABELS[m.trafficLight],
    lightColor: LIGHT_COLORS[m.trafficLight],
    measureLine: `措施 ${m.id}「${m.title}」`,
    problemLine: `问题 ${m.problem.no}: ${m.problem.title}`,
    leadUnit: m.leadUnit,
    leader: m.leader,
  };
}

function dueText(date: IsoDate, dueAt: string | undefined, zone: string): string {
  return dueAt ? formatInstant(Date.parse(dueAt), zone) : `${date}(${weekdayZh(date)})`;
}

/** Said of a count of working days that passes through a year whose arrangement is not published. */
export const PROVISIONAL_COUNT = '按临时日历计算';

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
    ? `(${PROVISIONAL_COUNT})`
    : '';
  if (today < deadline) return n > 0 ? `还剩 ${n} 个工作日${provisional}` : `今天是截止前最后一个工作日${provisional}`;
  return `已逾期 ${Math.max(-n, 1)} 个工作日${provisional}`;
}

/** What the provisional calendar is, in one sentence, for a year nobody has published. */
function provisionalRule(calendar: WorkCalendar): string {
  return calendar.unpublishedRule === 'weekdays'
    ? '工作日暂按周一至周五计算'
    : '工作日暂按《全国年节及纪念日放假办法》规定的法定节假日计算(节日逢周末顺延补假,不含调休上班日)';
}

/** The view of one notice, the same for HTML and text. */
export function itemView(n: Notice, ctx: RenderContext): ItemView {
  const m = n.measure;
  const zone = m.timeZone;
  const today = localDate(ctx.now, zone);
  const others = (list: Audience[]) => list.filter((a) => a !== ctx.recipient.audience).map((a) => AUDIENCE_LABELS[a]);
  const lines: string[] = [];
  const act: string[] = [];
  const who = `unit:${m.leadUnit}`;
  switch (n.kind) {
    case 'reminder':
    case 'final-reminder':
      lines.push(
        n.kind === 'final-reminder'
          ? today === m.deadline
            ? `本措施今天 ${dueText(m.deadline!, m.dueAt, zone)} 截止,请按时完成并提交佐证材料。`
            : `本措施于 ${dueText(m.deadline!, m.dueAt, zone)} 截止,今天是截止前最后一个工作日,请按时完成并提交佐证材料。`
          : `本措施将于 ${dueText(m.deadline!, m.dueAt, zone)} 到期,请抓紧推进。`,
      );
      act.push(
        `完成后提交: rectify complete ${m.id} --as ${who} --evidence <佐证材料>`,
        `确需延期: rectify extend ${m.id} --as ${who} --to <新时限> --reason <理由>`,
      );
      break;
    case 'overdue': {
      const told = others(n.audiences);
      lines.push(
        `本措施已超过整改时限 ${dueText(m.deadline!, m.dueAt, zone)},现为第 ${(n.level ?? 0) + 1} 级督办${n.repeat ? `(第 ${n.repeat} 次重复)` : ''}。`,
      );
      if (told.length) lines.push(`本通知同时发送: ${told.join('、')}。`);
      act.push(`提交整改完成: rectify complete ${m.id} --as ${who} --evidence <佐证材料>`);
      break;
    }
    case 'milestone-reminder':
    case 'milestone-overdue': {
      const ms = n.milestone;
      lines.push(
        `${n.kind === 'milestone-overdue' ? '阶段节点已逾期' : '阶段节点即将到期'}: 第 ${(ms?.index ?? 0) + 1} 阶段「${ms?.title ?? ''}」,节点时限 ${ms ? `${ms.deadline}(${weekdayZh(ms.deadline)})` : ''}。`,
      );
      if (n.kind === 'milestone-overdue' && others(n.audiences).length) lines.push(`本通知同时发送: ${others(n.audiences).join('、')}。`);
      act.push(`报送阶段完成情况: rectify progress ${m.id} --as ${who} --milestone --note <进展说明>`);
      break;
    }
    case 'report-reminder':
    case 'report-overdue':
      lines.push(
        `${n.kind === 'report-overdue' ? '整改进展报送已逾期' : '请按时报送整改进展'}: 截至 ${n.period}(${weekdayZh(n.period!)})的本期进展。`,
      );
      if (n.kind === 'report-overdue' && others(n.audiences).length) lines.push(`本通知同时发送: ${others(n.audiences).join('、')}。`);
      act.push(`报送进展: rectify progress ${m.id} --as ${who} --note <进展说明>`);
      break;
    case 'submitted':
      lines.push(`${m.leadUnit}已提交整改完成,佐证材料: ${(n.event?.evidence ?? []).join('、')}。`);
      act.push(
        `核验: rectify verify ${m.id} --as office:<经办人> --accept`,
        `退回: rectify verify ${m.id} --as office:<经办人> --reject --reason <理由>`,
      );
      break;
    case 'verification-result':
      lines.push(n.event?.accepted ? '巡察办已核验通过,本措施销号。' : `巡察办核验未通过,已退回整改。理由: ${n.event?.reason ?? ''}`);
      break;
    case 'extension-requested':
      lines.push(
        `${m.leadUnit}申请将整改时限由 ${n.event?.previousDeadline ?? ''} 延至 ${n.event?.requestedDeadline ?? ''}。理由: ${n.event?.reason ?? ''}`,
      );
      act.push(
        `批准: rectify decide-extension ${m.id} --as office:<经办人> --approve`,
        `不批准: rectify decide-extension ${m.id} --as office:<经办人> --deny --reason <理由>`,
      );
      break;
    case 'extension-decided':
      lines.push(
        n.event?.approved
          ? `延期申请已批准: 整改时限由 ${n.event.previousDeadline} 调整为 ${n.event.requestedDeadline}(${weekdayZh(n.event.requestedDeadline!)})。`
          : `延期申请未获批准,整改时限仍为 ${n.event?.previousDeadline ?? ''}。理由: ${n.event?.reason ?? ''}`,
      );
      break;
    case 'lookback-request':
    case 'lookback-reminder':
    case 'lookback-overdue': {
      const lb = n.lookback!;
      const due = `${lb.dueDate}(${weekdayZh(lb.dueDate)})`;
      lines.push(
        n.kind === 'lookback-request'
          ? `本措施已于 ${lb.closedOn} 销号。请开展第 ${lb.round} 次回头看${lb.campaign ? `(「${lb.campaign}」专项)` : ''},核查整改成效是否巩固、有无反弹回潮,并于 ${due}前记录结论。`
          : n.kind === 'lookback-reminder'
            ? `第 ${lb.round} 次回头看将于 ${due}到期,请抓紧核查并记录结论。`
            : `第 ${lb.round} 次回头看已过时限 ${due},尚未记录结论${n.repeat ? `(第 ${n.repeat} 次催办)` : ''}。`,
      );
      act.push(
        `记录结论: rectify lookback record ${m.id} --round ${lb.round} --as office:<经办人> (--sustained | --relapsed --new-deadline <新时限>) --notes <核查说明>`,
      );
      break;
    }
    case 'relapsed':
      lines.push(
        `回头看发现本措施反弹回潮,已重新列入整改,新的整改时限为 ${n.event?.requestedDeadline}(${weekdayZh(n.event!.requestedDeadline!)})。核查说明: ${n.event?.reason ?? ''}`,
      );
      act.push(`完成后提交: rectify complete ${m.id} --as ${who} --evidence <佐证材料>`);
      break;
    case 'reassigned':
      lines.push(
        `巡察办调整了本措施的分工: 牵头单位 ${n.event?.previousLeadUnit} → ${m.leadUnit},负责区领导 ${n.event?.previousLeader} → ${m.leader}。理由: ${n.event?.reason ?? ''}`,
      );
      break;
  }
  if (n.catchUp) lines.push('(此前的提醒因系统中断未能按时发出,本通知为补发。)');
  if (n.provisionalCalendar) lines.push(`(该年度节假日安排尚未公布,${provisionalRule(ctx.calendar)},${PROVISIONAL_COUNT}。)`);
  return {
    kindLabel: noticeLabel(n.kind, n.level),
    ...measureFields(m),
    deadline: m.deadline ? dueText(m.deadline, m.dueAt, zone) : undefined,
    deadlineLabel: '整改时限',
    left: m.deadline && m.kind !== 'longterm' ? workdaysLeft(ctx.calendar, today, m.deadline, m) : undefined,
    lines,
    act,
  };
}

function footer(ctx: RenderContext): string {
  return `${ctx.office.name}(${ctx.office.emails.join('、')})。本邮件由 rectify 自动发送,请勿直接回复。`;
}

function render(subject: string, greeting: string, intro: string, items: ItemView[], ctx: RenderContext): RenderedMail {
  const data = { subject, greeting, intro, items, footer: footer(ctx) };
  return { subject, html: html.render(htmlLayout, data), text: text.render(textLayout, data) };
}

export function renderNotice(n: Notice, ctx: RenderContext): RenderedMail {
  const view = itemView(n, ctx);
  // In the subject the provisional note joins the count: (还剩 6 个工作日,按临时日历计算).
  const tail =
    view.left && ['reminder', 'final-reminder', 'overdue'].includes(n.kind)
      ? `(${view.left.replace(`(${PROVISIONAL_COUNT})`, `,${PROVISIONAL_COUNT}`)})`
      : '';
  const subject = `【${view.kindLabel}】${view.measureLine}${tail}`;
  return render(subject, `${ctx.recipient.name}:`, '', [view], ctx);
}

const LIGHT_ORDER: Record<TrafficLight, number> = { red: 0, yellow: 1, green: 2 };

/** One morning's notices for one recipient in one mail: red first, then by deadline. */
export function renderDigest(notices: Notice[], ctx: RenderContext): RenderedMail {
  const views = notices
    .map((n) => ({ n, v: itemView(n, ctx) }))
    .sort(
      (a, b) =>
        LIGHT_ORDER[a.v.light] - LIGHT_ORDER[b.v.light] ||
        (a.n.measure.deadline ?? '9999').localeCompare(b.n.measure.deadline ?? '9999') ||
        a.n.measure.id.localeCompare(b.n.measure.id, 'en', { numeric: true }),
    )
    .map(({ v }) => v);
  const count = (l: TrafficLight) => views.filter((v) => v.light === l).length;
  const day = localDate(ctx.now, notices[0]?.measure.timeZone ?? 'Asia/Shanghai');
  const subject = `【整改提醒汇总】${day}(${weekdayZh(day)}) 共 ${views.length} 项: 红 ${count('red')} 黄 ${count('yellow')} 绿 ${count('green')}`;
  return render(subject, `${ctx.recipient.name}:`, `今天有 ${views.length} 项整改措施需要您关注,逾期(红灯)的排在最前。`, views, ctx);
}

/** To the office: a notice could not reach someone (unknown recipient, refused address). */
export function renderDeliveryProblem(n: Notice, problems: string[], ctx: RenderContext): RenderedMail {
  const view = itemView(n, ctx);
  view.lines = [
    `以下通知未能送达: 【${view.kindLabel}】`,
    ...problems.map((p) => `· ${p}`),
    '请核对计划名录中的单位、区领导和邮箱,更正后后续通知将自动使用新的地址。',
  ];
  view.act = [];
  return render(`【通知未送达】${view.measureLine}`, `${ctx.office.name}:`, '', [view], ctx);
}

/** To the office: the plan is about to count working days in a year whose arrangement is not published. */
export function renderCalendarAlert(a: CalendarAlert, planTitle: string, ctx: RenderContext): RenderedMail {
  const days = daysBetween(a.asOf, `${a.year}-01-01`);
  const when = days > 0 ? `自 ${a.year}年1月1日起(还有 ${days} 天)` : `目前`;
  const intro =
    `${a.year}年的节假日安排(国务院办公厅关于${a.year}年部分节假日安排的通知)尚未收录。` +
    `${when},${planTitle}各项整改措施的提醒、督办和工作日计数将${provisionalRule(ctx.calendar).replace('工作日暂按', '暂按')},相关邮件注明“${PROVISIONAL_COUNT}”。` +
    `国务院办公厅公布该年安排后,请将通知全文交系统管理员导入,运行中的措施会随即按正式安排重新计算。`;
  return render(`【节假日安排待导入】${a.year}年节假日安排尚未收录`, `${ctx.office.name}:`, intro, [], ctx);
}

/** A look-back review (回头看) asks the reviewer to check a closed measure for relapse. */
export interface LookbackRequest {
  measure: Notice['measure'];
  round: number;
  closedOn: IsoDate;
  dueDate: IsoDate;
  campaign?: string;
}

export function renderLookbackRequest(r: LookbackRequest, ctx: RenderContext): RenderedMail {
  const m = r.measure;
  const view: ItemView = {
    kindLabel: '回头看',
    ...measureFields(m),
    deadline: `${r.dueDate}(${weekdayZh(r.dueDate)})`,
    deadlineLabel: '回头看时限',
    left: workdaysLeft(ctx.calendar, localDate(ctx.now, m.timeZone), r.dueDate),
    lines: [
      `本措施已于 ${r.closedOn} 销号。请开展第 ${r.round} 次回头看${r.campaign ? `(「${r.campaign}」专项)` : ''},核查整改成效是否巩固、有无反弹回潮,并于上述时限前记录结论。`,
    ],
    act: ['记录结论: 巩固(sustained)或反弹(relapsed),附核查说明和佐证'],
  };
  return render(`【回头看】${view.measureLine}`, `${ctx.recipient.name}:`, '', [view], ctx);
}

/** The leadership's view: how the plan stands, and the measures that need their attention. */
export interface LeadershipSummary {
  planTitle: string;
  asOf: IsoDate;
  counts: { total: number; closed: number; red: number; yellow: number; green: number };
  /** Measures to name (typically the red ones), as notices' measure snapshots. */
  attention: Notice['measure'][];
}

export function renderLeadershipDigest(s: LeadershipSummary, ctx: RenderContext): RenderedMail {
  const rate = s.counts.total ? ((s.counts.closed / s.counts.total) * 100).toFixed(2) : '0.00';
  const items: ItemView[] = s.attention.map((m) => ({
    kindLabel: m.trafficLight === 'red' ? '逾期' : '关注',
    ...measureFields(m),
    deadline: m.deadline ? `${m.deadline}(${weekdayZh(m.deadline)})` : undefined,
    deadlineLabel: '整改时限',
    left: m.deadline ? workdaysLeft(ctx.calendar, s.asOf, m.deadline) : undefined,
    lines: [],
    act: [],
  }));
  const intro = `截至 ${s.asOf},${s.planTitle}共 ${s.counts.total} 项整改措施: 已销号 ${s.counts.closed} 项(整改完成率 ${rate}%),红灯 ${s.counts.red} 项、黄灯 ${s.counts.yellow} 项、绿灯 ${s.counts.green} 项。${items.length ? '需重点关注的措施如下。' : ''}`;
  return render(`【整改进展周报】${s.asOf} 红灯 ${s.counts.red} 项,完成率 ${rate}%`, `${ctx.recipient.name}:`, intro, items, ctx);
}
