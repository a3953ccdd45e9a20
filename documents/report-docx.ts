/**
 * The progress report as a Word document (.docx) that offices edit and print: A4 with the
 * margins of official documents (GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm),
 * the title in 方正小标宋简体 (falling back to 宋体), headings in 黑体 and 楷体, body in 仿宋
 * 三号 (16 pt) at a fixed 28-pt line, first lines indented two characters; the overdue,
 * extension and look-back lists as tables (四号, 14 pt) whose rows stay whole on a page; headings
 * kept with what follows them.
 */
import {
  AlignmentType,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import { PLACEHOLDER, type ProgressReport } from '../domain/report/model';
import { measureSentence } from './report-md';

/** East-Asian family names as Word and WPS know them; Latin text in Times New Roman. */
const FONTS = {
  title: { eastAsia: '方正小标宋简体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' },
  heading: { eastAsia: '黑体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' },
  subheading: { eastAsia: '楷体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' },
  body: { eastAsia: '仿宋', ascii: 'Times New Roman', hAnsi: 'Times New Roman' },
};
/** Half-points: 二号 22 pt for the title, 三号 16 pt for the text, 四号 14 pt in tables. */
const SIZE = { title: 44, body: 32, table: 28 };
const MM = 56.7; // twips per millimetre
const LINE = { line: 560, lineRule: LineRuleType.EXACT }; // 28 pt

function run(text: string, font: keyof typeof FONTS, extra: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: FONTS[font], size: font === 'title' ? SIZE.title : SIZE.body, ...extra });
}

function body(text: string): Paragraph[] {
  return text
    .split(/\n+/)
    .filter((t) => t.trim())
    .map(
      (t) =>
        // Aligned left, not justified: LibreOffice (and so the print test) drops a full-width ；or ，
        // hung at the end of a justified line; lines of Chinese characters end nearly even anyway.
        new Paragraph({ children: [run(t.trim(), 'body')], indent: { firstLine: 640 }, spacing: LINE, alignment: AlignmentType.LEFT }),
    );
}

/** A heading keeps to what it heads: never alone at the foot of a page. */
function heading(text: string, font: 'heading' | 'subheading'): Paragraph {
  return new Paragraph({ children: [run(text, font)], indent: { firstLine: 640 }, spacing: LINE, keepNext: true, keepLines: true });
}

/** The text block's width: A4 less the left and right margins, 156 mm. */
const TEXT_MM = 210 - 28 - 26;

/**
 * A table across the text block, its columns `mm` wide (the measure and the dates wider than the
 * rest), its header repeated on every page and no row broken across two pages.
 */
function table(head: string[], rows: string[][], mm: number[]): Table {
  const scale = TEXT_MM / mm.reduce((a, b) => a + b, 0);
  const widths = mm.map((w) => Math.floor(w * scale * MM));
  const cell = (text: string, i: number, bold = false) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      margins: { left: MM, right: MM }, // 1 mm: a date (2024年12月31日) fits its column on one line
      children: [new Paragraph({ children: [new TextRun({ text, font: FONTS.body, size: SIZE.table, bold })] })],
    });
  return new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: head.map((h, i) => cell(h, i, true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i)) })),
    ],
  });
}

export async function reportDocx(r: ProgressReport): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      children: [run('巡视整改进展情况', 'title')],
      alignment: AlignmentType.CENTER,
      spacing: { line: 700, lineRule: LineRuleType.EXACT },
    }),
    new Paragraph({
      children: [run(r.subtitle, 'subheading')],
      alignment: AlignmentType.CENTER,
      spacing: { ...LINE, after: 320 },
    }),
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

  const doc = new Document({
    title: `${r.planTitle}巡视整改进展情况`,
    creator: 'rectify',
    description: `截至${r.asOfZh}`,
    sections: [
      {
        properties: {
          page: {
            size: { width: Math.round(210 * MM), height: Math.round(297 * MM) },
            margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: FONTS.body, size: 28 })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
