/**
 * An indentation slip: which line, re-indented to which column, mends the text around the first
 * error, and what to tell the office (the sibling it belongs with, how many spaces to take away or
 * add). The search and its order are in `indentationCause`; the parser judges each try.
 */
import { at, contentColumn, indentOf, isDash, keyOf, labelOf, mends, opensBlock, significant, type Cause } from './lines';

/** The mend of the text around `region` by re-indenting one of `candidates` (or of a tab line), in words. */
export function indentationCause(lines: string[], region: number[], candidates: number[]): Cause | undefined {
  const fix = indentation(lines, region, candidates);
  return fix && { line: fix.line + 1, message: indentationMessage(lines, fix), fixed: fix.fixed };
}

/** The nearest line above `i` that is less indented (the first of `i`'s block, or its parent), and the line after it. */
export function openerOf(lines: string[], i: number): number[] {
  for (let k = i - 1; k >= 0; k--) {
    if (!significant(lines[k]) || indentOf(lines[k]) >= indentOf(lines[i])) continue;
    let next = k + 1;
    while (next < i && !significant(lines[next])) next++;
    return next < i ? [k, next] : [k];
  }
  return [];
}

interface IndentFix {
  line: number;
  column: number;
  was: number;
  fixed: string[];
  sibling?: { line: number; label: string };
}

/**
 * The line whose re-indenting mends the text around `region`. Of `candidates`, those whose column
 * (as a key, or a list item) the rest of the file uses least are tried first, each at the columns
 * of the lines around it and of its parents, nearest first. A line can go deeper only under a line
 * that opens a block (else it would continue the value above it), and a list item is not put at
 * its parent key's column (a compact list: valid, but nobody means it). Of the first few mends,
 * the one that leaves the file's indentation most regular (each line one step in from its parent).
 */
function indentation(lines: string[], region: number[], candidates: number[]): IndentFix | undefined {
  const uses = new Map<string, number>();
  const signature = (line: string) => `${indentOf(line)}${isDash(line) ? '-' : ''}`;
  for (const l of lines) if (significant(l)) uses.set(signature(l), (uses.get(signature(l)) ?? 0) + 1);
  const score = (k: number) => (compactItem(lines, k, indentOf(lines[k])) ? -1 : (uses.get(signature(lines[k])) ?? 0));
  const ordered = [...new Set(candidates)].sort((a, b) => score(a) - score(b));
  const from = Math.min(...region, ...candidates);
  const to = Math.max(...region, ...candidates);
  const step = usualStep(lines);
  const found: (IndentFix & { irregular: number })[] = [];
  for (const i of ordered) {
    const line = lines[i];
    const was = /^[ \t]*\t/.test(line) ? -1 : indentOf(line);
    let above = i - 1;
    while (above >= 0 && !significant(lines[above])) above--;
    const limit = above < 0 || opensBlock(lines[above]) ? Infinity : contentColumn(lines[above]);
    const columns = new Set<number>([0]);
    const add = (k: number) => {
      columns.add(indentOf(lines[k]));
      columns.add(contentColumn(lines[k]));
    };
    for (let k = Math.max(0, i - 10); k < Math.min(lines.length, i + 4); k++) if (k !== i && significant(lines[k])) add(k);
    for (const k of candidates) if (k !== i) add(k);
    for (let k = above, least = Infinity; k >= 0 && least > 0; k--)
      if (significant(lines[k]) && indentOf(lines[k]) < least) {
        add(k);
        least = indentOf(lines[k]);
      }
    const tried = [...columns]
      .filter((c) => c !== was && c <= limit && !(isDash(line) && compactItem(lines, i, c)))
      .sort((a, b) => Math.abs(a - was) - Math.abs(b - was) || (uses.get(`${b}`) ?? 0) - (uses.get(`${a}`) ?? 0));
    for (const column of tried) {
      const fixed = at(lines, i, ' '.repeat(column) + line.replace(/^[ \t]*/, ''));
      if (!mends(fixed, from, to)) continue;
      found.push({ line: i, column, was, fixed, sibling: siblingOf(fixed, i, column), irregular: irregular(fixed, from, to, step) });
      break;
    }
    if (found.length >= 3) break;
  }
  return found.sort((a, b) => a.irregular - b.irregular)[0];
}

/** The parent of line `k`: the nearest line above it that is less indented. */
function parentOf(lines: string[], k: number): number | undefined {
  for (let p = k - 1; p >= 0; p--) if (significant(lines[p]) && indentOf(lines[p]) < indentOf(lines[k])) return p;
  return undefined;
}

/** The step most lines are indented from their parents (2 in the files the importer writes). */
function usualStep(lines: string[]): number {
  const counts = new Map<number, number>();
  for (let k = 0; k < lines.length; k++) {
    if (!significant(lines[k])) continue;
    const p = parentOf(lines, k);
    if (p !== undefined)
      counts.set(indentOf(lines[k]) - indentOf(lines[p]), (counts.get(indentOf(lines[k]) - indentOf(lines[p])) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 2;
}

/** How many lines around `from`..`to` are not the usual step in from their parents. */
function irregular(lines: string[], from: number, to: number, step: number): number {
  let n = 0;
  for (let k = Math.max(0, from - 5); k < Math.min(lines.length, to + 20); k++) {
    if (!significant(lines[k])) continue;
    const p = parentOf(lines, k);
    if (p !== undefined && indentOf(lines[k]) - indentOf(lines[p]) !== step) n++;
  }
  return n;
}

/** Whether a list item at `column` on line `i` would sit at its parent key's column (`key:` then `- x` below it, not indented). */
function compactItem(lines: string[], i: number, column: number): boolean {
  if (!isDash(lines[i])) return false;
  for (let k = i - 1; k >= 0; k--) {
    if (!significant(lines[k]) || indentOf(lines[k]) > column) continue;
    return indentOf(lines[k]) === column && !isDash(lines[k]) && opensBlock(lines[k]);
  }
  return false;
}

/** The nearest line at `column` in the same block: above (a list item's key counts), else below. */
function siblingOf(lines: string[], i: number, column: number): { line: number; label: string } | undefined {
  for (let k = i - 1; k >= 0; k--) {
    const l = lines[k];
    if (!significant(l)) continue;
    if (indentOf(l) === column) return { line: k, label: labelOf(l) };
    if (isDash(l) && contentColumn(l) === column && keyOf(l) !== undefined) return { line: k, label: keyOf(l)! };
    if (indentOf(l) < column) break;
  }
  for (let k = i + 1; k < lines.length; k++) {
    const l = lines[k];
    if (!significant(l)) continue;
    if (indentOf(l) === column) return { line: k, label: labelOf(l) };
    if (indentOf(l) < column) break;
  }
  return undefined;
}

export const TAB = '行首用了制表符（Tab），YAML 只能用空格缩进';

function indentationMessage(lines: string[], fix: IndentFix): string {
  const label = labelOf(lines[fix.line]);
  const n = fix.line + 1;
  const sibling = fix.sibling && `“${fix.sibling.label}”（第${fix.sibling.line + 1}行）`;
  if (fix.was < 0) return `第${n}行：${TAB}；请改为${fix.column}个空格${sibling ? `，使“${label}”与同级的${sibling}对齐` : ''}`;
  if (!sibling) return `第${n}行：“${label}”的缩进有误；请改为行首${fix.column}个空格`;
  const d = Math.abs(fix.column - fix.was);
  return fix.column < fix.was
    ? `第${n}行：缩进有误，“${label}”比同级的${sibling}多缩进了${d}格；请删去${d}个空格，使它与“${fix.sibling!.label}”对齐`
    : `第${n}行：缩进有误，“${label}”比同级的${sibling}少缩进了${d}格；请补上${d}个空格，使它与“${fix.sibling!.label}”对齐`;
}
