/**
 * A YAML file read as lines, as the syntax diagnosis needs it: each line's indentation, key and
 * name in a message; and whether a mended text parses (the parser is the judge of every mend).
 */
import { LineCounter, parseDocument } from 'yaml';

export interface SyntaxFinding {
  line: number;
  message: string;
}

/** A slip found: where, what to do, and the lines with it mended (same number of lines) when a mend was found that parses. */
export interface Cause extends SyntaxFinding {
  fixed?: string[];
}

export const OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

export const indentOf = (line: string) => /^ */.exec(line)![0].length;
export const significant = (line: string | undefined) => line !== undefined && line.trim() !== '' && !line.trim().startsWith('#');
export const isDash = (line: string) => /^\s*-(\s|$)/.test(line);
/** Where a line's content starts: after the dash of a list item. */
export const contentColumn = (line: string) => (isDash(line) ? /^\s*-\s*/.exec(line)![0].length : indentOf(line));
const KEY = /^("[^"]*"|'[^']*'|[^\s#'"[\]{},][^#]*?):(?:\s|$)/;
export const keyOf = (line: string): string | undefined => {
  const m = KEY.exec(line.trim().replace(/^-\s+/, ''));
  return m ? m[1].replace(/^["']|["']$/g, '') : undefined;
};
/** A line's name in a message: its key (after its dash for a list item), or its first words. */
export const labelOf = (line: string) => {
  const key = keyOf(line);
  if (key !== undefined) return isDash(line) ? `- ${key}` : key;
  const t = line.trim();
  return t.length > 20 ? `${t.slice(0, 20)}…` : t;
};
/** A line that opens a block below it (`key:` or `-` with nothing after but an anchor or a tag). */
export const opensBlock = (line: string) =>
  /(^|:)$/.test(
    line
      .replace(/\s+#.*$/, '')
      .replace(/^\s*-\s*/, '')
      .replace(/(\s+[&!]\S*)+\s*$/, '')
      .trimEnd(),
  );
export const at = (lines: string[], i: number, line: string) => lines.map((l, k) => (k === i ? line : l));

/**
 * Whether a mended text parses around `from`..`to`: the few lines around first (quick), then the
 * whole file (a key may now repeat one further up), with no error up to a few lines below.
 */
export function mends(lines: string[], from: number, to: number): boolean {
  if (!parsesAround(lines, from, to)) return false;
  const lc = new LineCounter();
  const { errors } = parseDocument(lines.join('\n'), { ...OPTIONS, lineCounter: lc });
  return errors.every((e) => lc.linePos(e.pos[0]).line > to + 9);
}

/**
 * Whether the lines around `from`..`to` parse: from the nearest line above them no deeper than
 * any of them (a block of its own) to a few lines below; an error on the last two lines of a cut
 * short of the end is the cut's.
 */
function parsesAround(lines: string[], from: number, to: number): boolean {
  const end = Math.min(lines.length, to + 9);
  let least = Infinity;
  for (let k = from; k < end; k++) if (significant(lines[k])) least = Math.min(least, indentOf(lines[k]));
  let start = from;
  while (start > 0 && !(significant(lines[start]) && indentOf(lines[start]) <= least)) start--;
  const window = lines.slice(start, end);
  const lc = new LineCounter();
  const { errors } = parseDocument(window.join('\n'), { ...OPTIONS, lineCounter: lc });
  return errors.every((e) => end < lines.length && lc.linePos(e.pos[0]).line >= window.length - 1);
}
