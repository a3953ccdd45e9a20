/**
 * A plan as far as it parses, so that validation lists every finding in one run: the schema's
 * errors and, beside them, the cross-field checks of whatever is valid. Pure.
 */
import { measure as measureSchema, plan as planSchema, type Plan } from './schema';
import type { CheckablePlan } from './check';

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
export function salvage(data: unknown): { plan: CheckablePlan; measureIndex: number[] } | undefined {
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
