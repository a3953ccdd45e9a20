/**
 * A measure's dossier (一事一档) as a Word document for the archive, in the official form of
 * documents/official-docx.ts: the measure's particulars, its deadlines and extensions, milestones
 * or periodic reports, completions and their verification, look-back reviews, the whole timeline
 * (every entry numbered, with its date and time, who acted and what happened, and whom a notice
 * reached) and the list of its evidence files as they lie in the archive.
 */
import type { Paragraph, Table } from 'docx';
import { entriesWords, MANIFEST_NAME, EVIDENCE_FOLDER, type Dossier } from '../domain/dossier';
import { sizeWords } from '../domain/evidence';
import { chineseNumber } from '../domain/report/model';
import { body, heading, officialDocx, table, titleBlock } from './official-docx';

/** What the archive holds of each evidence file: its size, or why it is not there. */
export type StoredFiles = Map<string, { size: number } | { missing: string }>;

export async function dossierDocx(d: Dossier, stored: StoredFiles): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    ...titleBlock('巡视整改一事一档', d.name),
    ...body(
      `本档案根据整改措施运行中的记录于${d.madeOn}生成，载明本措施的基本情况、整改时限及延期、完成及核验、回头看和全部整改经过，所载时间均为${d.zone}。`,
    ),
  ];
  let section = 0;
  const part = (title: string) => children.push(heading(`${chineseNumber(++section)}、${title}`, 'heading'));
  const sub = (title: string) => children.push(heading(title, 'subheading'));

  part('基本情况');
  children.push(table(['项目', '内容'], d.facts, [30, 126]));

  part('整改时限及延期');
  sub('（一）整改时限');
  if (d.deadlines.length)
    children.push(
      table(
        ['整改时限', '确定日期', '依据'],
        d.deadlines.map((x) => [x.deadline, x.since, x.reason]),
        [42, 42, 72],
      ),
    );
  else children.push(...body('本措施长期坚持，不设整改时限。'));
  sub('（二）批准延期');
  children.push(...body(d.extensions.length ? d.extensions.join('\n') : '无。'));
  if (d.pendingExtension) {
    sub('（三）待审批的延期申请');
    children.push(...body(d.pendingExtension));
  }

  if (d.milestones.length) {
    part('阶段节点');
    children.push(
      table(
        ['序号', '阶段节点', '时限', '完成情况'],
        d.milestones.map((m, i) => [String(i + 1), m.title, m.deadline, m.state]),
        [14, 76, 42, 24],
      ),
    );
  }
  if (d.reporting) {
    part('进展报送');
    children.push(...body(d.reporting));
  }

  part('完成及核验情况');
  children.push(...body(d.completions.length ? d.completions.join('\n') : '尚未提交整改完成。'));

  part('回头看情况');
  children.push(...body(d.lookbacks.length ? d.lookbacks.join('\n') : '尚未开展回头看。'));

  part('整改经过');
  children.push(...body(`共${d.timeline.length}项，按时间先后排列；通知列明送达对象及渠道。`));
  children.push(
    table(
      ['序号', '时间', '经办', '事项'],
      d.timeline.map((e) => [String(e.no), [e.date, e.time], e.who, [e.what, ...e.to]]),
      [12, 42, 36, 66],
    ),
  );

  part('佐证材料');
  if (d.files.length) {
    children.push(
      ...body(
        `共${d.files.length}份，存放于本档案“${EVIDENCE_FOLDER}”文件夹，按提交时的文件名保存（同名的文件依次加注序号）；各文件的SHA-256校验值见“${MANIFEST_NAME}”。`,
      ),
    );
    children.push(
      table(
        ['序号', '文件', '大小', '出处'],
        d.files.map((f, i) => {
          const s = stored.get(f.sha256);
          return [String(i + 1), f.path, !s ? '—' : 'size' in s ? sizeWords(s.size) : `未能取得：${s.missing}`, entriesWords(f.entries)];
        }),
        [13, 71, 26, 46],
      ),
    );
  } else children.push(...body('本措施的记录中没有上传的佐证材料文件。'));

  return officialDocx({ title: `${d.name}整改档案`, description: `${d.planTitle}，${d.madeOn}生成`, children });
}
