/**
 * What the measure commands print, as lines: a status row, the summary by plan and unit, `show`
 * with its timeline. Pure over what the commands read; measures.ts registers the commands.
 */
import { summaryOf, type MeasureSummary, type MeasureView } from '../../contracts/measure';
import type { WorkCalendar } from '../../domain/calendar';
import { dateZh, formatInstant, localDate, plainDateZh } from '../../domain/dates';
import { deadlineWords, latestWord, latestWordLine, linksLine, measureName } from '../../domain/measure-words';
import { standing, type MeasureRecord } from '../../domain/record';
import { tally, type Tally } from '../../domain/tally';
import { officialText } from '../../domain/typography';
import type { TimelineEntry } from '../../domain/timeline';
import {
  auditWords,
  DESK_LIGHT_LABELS,
  LIGHT_LABELS,
  LOOKBACK_STATUS_LABELS,
  MEASURE_KIND_LABELS,
  STATUS_LABELS,
} from '../../domain/vocabulary';
import type { MeasureRow } from '../measures';
import { ZONE } from './common';

/** Working days from today to a row's due date, for open measures (negative: overdue). */
export function rowWorkdays(r: MeasureRow, calendar: WorkCalendar, today: string): number | undefined {
  if (!r.deadline || r.status === 'closed' || !r.status) return undefined;
  return calendar.workdaysBetween(today, localDate(Date.parse(r.deadline), ZONE));
}

function leftWords(n: number | undefined): string {
  return n === undefined ? '' : n >= 0 ? `剩${n}个工作日` : `已逾期${-n}个工作日`;
}

export function formatRow(r: MeasureRow, left: number | undefined): string {
  const due = r.deadline ? localDate(Date.parse(r.deadline), ZONE) : undefined;
  const light = r.trafficLight ? LIGHT_LABELS[r.trafficLight as keyof typeof LIGHT_LABELS] : '启动中';
  const status = r.status ? (STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status) : '启动中';
  const lookback = LOOKBACK_STATUS_LABELS[r.lookbackStatus ?? ''] ?? '';
  const deadline = r.kind === 'longterm' || !due ? MEASURE_KIND_LABELS.longterm : deadlineWords(r.writtenDeadline ?? due, due);
  return [r.measureId, light, status, deadline, leftWords(left), r.leadUnit, r.leader, lookback].join('\t').trimEnd();
}

/** The timeline as lines: time, who, what; recipients, the channels that carried it and Message-IDs indented below. */
export function timelineLines(entries: TimelineEntry[], zone: string): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${formatInstant(Date.parse(e.at), zone)}  ${e.who ?? ''}  ${e.what}`.replace(/ {3,}/g, '  '));
    for (const t of e.to ?? [])
      lines.push(`    → ${t.label}  经${t.channels}${t.messageId ? `  Message-ID ${t.messageId}` : t.digest ? '  并入当日汇总' : ''}`);
    for (const p of e.problems ?? []) lines.push(`    ✗ 未送达：${p}`);
  }
  return lines;
}

/** One line for a measure as an Update (or a query) left it; a closed one is 已销号, never overdue. */
export function summaryLine(v: MeasureSummary): string {
  const deadline = v.deadline ? deadlineWords(v.deadline, v.dueDate) : MEASURE_KIND_LABELS.longterm;
  const left = v.status === 'closed' || v.workdaysLeft === undefined ? '' : `，${leftWords(v.workdaysLeft)}`;
  const pending = v.pendingExtension ? `，待审批延期至${dateZh(v.pendingExtension.newDeadline)}` : '';
  const who = `牵头单位：${v.leadUnit}；负责区领导：${v.leader}`;
  return `${measureName(v.measureId, v.title)}：${STATUS_LABELS[v.status]}，${LIGHT_LABELS[v.trafficLight]}；整改时限：${deadline}${left}；${who}${pending}`;
}

/** `rectify show`: the measure as the office reads it, in Chinese; with its record, its latest word as every surface gives it. */
export function showLines(v: MeasureView, record?: MeasureRecord): string[] {
  const zone = v.spec.timeZone;
  const word = record && latestWord(record, standing(record, Date.now()));
  const lines = [
    summaryLine(summaryOf(v)),
    ...(word ? [latestWordLine(word), ...(word.links.length ? [`  ${linksLine(word.links)}`] : [])] : []),
    `问题${v.spec.problem.no}：${officialText(v.spec.problem.title)}`,
    `类型：${MEASURE_KIND_LABELS[v.spec.kind]}`,
    `措施内容：${officialText(v.spec.text)}`,
    ...(v.spec.participants.length ? [`参与单位：${v.spec.participants.join('、')}`] : []),
  ];
  if (v.withdrawn)
    lines.unshift(
      `已撤销：${formatInstant(Date.parse(v.withdrawn.at), zone)}由${v.withdrawn.by.who}撤销，不再跟踪；理由：${officialText(v.withdrawn.reason)}`,
    );
  v.spec.milestones.forEach((m, i) => {
    const state = i < v.progress.milestonesDone ? '已完成' : i === v.progress.milestonesDone ? '进行中' : '未开始';
    lines.push(`阶段节点${i + 1}：${m.title}（${dateZh(m.deadline)}）${state}`);
  });
  if (v.spec.kind === 'longterm' && v.progress.reportsDone.length) lines.push(`已报送进展：截至${v.progress.reportsDone.join('、')}`);
  if (v.pendingExtension) lines.push(`待审批延期：至${dateZh(v.pendingExtension.newDeadline)}（理由：${v.pendingExtension.reason}）`);
  for (const d of v.deadlines.slice(1))
    lines.push(`时限调整：第${d.version}版为${plainDateZh(d.deadline)}${d.reason ? `（${d.reason}）` : ''}`);
  if (v.closedAt) lines.push(`销号时间：${formatInstant(Date.parse(v.closedAt), zone)}`);
  const last = v.lookbacks?.at(-1);
  if (last) {
    const campaign = last.campaign ? `“${last.campaign}”专项` : '销号后';
    const started = formatInstant(Date.parse(last.startedAt), zone);
    lines.push(`回头看：第${last.round}次，${campaign}，${started}开始，${LOOKBACK_STATUS_LABELS[last.outcome ?? 'in-review']}`);
  }
  if (v.audit.length) lines.push('最近的操作：');
  for (const a of v.audit.slice(-8)) lines.push(`  ${formatInstant(Date.parse(a.at), zone)} ${a.actor.who} ${auditWords(a)}`);
  if (v.nextNoticeAt && v.progress.status !== 'closed' && !v.withdrawn)
    lines.push(`下一次提醒或督办：${formatInstant(Date.parse(v.nextNoticeAt), zone)}`);
  return lines;
}

/** Above this many measures, an unfiltered `status` gives the counts by plan and unit instead of every line. */
export const SUMMARY_ABOVE = 1000;

/** Counts by plan and lead unit: measures, 红/黄/绿 among the open, 已销号; units with red first. */
export function statusSummary(rows: MeasureRow[]): string[] {
  const plans = new Map<string, { rows: MeasureRow[]; units: Map<string, MeasureRow[]> }>();
  for (const r of rows) {
    const plan = plans.get(r.planId ?? '') ?? { rows: [], units: new Map<string, MeasureRow[]>() };
    plans.set(r.planId ?? '', plan);
    plan.rows.push(r);
    plan.units.set(r.leadUnit ?? '', [...(plan.units.get(r.leadUnit ?? '') ?? []), r]);
  }
  const counted = (rs: MeasureRow[]) => tally(rs.map((r) => ({ status: r.status, light: r.trafficLight })));
  const line = (name: string, c: Tally) => [name, c.total, c.red, c.yellow, c.green, c.closed].join('\t');
  const out = [['计划 / 牵头单位', '措施', ...(['red', 'yellow', 'green', 'closed'] as const).map((k) => DESK_LIGHT_LABELS[k])].join('\t')];
  for (const [id, p] of [...plans].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(line(`计划 ${id}`, counted(p.rows)));
    const units = [...p.units].map(([unit, rs]) => [unit, counted(rs)] as const);
    units.sort((a, b) => b[1].red - a[1].red || a[0].localeCompare(b[0], 'zh-CN'));
    for (const [unit, c] of units) out.push(line(`  ${unit}`, c));
  }
  return out;
}
