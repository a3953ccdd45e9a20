/**
 * Reading a plan file's text into a validated Plan, with every problem located:
 * file, line and field. Pure: the caller reads the file.
 */
import { parse as parseJson, type ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument, isAlias, isMap, isNode, isScalar, visit, type Document } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { directory as directorySchema, plan as planSchema, type Directory, type Plan } from './schema';
import { checkPlan, type PlanPath } from './check';
import { salvage } from './salvage';
import { jsonFindings } from './syntax/json';
import { yamlFindings, type SyntaxFinding } from './syntax/yaml';

export interface PlanIssue {
  file: string;
  line?: number;
  /** Spreadsheet row (ledger import), 1-based as the office sees it. */
  row?: number;
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatIssue(i: PlanIssue): string {
  // A path stands apart from the words around it (it is copied into a shell or an editor).
  const where = i.row !== undefined ? `${i.file} 第${i.row}行` : i.line !== undefined ? `${i.file}:${i.line}` : i.file;
  return `${i.severity === 'error' ? '错误' : '警告'} ${where} ${i.field}：${i.message}`;
}

export class PlanError extends Error {
  constructor(readonly issues: PlanIssue[]) {
    super(
      issues
        .filter((i) => i.severity === 'error')
        .map(formatIssue)
        .join('\n'),
    );
    this.name = 'PlanError';
  }
}

export function formatPath(path: PlanPath, data?: unknown): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  // Name the measure too: the office knows measures by id, not by index.
  if (path[0] === 'measures' && typeof path[1] === 'number') {
    const id = (data as { measures?: { id?: unknown }[] } | undefined)?.measures?.[path[1]]?.id;
    if (typeof id === 'string') out += `（措施${id}）`;
  }
  return out || '（文件）';
}

export interface ParsedPlan {
  plan?: Plan;
  issues: PlanIssue[];
}

export function parsePlanText(text: string, file: string): ParsedPlan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntax = syntaxIssues(text, file, doc, lineCounter);
  if (syntax.length) return { issues: syntax };
  const data = toData(doc, lineCounter, file);
  if ('issues' in data) return { issues: data.issues };
  return validatePlanData(data.value, file, (path) => ({ line: lineOfPath(doc, lineCounter, path) }));
}

/**
 * A YAML or JSON file's syntax errors, one per cause, in Chinese, at their lines. JSON is checked
 * strictly first (yaml reads JSON too, and gives positions for fields, but would accept more).
 */
function syntaxIssues(text: string, file: string, doc: Document, lineCounter: LineCounter): PlanIssue[] {
  const issue =
    (field: string) =>
    (f: SyntaxFinding): PlanIssue => ({ file, line: f.line, field, message: f.message, severity: 'error' });
  if (/\.json$/i.test(file)) {
    const errors: ParseError[] = [];
    parseJson(text, errors, { disallowComments: true, allowTrailingComma: false });
    if (errors.length) return jsonFindings(text, errors).map(issue('(JSON)'));
  }
  return doc.errors.length ? yamlFindings(text, doc.errors, lineCounter).map(issue('(YAML)')) : [];
}

/**
 * The document as plain data; an alias to no anchor (`*name`), or too many aliases (a file that
 * would expand without end), is an issue at its line rather than a thrown error.
 */
function toData(doc: Document, lineCounter: LineCounter, file: string): { value: unknown } | { issues: PlanIssue[] } {
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch {
    let pos: number | undefined;
    let unresolved: string | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (pos === undefined && node.resolve(doc) === undefined) {
          pos = node.range?.[0];
          unresolved = node.source;
        }
      },
    });
    if (pos === undefined)
      visit(doc, {
        Alias(_key, node) {
          if (pos === undefined && isAlias(node)) pos = node.range?.[0];
        },
      });
    return {
      issues: [
        {
          file,
          line: pos === undefined ? undefined : lineCounter.linePos(pos).line,
          field: '(YAML)',
          message:
            unresolved === undefined
              ? 'YAML 别名无效：别名展开过多；请直接写出内容，不用“*”别名'
              : `YAML 别名无效：“*${unresolved}”是别名，它前面没有对应的锚点“&${unresolved}”；如果这是文字，请给整个值加上英文双引号`,
          severity: 'error',
        },
      ],
    };
  }
}

/**
 * A plan's directory on its own (units, leaders, office, leadership group), as the office keeps it
 * beside a ledger: YAML or JSON, either the section itself or a file with a top-level `directory:`.
 * Every finding with its line.
 */
export function parseDirectoryText(text: string, file: string): { directory?: Directory; issues: PlanIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntax = syntaxIssues(text, file, doc, lineCounter);
  if (syntax.length) return { issues: syntax };
  const converted = toData(doc, lineCounter, file);
  if ('issues' in converted) return { issues: converted.issues };
  const data = converted.value as Record<string, unknown> | null;
  const nested = !!data && typeof data === 'object' && 'directory' in data;
  const base: PlanPath = nested ? ['directory'] : [];
  const parsed = directorySchema.safeParse(nested ? data.directory : data);
  if (parsed.success) return { directory: parsed.data, issues: [] };
  return {
    issues: parsed.error.issues.map((issue) => {
      const path = [...base, ...pathOf(issue)];
      return {
        file,
        line: lineOfPath(doc, lineCounter, path),
        field: formatPath(path),
        message: zodMessage(issue),
        severity: 'error' as const,
      };
    }),
  };
}

/** Where a finding is: a line in a plan file, or a row (and column) of a ledger. */
export type Locate = (path: PlanPath) => { line?: number; row?: number; field?: string };

/** Schema and cross-field validation of plan data from any source. */
export function validatePlanData(data: unknown, file: string, locate: Locate): ParsedPlan {
  const at = (path: PlanPath, message: string, severity: 'error' | 'warning'): PlanIssue => {
    const { line, row, field } = locate(path);
    return { file, line, row, field: field ?? formatPath(path, data), message, severity };
  };
  const parsed = planSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => at(pathOf(issue), zodMessage(issue), 'error'));
    // Cross-check whatever did parse, so that one run lists every error.
    const partial = salvage(data);
    if (partial) issues.push(...checkPlan(partial.plan, partial.measureIndex).map((f) => at(f.path, f.message, f.severity)));
    return { issues };
  }
  return { plan: parsed.data, issues: checkPlan(parsed.data).map((f) => at(f.path, f.message, f.severity)) };
}

/** Throws PlanError unless the text is a valid plan; returns it with its warnings. */
export function requirePlan(text: string, file: string): { plan: Plan; warnings: PlanIssue[] } {
  const { plan, issues } = parsePlanText(text, file);
  if (!plan || issues.some((i) => i.severity === 'error')) throw new PlanError(issues);
  return { plan, warnings: issues };
}

function pathOf(issue: $ZodIssue): PlanPath {
  return issue.path.filter((k): k is string | number => typeof k !== 'symbol');
}

const TYPE_WORDS: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: 'true 或 false',
  array: '列表（每项以“- ”开头）',
  object: '一组“键: 值”',
  null: '空值',
};
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function zodMessage(issue: $ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `未知字段：${issue.keys.join('，')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return '缺少必填字段';
  // The schema's own words, else zod's English default in words.
  if (!/^[\x20-\x7e]*$/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `应为${TYPE_WORDS[issue.expected] ?? issue.expected}，这里是${TYPE_WORDS[typeOf(issue.input)] ?? typeOf(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array' ? `至少${issue.minimum}项` : issue.origin === 'string' ? '不能为空' : `不能小于${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `最多${issue.maximum}项`
        : issue.origin === 'string'
          ? `最多${issue.maximum}个字符`
          : `不能大于${issue.maximum}`;
    case 'invalid_value':
      return `应为 ${issue.values.map(String).join(' | ')} 之一`;
    default:
      return '格式有误';
  }
}

/** The line of the deepest key along the path that exists (a missing key points at its parent). */
function lineOfPath(doc: Document, lc: LineCounter, path: PlanPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const last = path[n - 1];
    if (n > 0 && typeof last === 'string') {
      // Point at the key (`milestones:`), not at a block value that starts on the next line.
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        if (pair && isNode(pair.key) && pair.key.range) return lc.linePos(pair.key.range[0]).line;
      }
      continue;
    }
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}
