/**
 * Printing documents as an office does, without a printer: LibreOffice (headless) turns a .docx or
 * .xlsx into the PDF it would print, poppler reads it back: the words with their boxes (and from
 * them the size the text is printed at), and pages as PNG to look at. Each conversion has its own
 * LibreOffice profile under the run's scratch directory (TMPDIR), and nothing it started outlives
 * it (killed at its time limit). RECTIFY_PRINT_OUT=<dir> keeps the files, PDFs and PNGs there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import JSZip from 'jszip';

/** soffice on PATH (the Debian packages libreoffice-writer-nogui, libreoffice-calc-nogui). */
export const SOFFICE = process.env.SOFFICE_PATH ?? 'soffice';

/** The file printed to PDF by LibreOffice: the PDF's path (in a directory of its own, with the profile). */
export async function printToPdf(file: string, timeoutMs = 120_000): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-print-'));
  const profile = join(dir, 'profile');
  const args = [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', dir, file];
  // A process group of its own, so that a conversion that hangs is ended with everything it started.
  const child = spawn(SOFFICE, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const end = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* nothing left of it */
    }
  };
  const code = await new Promise<number | null>((done, fail) => {
    const timer = setTimeout(() => (end(), fail(new Error(`soffice did not finish in ${timeoutMs} ms: ${output}`))), timeoutMs);
    child.on('error', (e) => (clearTimeout(timer), fail(e)));
    child.on('exit', (c) => (clearTimeout(timer), end(), done(c)));
  });
  const pdf = join(dir, basename(file).replace(/\.[^.]+$/, '.pdf'));
  if (code !== 0 || !existsSync(pdf)) throw new Error(`soffice exited ${code} without ${pdf}: ${output}`);
  keep(file);
  keep(pdf);
  return pdf;
}

/** A word on a page (a run of text without a gap), its box in points from the page's top left. */
export interface PrintedWord {
  page: number;
  text: string;
  x: number;
  y: number;
  right: number;
  bottom: number;
}

export interface PrintedPage {
  number: number;
  width: number;
  height: number;
  words: PrintedWord[];
}

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
};

const unescape = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[name]!);

/** The PDF's pages and their words with their boxes (`pdftotext -bbox`). */
export function readPdf(pdf: string): PrintedPage[] {
  const html = run('pdftotext', ['-bbox', '-enc', 'UTF-8', pdf, '-']);
  return [...html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map((p, i) => ({
    number: i + 1,
    width: Number(p[1]),
    height: Number(p[2]),
    words: [...p[3].matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((w) => ({
      page: i + 1,
      text: unescape(w[5]),
      x: Number(w[1]),
      y: Number(w[2]),
      right: Number(w[3]),
      bottom: Number(w[4]),
    })),
  }));
}

/**
 * The size a word is printed at, in points, when it can be told from its width: Chinese characters
 * are one em wide in every Chinese font, so a word of four or more of them (no Latin, digits or
 * punctuation, whose widths vary) is as many ems wide. Justified lines may be a little wider.
 */
export function printedSize(w: PrintedWord): number | undefined {
  const chars = [...w.text];
  return chars.length >= 4 && /^\p{Script=Han}+$/u.test(w.text) ? (w.right - w.x) / chars.length : undefined;
}

/** Words in lines (tops within a third of a line of each other), page by page, top to bottom, each from the left. */
export function printedLines(words: PrintedWord[]): PrintedWord[][] {
  const sorted = [...words].sort((a, b) => a.page - b.page || a.y - b.y || a.x - b.x);
  const lines: PrintedWord[][] = [];
  for (const w of sorted) {
    const line = lines.at(-1);
    if (line && line[0].page === w.page && Math.abs(line[0].y - w.y) < (line[0].bottom - line[0].y) / 3) line.push(w);
    else lines.push([w]);
  }
  return lines.map((l) => l.sort((a, b) => a.x - b.x));
}

/** Words in reading order, for one column of text (a table's columns read apart: `columnsOf`). */
export const inReadingOrder = (words: PrintedWord[]) => printedLines(words).flat();

/** Lines of text, each without whitespace. */
export const lineTexts = (words: PrintedWord[]) => printedLines(words).map((l) => squeeze(l.map((w) => w.text).join('')));

/** Text to compare as a reader reads it: without whitespace (line breaks in a cell, spaces between runs). */
export const squeeze = (s: string) => s.replace(/\s+/g, '');

/** Pages as PNG at `dpi` (all, or first..last): their paths, in order. */
export function pagesToPng(pdf: string, dpi = 72, first?: number, last?: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-pages-'));
  const prefix = join(dir, basename(pdf, '.pdf'));
  run('pdftoppm', ['-png', '-r', String(dpi), ...(first ? ['-f', String(first)] : []), ...(last ? ['-l', String(last)] : []), pdf, prefix]);
  const pngs = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
  pngs.forEach(keep);
  return pngs;
}

/** With RECTIFY_PRINT_OUT set, a copy of the file there to look at after the run. */
function keep(file: string): void {
  const out = process.env.RECTIFY_PRINT_OUT;
  if (!out) return;
  mkdirSync(out, { recursive: true });
  copyFileSync(file, join(out, basename(file)));
}

/**
 * The workbook with every sheet but `name` hidden and that one active, as if an office printed that
 * sheet alone (LibreOffice prints every visible sheet).
 */
export async function onlySheet(xlsx: Buffer, name: string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  const path = 'xl/workbook.xml';
  let index = -1;
  let n = 0;
  const xml = (await zip.file(path)!.async('string'))
    .replace(/<sheet ([^>]*?)\/>/g, (tag, attrs: string) => {
      if (attrs.includes(`name="${name}"`)) return ((index = n++), tag);
      n++;
      return `<sheet ${attrs.replace(/\s*state="[^"]*"/, '')} state="hidden"/>`;
    })
    .replace(/activeTab="\d+"/, () => `activeTab="${index}"`);
  if (index < 0) throw new Error(`no sheet ${name} in the workbook`);
  zip.file(path, xml);
  return zip.generateAsync({ type: 'nodebuffer' });
}

/**
 * A table's column bounds on a page, from where its header prints: the first and the last column's
 * titles are centred in their columns, whose widths (in the sheet's units) are known.
 */
export function columnBounds(page: PrintedPage, titles: string[], widths: number[]): number[] {
  const header = (title: string) => {
    const w = page.words.filter((x) => x.text === title).sort((a, b) => a.y - b.y)[0];
    if (!w) throw new Error(`page ${page.number}: no header ${title}`);
    return w;
  };
  const first = header(titles[0]);
  const last = header(titles.at(-1)!);
  const starts = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const centre = (w: PrintedWord) => (w.x + w.right) / 2;
  const k = (centre(last) - centre(first)) / (starts.at(-1)! + widths.at(-1)! / 2 - widths[0] / 2);
  const left = centre(first) - (k * widths[0]) / 2;
  return [...starts, starts.at(-1)! + widths.at(-1)!].map((s) => left + k * s);
}

/** A table's words column by column, every page's below its header, in reading order. */
export function columnsOf(pages: PrintedPage[], titles: string[], widths: number[]): PrintedWord[][] {
  const columns: PrintedWord[][] = titles.map(() => []);
  for (const page of pages) {
    const bounds = columnBounds(page, titles, widths);
    const headerBottom = Math.max(...page.words.filter((w) => titles.includes(w.text)).map((w) => w.bottom));
    for (const w of page.words) {
      if (w.y <= headerBottom) continue;
      const i = bounds.findIndex((b, j) => j < titles.length && w.x >= b - 0.5 && w.x < bounds[j + 1] - 0.5);
      if (i >= 0) columns[i].push(w);
    }
  }
  return columns.map(inReadingOrder);
}

/** Words of one column that print over each other (a row too short for its text: the next row's text over the clipped lines). */
export function overprinted(words: PrintedWord[]): string[] {
  const clashes: string[] = [];
  for (let i = 0; i < words.length; i++)
    for (let j = i + 1; j < words.length && words[j].page === words[i].page; j++) {
      const [a, b] = [words[i], words[j]];
      const dy = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
      const dx = Math.min(a.right, b.right) - Math.max(a.x, b.x);
      if (dy > 0.3 * (a.bottom - a.y) && dx > 1) clashes.push(`p.${a.page}: ${a.text} / ${b.text}`);
    }
  return clashes;
}

/** A PNG's width and height in inches at `dpi`, from its header. */
export const pngInches = (file: string, dpi: number) => {
  const b = readFileSync(file);
  return [b.readUInt32BE(16), b.readUInt32BE(20)].map((px) => Math.round((px / dpi) * 10) / 10);
};
