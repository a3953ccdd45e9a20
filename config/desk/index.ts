/**
 * Where the desk keeps its own state: files under var/ for the embedded default (one machine), or
 * the cluster's PostgreSQL when RECTIFY_DATABASE_URL is set (every web, worker and CLI at once).
 * One place decides, for the web, the worker and the CLI alike.
 */
import type { Pool } from 'pg';
import type { SignInCounter } from '../../domain/sign-in';
import { calendarDir, FileCalendarStore, loadInstalledCalendar, type CalendarStore } from '../calendar-store';
import type { Settings } from '../settings';
import { FileAccountStore, type AccountStore } from '../users';
import { databaseName, deskPool, migrateDeskDb } from './db';
import { PgAccountStore, PgCalendarStore, PgSignInCounter } from './pg';

export interface DeskState {
  accounts: AccountStore;
  calendar: CalendarStore;
  /** Failed sign-ins shared by every web instance; absent: each web process counts in memory. */
  signIns?: SignInCounter;
  /** The database, when there is one (evidence is kept there too). */
  pool?: Pool;
  /** Where the state is, for messages: var/ or the database. */
  where: string;
  close(): Promise<void>;
}

export async function openDeskState(
  settings: Pick<Settings, 'web' | 'desk'>,
  env: NodeJS.ProcessEnv = process.env,
  now = () => Date.now(),
): Promise<DeskState> {
  const url = settings.desk.databaseUrl;
  if (!url) {
    return {
      accounts: new FileAccountStore(settings.web.usersFile),
      calendar: new FileCalendarStore(calendarDir(env)),
      where: settings.web.usersFile,
      close: () => Promise.resolve(),
    };
  }
  const where = databaseName(url);
  const pool = deskPool(url);
  try {
    await migrateDeskDb(pool);
  } catch (e) {
    await pool.end();
    throw new Error(`${where}：${(e as Error).message}`, { cause: e });
  }
  return {
    accounts: new PgAccountStore(pool, where),
    calendar: new PgCalendarStore(pool, where),
    signIns: new PgSignInCounter(pool, now),
    pool,
    where,
    close: () => pool.end(),
  };
}

/**
 * The installed holiday years made this process's published years, from wherever the deployment
 * keeps them: at the start of every command, the worker and the doctor.
 */
export async function loadDeploymentCalendar(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const url = env.RECTIFY_DATABASE_URL;
  if (!url) {
    await loadInstalledCalendar(new FileCalendarStore(calendarDir(env)));
    return;
  }
  const pool = deskPool(url);
  try {
    await migrateDeskDb(pool);
    await loadInstalledCalendar(new PgCalendarStore(pool, databaseName(url)));
  } catch (e) {
    throw new Error(`${databaseName(url)}：${(e as Error).message}`, { cause: e });
  } finally {
    await pool.end();
  }
}
