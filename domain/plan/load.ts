/**
 * Reading a plan file's text into a validated Plan, with every problem located:
 * file, line and field. Pure: the caller reads the file.
 */
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument, isAlias, isMap, isNode, isScalar, visit, type Document } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { directory as directorySchema, measure as measureSchema, plan as planSchema, type Directory, type Plan } from './schema';
import { checkPlan, type CheckablePlan, type PlanPath } from './check';

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
  const where = i.row !== undefined ? `${i.file} 第${i.row}行` : i.line !== undefined ? `${i.file}:${i.line}` : i.file;
  return `${i.severity === 'error' ? '错误' : '警告'} ${where} ${i.field}: ${i.message}`;
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
    if (typeof id === 'string') out += ` (措施 ${id})`;
  }
  return out || '(文件)';
}

export interface ParsedPlan {
  plan?: Plan;
  issues: PlanIssue[];
}

export function parsePlanText(text: string, file: string): ParsedPlan {
  const lineCounter = new LineCounter();
  const isJson = /\.json$/i.test(file);
  if (isJson) {
    // yaml reads JSON too (and gives positions for fields), but strict JSON syntax is checked first.
    const errors: ParseError[] = [];
    parseJson(text, errors, { disallowComments: true, allowTrailingComma: false });
    if (errors.length) {
      return {
        issues: errors.map((e) => ({
          file,
          line: text.slice(0, e.offset).split('\n').length,
          field: '(JSON)',
          message: `JSON 语法错误: ${printParseErrorCode(e.error)}`,
          severity: 'error' as const,
        })),
      };
    }
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    return {
      issues: doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        field: '(YAML)',
        message: `YAML 语法错误: ${e.message.split('\n')[0]}`,
        severity: 'error' as const,
      })),
    };
  }
  const data = toData(doc, lineCounter, file);
  if ('issues' in data) return { issues: data.issues };
  return validatePlanData(data.value, file, (path) => ({ line: lineOfPath(doc, lineCounter, path) }));
}

/**
 * The document as plain data; an alias to no anchor (`*name`), or too many aliases (a file that
 * would expand without end), is an issue at its line rather than a thrown error.
 */
function toData(doc: Document, lineCounter: LineCounter, file: string): { value: unknown } | { issues: PlanIssue[] } {
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (e) {
    let pos: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (pos === undefined && node.resolve(doc) === undefined) pos = node.range?.[0];
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
          message: `YAML 别名无效: ${(e as Error).message.split('\n')[0]}(计划文件中不要使用 *别名)`,
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
  if (doc.errors.length)
    return {
      issues: doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        field: '(YAML)',
        message: `语法错误: ${e.message.split('\n')[0]}`,
        severity: 'error' as const,
      })),
    };
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

type Raw = Record<string, unknown>;
const asRecord = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Each field of `raw` that passes its own schema; the others left out. */
function validFields<T extends Raw>(
  shape: Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>,
  raw: unknown,
): Partial<T> {
  const out: Raw = {};
  for (const [key, field] of Object.entries(shape)) {
    const parsed = field.safeParse(asRecord(raw)[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as Partial<T>;
}

/**
 * The plan as far as it parses, so that cross-field checks run beside the schema's errors and one
 * run lists every finding: each section that is valid, and of each invalid element (a unit with a
 * malformed address, a measure with an unknown kind) what is valid about it. Nothing is invented:
 * a check that needs a part that failed is skipped (the schema's error already says so).
 */
function salvage(data: unknown): { plan: CheckablePlan; measureIndex: number[] } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const raw = data as Raw;
  const shape = planSchema.shape;
  const field = <T>(key: keyof typeof shape, fallback: T): T => {
    const parsed = shape[key].safeParse(raw[key]);
    return parsed.success ? (parsed.data as T) : fallback;
  };
  const dir = asRecord(raw.directory);
  const units = asList(dir.units).flatMap((u) => {
    const name = asRecord(u).name;
    if (typeof name !== 'string' || !name.trim()) return [];
    const emails = asList(asRecord(u).emails).filter((e): e is string => typeof e === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e));
    return [{ name: name.trim(), emails }];
  });
  const leaders = asList(dir.leaders).flatMap((l) => {
    const role = asRecord(l).role;
    return typeof role === 'string' && role.trim() ? [{ role: role.trim(), email: String(asRecord(l).email ?? '') }] : [];
  });
  const group = (g: unknown, name: string) => ({ name: String(asRecord(g).name ?? name), emails: [] as string[] });
  const calendar = shape.calendar.safeParse(raw.calendar);
  const problems = asList(raw.problems).flatMap((p) => {
    const no = asRecord(p).no;
    return Number.isInteger(no) ? [{ no: no as number, title: String(asRecord(p).title ?? '') }] : [];
  });
  const measures: CheckablePlan['measures'] = [];
  const measureIndex: number[] = [];
  asList(raw.measures).forEach((m, i) => {
    const whole = measureSchema.safeParse(m);
    const fields = whole.success ? whole.data : validFields<Plan['measures'][number]>(measureSchema.shape, m);
    const failed = Object.keys(asRecord(m)).filter((k) => !(k in fields));
    measures.push({ ...fields, participants: fields.participants ?? [], failed });
    measureIndex.push(i);
  });
  const feedback = shape.feedbackDate.safeParse(raw.feedbackDate);
  return {
    plan: {
      id: field('id', ''),
      title: field('title', ''),
      feedbackDate: feedback.success ? feedback.data : undefined,
      timeZone: field('timeZone', 'Asia/Shanghai'),
      calendar: calendar.success ? calendar.data : undefined,
      calendarChecked: calendar.success,
      directory: {
        units,
        leaders,
        office: { ...group(dir.office, '巡察办'), emails: [] },
        leadershipGroup: group(dir.leadershipGroup, '领导小组'),
      },
      policy: field('policy', {}),
      problems,
      measures,
    },
    measureIndex,
  };
}

function pathOf(issue: $ZodIssue): PlanPath {
  return issue.path.filter((k): k is string | number => typeof k !== 'symbol');
}

function zodMessage(issue: $ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `未知字段: ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return '缺少必填字段';
  return issue.message;
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
