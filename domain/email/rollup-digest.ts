/**
 * The weekly digest at city or province level as its reader gets it: the roll-up's totals in the
 * report's phrasing, then one section per district that moved (its movements and figures in the
 * heading, its measures below, each in the words of that district's own leadership digest), what
 * the office is asked, and the roll-up page on the desk. Pure.
 */
import { measureName } from '../measure-words';
import { rollupSummary } from '../rollup';
import { districtMoves, weekMoves, type RollupWeek } from '../rollup-weekly';
import type { WeekItem } from '../weekly';
import { render, type MailLink, type RenderContext, type RenderedMail } from './render';

/** Measures listed per district; the rest are counted, and read on the district's own desk. */
export const ROLLUP_ITEMS_PER_DISTRICT = 10;

export interface RollupWeekView {
  subject: string;
  intro: string;
  sections: { heading: string; lines: string[] }[];
  closing: string;
  online?: MailLink;
}

/** The subject, opening, a section per district that moved, the ask and the roll-up page (`rollupUrl`: the desk's /rollup). */
export function rollupWeekView(w: RollupWeek, rollupUrl?: string): RollupWeekView {
  const line = (i: WeekItem) => `${measureName(i.id, i.title)}（${i.leadUnit}）：${i.detail}`;
  const sections = w.moved.map((d) => {
    const items = [...d.newlyOverdue, ...d.escalated, ...d.relapsed];
    const shown = items.slice(0, ROLLUP_ITEMS_PER_DISTRICT).map(line);
    const more = items.length - shown.length;
    return {
      heading: `${d.planTitle}：${districtMoves(d)}（完成率${d.figures.completionRate}，逾期${d.figures.overdue}项）`,
      lines: more > 0 ? [...shown, `另有${more}项，详见该地区的整改总览和领导小组周报。`] : shown,
    };
  });
  const week = `本周（${w.fromZh}至${w.toZh}）`;
  const intro = w.moved.length
    ? `${rollupSummary(w.rollup)}${week}，${w.moved.length}个地区有新增逾期、督办至领导小组或反弹回潮的措施（${weekMoves(w)}），情况如下` +
      (w.quiet ? `；其余${w.quiet}个地区本周没有这些情况。` : '。')
    : `${rollupSummary(w.rollup)}${week}，各地区没有新增逾期、督办至领导小组或反弹回潮的措施。`;
  return {
    subject: `【各地区整改周报】${w.title}（${w.fromZh}—${w.toZh}）：${w.moved.length}个地区有变化，${weekMoves(w)}`,
    intro,
    sections,
    closing: w.moved.length
      ? '请关注上述地区，督促其巡察办和责任单位抓紧整改；逾期和反弹回潮较多的，必要时约谈或提请研究。'
      : '请继续跟踪各地区整改进度。',
    ...(rollupUrl ? { online: { label: '在线查看各地区汇总（需登录）', url: rollupUrl } } : {}),
  };
}

/** The mail to the office that follows every district (its 落款 is the system's, as in all mail to an office). */
export function renderRollupDigest(w: RollupWeek, ctx: RenderContext, rollupUrl?: string): RenderedMail {
  const { subject, intro, sections, closing, online } = rollupWeekView(w, rollupUrl);
  return render(subject, intro, [], ctx, { sections, closing, online });
}
