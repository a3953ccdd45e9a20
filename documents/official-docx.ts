/**
 * Word documents in the form of official documents (GB/T 9704), shared by the progress report and
 * the dossier: A4 with top 37 mm, bottom 35 mm, left 28 mm, right 26 mm margins, the title in
 * 方正小标宋简体 (falling back to 宋体), headings in 黑体 and 楷体, body in 仿宋 三号 (16 pt) at a
 * fixed 28-pt line, first lines indented two characters; tables in 四号 (14 pt) whose rows stay
 * whole on a page, their header on every page; headings kept with what follows them; the page
 * number centred in the footer (— 1 —).
 */
import {
  AlignmentType,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';

/** East-Asian family names as Word and WPS know them; Latin text in Times New Roman. */
export const FONTS = {
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

/** Body text: a paragraph per line, the first line indented two characters. */
export function body(text: string): Paragraph[] {
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
export function heading(text: string, font: 'heading' | 'subheading'): Paragraph {
  return new Paragraph({ children: [run(text, font)], indent: { firstLine: 640 }, spacing: LINE, keepNext: true, keepLines: true });
}

/** The title (二号, centred) and the line under it (楷体), as the first paragraphs of a document. */
export function titleBlock(title: string, subtitle: string): Paragraph[] {
  return [
    new Paragraph({
      children: [run(title, 'title')],
      alignment: AlignmentType.CENTER,
      spacing: { line: 700, lineRule: LineRuleType.EXACT },
    }),
    new Paragraph({
      children: [run(subtitle, 'subheading')],
      alignment: AlignmentType.CENTER,
      spacing: { ...LINE, after: 320 },
    }),
  ];
}

/** The text block's width: A4 less the left and right margins, 156 mm. */
const TEXT_MM = 210 - 28 - 26;
/** On a landscape page (a wide table, such as the roll-up's): the A4's length less the top and bottom margins turned sideways, 225 mm. */
export const LANDSCAPE_TEXT_MM = 297 - 37 - 35;

/** A cell's text: a string, or lines (each its own paragraph: a date over its time, a recipient a line). */
export type CellText = string | string[];

/**
 * A table across the text block, its columns `mm` wide (the measure and the dates wider than the
 * rest), its header repeated on every page and no row broken across two pages.
 */
export function table(head: string[], rows: CellText[][], mm: number[], textMm = TEXT_MM): Table {
  const scale = textMm / mm.reduce((a, b) => a + b, 0);
  const widths = mm.map((w) => Math.floor(w * scale * MM));
  const cell = (text: CellText, i: number, bold = false) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      margins: { left: MM, right: MM }, // 1 mm: a date (2024年12月31日) fits its column on one line
      children: (Array.isArray(text) ? (text.length ? text : ['']) : [text]).map(
        (line) => new Paragraph({ children: [new TextRun({ text: line, font: FONTS.body, size: SIZE.table, bold })] }),
      ),
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

/**
 * The document on A4 with the official margins and the page number in its footer, as .docx bytes;
 * `landscape`: the page turned for a wide table, its margins turned with it.
 */
export async function officialDocx(o: {
  title: string;
  description: string;
  children: (Paragraph | Table)[];
  landscape?: boolean;
}): Promise<Buffer> {
  const margin = { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) };
  const doc = new Document({
    title: o.title,
    creator: 'rectify',
    description: o.description,
    sections: [
      {
        properties: {
          page: o.landscape
            ? {
                // docx turns the page itself: the size is given as A4 stands.
                size: { width: Math.round(210 * MM), height: Math.round(297 * MM), orientation: PageOrientation.LANDSCAPE },
                margin: { top: margin.left, bottom: margin.right, left: margin.top, right: margin.bottom },
              }
            : { size: { width: Math.round(210 * MM), height: Math.round(297 * MM) }, margin },
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
        children: o.children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
