/**
 * Holiday arrangements installed for the whole deployment (`rectify calendar import --install`):
 * one file per year, `<year>.json` in the plan's `calendar.years` shape, in RECTIFY_CALENDAR_DIR
 * (default var/calendar). Every CLI command and every worker reads them at start, on top of the
 * `chinese-days` data; `rectify calendar refresh` then hands them to running measures.
 * On several machines the folder must be shared (or installed on each).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { calendarYearProblems, type CalendarYear } from '../domain/calendar';
import { useInstalledYears } from '../domain/calendar-data';
import { calendarYears } from '../domain/plan/schema';

export class CalendarStoreError extends Error {
  override name = 'CalendarStoreError';
}

/** RECTIFY_CALENDAR_DIR, else the `calendar` folder of RECTIFY_VAR_DIR (var/). */
export function calendarDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.RECTIFY_CALENDAR_DIR || join(env.RECTIFY_VAR_DIR ?? 'var', 'calendar'));
}

/** Checks one year file's content: the calendar.years shape, each date in its year. */
function parseYearFile(path: string, text: string): Record<string, CalendarYear> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CalendarStoreError(`${path}：不是有效的 JSON: ${(e as Error).message}`);
  }
  const parsed = calendarYears.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CalendarStoreError(`${path}: ${issue.path.join('.') || '（根）'}: ${issue.message}`);
  }
  const [problem] = calendarYearProblems(parsed.data);
  if (problem) throw new CalendarStoreError(`${path}: ${problem.year}.${problem.list}[${problem.index}]: ${problem.message}`);
  return parsed.data;
}

/** Every installed year; a missing folder installs nothing. */
export function readInstalledYears(dir: string): Record<string, CalendarYear> {
  if (!existsSync(dir)) return {};
  const years: Record<string, CalendarYear> = {};
  for (const name of readdirSync(dir)
    .filter((n) => /^\d{4}\.json$/.test(n))
    .sort()) {
    const path = join(dir, name);
    const data = parseYearFile(path, readFileSync(path, 'utf8'));
    const year = name.slice(0, 4);
    if (!data[year] || Object.keys(data).length !== 1) throw new CalendarStoreError(`${path}：应只含${year}年的安排`);
    years[year] = data[year];
  }
  return years;
}

/** Reads the installed years and makes them this process's published years. */
export async function loadInstalledCalendar(store: CalendarStore): Promise<Record<string, CalendarYear>> {
  const years = await store.read();
  useInstalledYears(years);
  return years;
}

/** Where the installed years are kept: files (the embedded default) or the cluster's database (config/desk/pg.ts). */
export interface CalendarStore {
  /** For messages: the folder or the database. */
  readonly where: string;
  read(): Promise<Record<string, CalendarYear>>;
  /** Installs a year; a different arrangement for a year already installed (an amended notice) needs `force`. */
  install(year: number, arrangement: CalendarYear, force?: boolean): Promise<{ path: string; outcome: InstallOutcome }>;
}

/** One file a year in a folder (RECTIFY_CALENDAR_DIR, var/calendar). */
export class FileCalendarStore implements CalendarStore {
  constructor(readonly dir: string) {}
  get where(): string {
    return this.dir;
  }
  read(): Promise<Record<string, CalendarYear>> {
    return Promise.resolve(readInstalledYears(this.dir));
  }
  install(year: number, arrangement: CalendarYear, force = false): Promise<{ path: string; outcome: InstallOutcome }> {
    return Promise.resolve(installYear(this.dir, year, arrangement, force));
  }
}

/** An arrangement checked as a year file's content would be (the database keeps the same shape). */
export function checkedArrangement(where: string, year: number, arrangement: CalendarYear): void {
  parseYearFile(where, `${JSON.stringify({ [String(year)]: arrangement })}`);
}

export type InstallOutcome = 'installed' | 'replaced' | 'unchanged';

/**
 * Installs a year (written whole, then renamed into place). A different arrangement for a year
 * already installed (an amended notice) needs `force`.
 */
export function installYear(
  dir: string,
  year: number,
  arrangement: CalendarYear,
  force = false,
): { path: string; outcome: InstallOutcome } {
  const path = join(dir, `${year}.json`);
  const text = `${JSON.stringify({ [String(year)]: arrangement }, null, 2)}\n`;
  parseYearFile(path, text);
  let outcome: InstallOutcome = 'installed';
  if (existsSync(path)) {
    if (readFileSync(path, 'utf8') === text) return { path, outcome: 'unchanged' };
    if (!force) throw new CalendarStoreError(`${path} 已有${year}年的不同安排；确认以新通知为准请加 --force`);
    outcome = 'replaced';
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  return { path, outcome };
}
