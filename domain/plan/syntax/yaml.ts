/**
 * A plan file's YAML slips as the office reads them: one error per cause, in Chinese, at the line
 * of the slip, saying what to fix. The yaml library reports one slip as several errors, in English,
 * often on another line (a key indented one space too far is "a nested mapping in a compact
 * mapping" on the line above it; an unclosed single quote is at the end of the file). Here the
 * parser itself is the judge: an indentation slip is found by trying the columns of the lines
 * around the first error until the few lines around it parse, and a missing colon, an unclosed
 * quote or bracket, or a value with ": " in it the same way; the file is then read again with that
 * fix, so that a second, independent slip is reported too and what followed from the first is not.
 * What no fix explains is the library's first error, translated (by its `code`).
 */
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { indentationCause, openerOf, TAB } from './indentation';
import { at, contentColumn, indentOf, isDash, keyOf, labelOf, mends, OPTIONS, significant, type Cause, type SyntaxFinding } from './lines';

export type { SyntaxFinding } from './lines';

const MAX_FINDINGS = 5;

/** The findings for a text whose parse gave `errors` (positions counted by `lineCounter`). */
export function yamlFindings(text: string, errors: readonly YAMLError[], lineCounter: LineCounter): SyntaxFinding[] {
  const findings: SyntaxFinding[] = [];
  let lines = text.split(/\r?\n/);
  let parsed = { errors, lineCounter };
  while (parsed.errors.length && findings.length < MAX_FINDINGS) {
    const cause = diagnose(lines, parsed.errors, parsed.lineCounter);
    if (findings.some((f) => f.line === cause.line)) break;
    findings.push({ line: cause.line, message: cause.message });
    if (!cause.fixed) break;
    lines = cause.fixed;
    const lc = new LineCounter();
    parsed = { errors: parseDocument(lines.join('\n'), { ...OPTIONS, lineCounter: lc }).errors, lineCounter: lc };
  }
  return findings;
}

const STRUCTURAL = ['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR', 'UNEXPECTED_TOKEN', 'DUPLICATE_KEY'];

function diagnose(lines: string[], errors: readonly YAMLError[], lc: LineCounter): Cause {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  const { line, col } = lc.linePos(first.pos[0]);
  const i = Math.min(line - 1, lines.length - 1);
  const endLine = lc.linePos(Math.max(first.pos[0], first.pos[1] - 1)).line - 1;
  const char = (lines[i] ?? '')[col - 1] ?? '';
  const where = `第${i + 1}行第${col}列`;
  if (first.code === 'TAB_AS_INDENT') {
    return indentationCause(lines, [i], [i]) ?? { line: i + 1, message: `第${i + 1}行：${TAB}；请改为空格` };
  }
  if (/closing .?quote/.test(first.message)) return unclosedQuote(lines, lc, first.pos[0], first.message.includes("'") ? "'" : '"');
  if (/^Flow (sequence|mapping) in block collection/.test(first.message)) {
    const cause = unclosedBracket(lines, i);
    if (cause) return cause;
  }
  if (first.code === 'BAD_SCALAR_START') {
    const prefix = lines[i].slice(indentOf(lines[i]), col - 1);
    const value = lines[i].slice(col - 1).trimEnd();
    const fixed = at(lines, i, lines[i].slice(0, col - 1) + JSON.stringify(value));
    return {
      line: i + 1,
      message: `${where}：不加引号的值不能以“${char}”开头；请给整个值加上英文双引号，写成 ${prefix}${JSON.stringify(value)}`,
      fixed: mends(fixed, i, i) ? fixed : undefined,
    };
  }
  if (STRUCTURAL.includes(first.code)) {
    const region = regionAround(lines, i, Math.min(Math.max(i, endLine), i + 3));
    // A line between two columns is often right, and the first line of its block wrong.
    const fix = indentationCause(lines, region, [...region, ...openerOf(lines, i)]);
    if (fix) return fix;
    if (first.code === 'DUPLICATE_KEY') return duplicateKey(lines, i, col);
    const other = missingColon(lines, region) ?? colonInValue(lines, region);
    if (other) return other;
  }
  return { line: i + 1, message: `${where}：${translate(first, char)}` };
}

/** The significant lines from two before `from` to one after `to`. */
function regionAround(lines: string[], from: number, to: number): number[] {
  const before: number[] = [];
  for (let k = from; k >= 0 && before.length < 3; k--) if (significant(lines[k])) before.unshift(k);
  const after: number[] = [];
  for (let k = from + 1; k < lines.length; k++) {
    if (!significant(lines[k])) continue;
    after.push(k);
    if (k > to) break;
  }
  return [...before, ...after];
}

/** `kind deadline`, `kind:deadline`, or `participants` over its list: a colon missing, or its space. */
function missingColon(lines: string[], region: number[]): Cause | undefined {
  for (const i of region) {
    const line = lines[i];
    const head = /^\s*(?:-\s+)?/.exec(line)![0];
    const body = line.slice(head.length).trimEnd();
    if (/^["'#[{&*!|>%@`]/.test(body) || keyOf(line) !== undefined) continue;
    const noSpace = /^([^\s:]+):(\S.*)$/.exec(body);
    const spaced = /^([^\s:]+)\s+([^\s#].*)$/.exec(body);
    const bare = /^[^\s:]+$/.test(body) ? body : undefined;
    const mended = noSpace ? `${noSpace[1]}: ${noSpace[2]}` : spaced ? `${spaced[1]}: ${spaced[2]}` : bare ? `${bare}:` : undefined;
    if (!mended) continue;
    const fixed = at(lines, i, head + mended);
    if (!mends(fixed, region[0], region[region.length - 1])) continue;
    const message = noSpace
      ? `“${body}”的冒号后缺少空格；请写成“${mended}”`
      : spaced
        ? `“${body}”缺少冒号；键和值之间要用英文冒号加空格隔开，写成“${mended}”`
        : `“${body}”后缺少冒号；请写成“${mended}”`;
    return { line: i + 1, message: `第${i + 1}行：${message}`, fixed };
  }
  return undefined;
}

/** `text: 说明: 见附件`: a value with ": " in it reads as a key one level down. */
function colonInValue(lines: string[], region: number[]): Cause | undefined {
  for (const i of region) {
    const m = /^(\s*(?:-\s+)?)([^\s:#][^:#]*?):\s+([^"'\s].*?)\s*$/.exec(lines[i]);
    if (!m || !/:(\s|$)/.test(m[3])) continue;
    const fixed = at(lines, i, `${m[1]}${m[2]}: ${JSON.stringify(m[3])}`);
    if (!mends(fixed, region[0], region[region.length - 1])) continue;
    return {
      line: i + 1,
      message: `第${i + 1}行：“${m[2]}”的值中有“: ”（冒号加空格），YAML 会把它当作下一层的键；请给整个值加上英文双引号，写成 ${m[2]}: "…"`,
      fixed,
    };
  }
  return undefined;
}

function duplicateKey(lines: string[], i: number, col: number): Cause {
  const key = /^("[^"]*"|'[^']*'|[^:,{}[\]]+?)\s*:/.exec(lines[i].slice(col - 1))?.[1].replace(/^["']|["']$/g, '') ?? labelOf(lines[i]);
  const column = col - 1;
  let earlier: number | undefined;
  for (let k = i - 1; k >= 0 && earlier === undefined; k--) {
    const l = lines[k];
    if (!significant(l)) continue;
    if (contentColumn(l) === column && keyOf(l) === key) earlier = k;
    else if (indentOf(l) < column && !(isDash(l) && contentColumn(l) === column)) break;
  }
  // Mended by dropping the second key with its block (blank lines keep the numbering).
  const fixed = [...lines];
  fixed[i] = '';
  for (let k = i + 1; k < lines.length && (!significant(lines[k]) || indentOf(lines[k]) > column); k++) fixed[k] = '';
  const already = earlier === undefined ? '同一层已有' : `同一层的第${earlier + 1}行已有`;
  return { line: i + 1, message: `第${i + 1}行：“${key}”重复，${already}“${key}”；请删去其中一个`, fixed };
}

/** A quoted value never closed: at its opening quote (the library reports where the text ran out). */
function unclosedQuote(lines: string[], lc: LineCounter, pos: number, quote: string): Cause {
  const text = lines.join('\n');
  let open = Math.min(pos, text.length) - 1;
  for (; open >= 0; open--) {
    if (text[open] !== quote) continue;
    if (quote === "'" && text[open - 1] === "'")
      open--; // '' is a quote inside single quotes
    else if (quote === '"' && text[open - 1] === '\\')
      continue; // \" inside double quotes
    else break;
  }
  const { line, col } = lc.linePos(Math.max(open, 0));
  const fixed = at(lines, line - 1, lines[line - 1].trimEnd() + quote);
  return {
    line,
    message: `第${line}行第${col}列：引号“${quote}”没有闭合；请在该值的末尾补上“${quote}”`,
    fixed: mends(fixed, line - 1, line - 1) ? fixed : undefined,
  };
}

/** `participants: [区财政局, 区商务局` over lines: the line whose bracket is never closed. */
function unclosedBracket(lines: string[], from: number): Cause | undefined {
  for (let k = from; k >= Math.max(0, from - 20); k--) {
    const bare = lines[k].replace(/"[^"]*"|'[^']*'/g, '');
    for (const [open, close, name] of [
      ['[', ']', '方括号'],
      ['{', '}', '花括号'],
    ] as const) {
      if (bare.split(open).length <= bare.split(close).length) continue;
      const fixed = at(lines, k, lines[k].trimEnd() + close);
      return {
        line: k + 1,
        message: `第${k + 1}行：${name}“${open}”没有闭合；请在${open === '[' ? '列表' : ''}末尾补上“${close}”`,
        fixed: mends(fixed, k, from) ? fixed : undefined,
      };
    }
  }
  return undefined;
}

/** The library's error in words, by its code, with what to do. */
function translate(e: YAMLError, char: string): string {
  const m = e.message;
  switch (e.code) {
    case 'BAD_INDENT':
      return '缩进有误，同一层的各项应从同一列开始；请检查该行和上一行的缩进';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return '同一行中不能再写“键: 值”或“- ”列表；值中有“: ”时请给整个值加上英文双引号，否则请检查下一行的缩进';
    case 'MULTILINE_IMPLICIT_KEY':
      return '键不能跨行；该行可能缺少冒号，或下一行的缩进有误';
    case 'TAB_AS_INDENT':
      return '用了制表符（Tab）缩进，YAML 只能用空格缩进；请改为空格';
    case 'DUPLICATE_KEY':
      return '键重复；请删去其中一个';
    case 'BAD_SCALAR_START':
      return `不加引号的值不能以“${char}”开头；请给整个值加上英文双引号`;
    case 'ALIAS_PROPS':
    case 'BAD_ALIAS':
    case 'MULTIPLE_ANCHORS':
    case 'RESOURCE_EXHAUSTION':
      return '以“*”或“&”开头的值在 YAML 中是别名或锚点，计划文件中不用；如果这是文字，请给整个值加上英文双引号';
    case 'TAG_RESOLVE_FAILED':
    case 'MULTIPLE_TAGS':
    case 'BAD_PROP_ORDER':
    case 'BAD_COLLECTION_TYPE':
      return '以“!”开头的值在 YAML 中是类型标签，计划文件中不用；如果这是文字，请给整个值加上英文双引号';
    case 'BAD_DQ_ESCAPE':
      return '双引号中的反斜杠“\\”后是无效的转义；要写反斜杠本身请写成“\\\\”，或改用单引号';
    case 'BAD_DIRECTIVE':
      return '以“%”开头的行是 YAML 指令，计划文件中不用；请删去，或给该值加上英文双引号';
    case 'MULTIPLE_DOCS':
      return '一个文件只能有一份计划；请删去“---”之后的内容';
    case 'BLOCK_IN_FLOW':
      return '方括号或花括号中不能换行写“- ”列表或“键: 值”；请检查括号是否闭合';
    case 'KEY_OVER_1024_CHARS':
      return '键太长（冒号离该项开头超过1024个字符）；是否漏了冒号或换行？';
    case 'NON_STRING_KEY':
      return '键只能是文字；请检查该行的写法';
    case 'UNEXPECTED_TOKEN':
      return `此处的“${char}”多余或无法识别；请检查冒号、逗号、括号和引号`;
    case 'MISSING_CHAR':
      if (/without - indicator/.test(m)) return '列表项前缺少“- ”，或该行的缩进有误';
      if (/followed by map values/.test(m)) return '缺少冒号；“键: 值”中的冒号和空格不能省';
      if (/Missing , (or : )?between/.test(m)) return '括号中的两项之间缺少英文逗号';
      if (/Comments must be separated/.test(m)) return '“#”开始注释，前面要有空格';
      if (/directives-end/.test(m)) return '一个文件只能有一份计划；请删去“---”或“...”之后的内容';
      return '缺少必要的符号；请检查冒号、逗号、括号和引号是否齐全';
    default:
      return '格式有误；请检查该行的缩进、冒号、括号和引号';
  }
}
