/**
 * The progress report as a Word document (.docx) that offices edit and print, in the official
 * form of documents/official-docx.ts: the title, the summary and the seed report's sections; the
 * overdue, extension and look-back lists as tables; headings kept with what follows them.
 */
import type { Paragraph, Table } from 'docx';
import { PLACEHOLDER, type ProgressReport } from '../domain/report/model';
import { measureSentence } from './report-md';
import { body, heading, officialDocx, table, titleBlock } from './official-docx';

export async function reportDocx(r: ProgressReport): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    ...titleBlock('巡视整改进展情况', r.subtitle),
    ...body(r.summary),
    heading('一、巡视整改组织领导情况', 'heading'),
    ...body(r.preface ?? PLACEHOLDER.preface),
    heading('二、整改进展情况及成效', 'heading'),
  ];
  for (const p of r.problems) {
    children.push(heading(`${p.no}. 关于“${p.title}”问题的整改。`, 'subheading'));
    children.push(...body(`整改情况：${p.measures.map((m) => measureSentence(m)).join('')}`));
  }
  children.push(heading('逾期未完成的措施', 'subheading'));
  if (r.overdue.length)
    children.push(
      table(
        ['措施', '牵头单位', '负责区领导', '整改时限', '逾期'],
        r.overdue.map((m) => [`${m.id} ${m.title}`, m.leadUnit, m.leader, m.deadline, `${-(m.workdaysLeft ?? 0)}个工作日`]),
        [30, 24, 30, 42, 30],
      ),
    );
  else children.push(...body('无。'));
  children.push(heading('批准延期的措施', 'subheading'));
  if (r.extensions.length)
    children.push(
      table(
        ['措施', '牵头单位', '原时限', '新时限', '批准日期', '理由'],
        r.extensions.map((e) => [`${e.id} ${e.title}`, e.leadUnit, e.from ?? '', e.to, e.date, e.reason ?? '']),
        [32, 24, 25, 25, 25, 25],
      ),
    );
  else children.push(...body('无。'));
  const lb = r.lookback;
  children.push(heading('回头看情况', 'subheading'));
  children.push(
    ...body(
      lb.reviews
        ? `开展回头看${lb.reviews}次，整改成效巩固${lb.sustained}项，整改后仍有反复（反弹回潮）${lb.relapsed}项，尚在核查${lb.pending}项。`
        : '尚未开展回头看。',
    ),
  );
  if (lb.relapsedMeasures.length)
    children.push(
      table(
        ['措施', '牵头单位', '回头看', '发现日期', '重新整改时限'],
        lb.relapsedMeasures.map((x) => [`${x.id} ${x.title}`, x.leadUnit, `第${x.round}次`, x.date, x.newDeadline ?? '']),
        [30, 24, 20, 41, 41],
      ),
    );
  children.push(heading('三、下一步工作打算', 'heading'));
  children.push(...body(r.nextSteps ?? PLACEHOLDER.nextSteps));

  return officialDocx({ title: `${r.planTitle}巡视整改进展情况`, description: `截至${r.asOfZh}`, children });
}
