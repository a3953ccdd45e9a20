/**
 * The progress report as Markdown (and plain text for mail): the seed report's order and
 * phrasing, the office's sections where it gave them, else marked places to fill in.
 */
import { PLACEHOLDER, type ProgressReport, type ReportMeasure } from '../domain/report/model';

/**
 * 一是…。牵头单位：…；负责区领导：…；整改时限：…。目前…。最新进展（…）：…: one measure of the
 * report's 整改情况. Links follow the sentence in brackets, each as `link` writes it (Markdown's
 * <…>, so that no punctuation is taken into the address).
 */
export function measureSentence(m: ReportMeasure, link: (url: string) => string = (u) => u): string {
  const links = m.latest?.links.length ? `（链接：${m.latest.links.map(link).join('、')}）` : '';
  return `${m.ordinal}${m.title}。${m.words.people}。目前${m.words.state}。${m.words.note}${links}`;
}

export function reportMarkdown(r: ProgressReport): string {
  const out: string[] = [];
  out.push('# 巡视整改进展情况', '', r.subtitle, '');
  out.push(r.summary, '');
  out.push('## 一、巡视整改组织领导情况', '', r.preface ?? PLACEHOLDER.preface, '');
  out.push('## 二、整改进展情况及成效', '');
  for (const p of r.problems) {
    out.push(`### ${p.no}. 关于“${p.title}”问题的整改。`, '');
    out.push(`整改情况：${p.measures.map((m) => measureSentence(m, (u) => `<${u}>`)).join('')}`, '');
  }
  out.push('### 逾期未完成的措施', '');
  if (!r.overdue.length) out.push('无。', '');
  else {
    out.push('| 措施 | 牵头单位 | 负责区领导 | 整改时限 | 逾期 |', '|---|---|---|---|---|');
    for (const m of r.overdue)
      out.push(
        `| ${cell(`${m.id} ${m.title}`)} | ${cell(m.leadUnit)} | ${cell(m.leader)} | ${m.deadline} | ${-(m.workdaysLeft ?? 0)}个工作日 |`,
      );
    out.push('');
  }
  out.push('### 批准延期的措施', '');
  if (!r.extensions.length) out.push('无。', '');
  else {
    out.push('| 措施 | 牵头单位 | 原时限 | 新时限 | 批准日期 | 理由 |', '|---|---|---|---|---|---|');
    for (const e of r.extensions)
      out.push(`| ${cell(`${e.id} ${e.title}`)} | ${cell(e.leadUnit)} | ${e.from ?? ''} | ${e.to} | ${e.date} | ${cell(e.reason ?? '')} |`);
    out.push('');
  }
  const lb = r.lookback;
  out.push('### 回头看情况', '');
  out.push(
    lb.reviews
      ? `开展回头看${lb.reviews}次，整改成效巩固${lb.sustained}项，整改后仍有反复（反弹回潮）${lb.relapsed}项，尚在核查${lb.pending}项。`
      : '尚未开展回头看。',
    '',
  );
  for (const c of lb.campaigns)
    out.push(`-“${c.name}”专项：核查${c.reviews}项，巩固${c.sustained}项，反弹回潮${c.relapsed}项，尚在核查${c.pending}项。`);
  if (lb.campaigns.length) out.push('');
  for (const x of lb.relapsedMeasures)
    out.push(
      `- 反弹回潮：${x.id} ${x.title}（${x.leadUnit}，第${x.round}次回头看，${x.date}${x.newDeadline ? `，重新整改至${x.newDeadline}` : ''}）`,
    );
  if (lb.relapsedMeasures.length) out.push('');
  out.push('## 三、下一步工作打算', '', r.nextSteps ?? PLACEHOLDER.nextSteps, '');
  return out.join('\n');
}

/** A table cell: no line breaks, no column bars. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
