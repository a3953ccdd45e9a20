/**
 * The desk's own files moved into the cluster's database by `rectify migrate --to-database`:
 * accounts (with their hashes and dates), installed holiday years and evidence (each file once,
 * with its owners). Each item already there stays as it is, so a run again moves nothing twice;
 * a year installed there with a different arrangement stops the move, naming it.
 */
import { calendarDir, FileCalendarStore } from '../../config/calendar-store';
import { databaseName, deskPool, migrateDeskDb } from '../../config/desk/db';
import { PgAccountStore, PgCalendarStore } from '../../config/desk/pg';
import type { Settings } from '../../config/settings';
import { FileAccountStore } from '../../config/users';
import { FileEvidenceStore, PgEvidenceStore } from '../web/evidence-store';

export interface DeskMove {
  accounts: { moved: number; present: number };
  years: { moved: number; present: number };
  evidence: { moved: number; present: number };
}

export async function moveDeskState(
  settings: Settings,
  url: string,
  dryRun: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeskMove> {
  const accounts = await new FileAccountStore(settings.web.usersFile).list();
  const years = await new FileCalendarStore(calendarDir(env)).read();
  const files = new FileEvidenceStore(settings.web.evidenceDir);
  const out: DeskMove = { accounts: { moved: 0, present: 0 }, years: { moved: 0, present: 0 }, evidence: { moved: 0, present: 0 } };
  if (dryRun) {
    out.accounts.moved = accounts.length;
    out.years.moved = Object.keys(years).length;
    out.evidence.moved = await files.count();
    return out;
  }
  const pool = deskPool(url);
  try {
    await migrateDeskDb(pool);
    const where = databaseName(url);
    const pgAccounts = new PgAccountStore(pool, where);
    for (const a of accounts) out.accounts[(await pgAccounts.adopt(a)) ? 'moved' : 'present'] += 1;
    const pgCalendar = new PgCalendarStore(pool, where);
    for (const [year, arrangement] of Object.entries(years)) {
      const { outcome } = await pgCalendar.install(Number(year), arrangement);
      out.years[outcome === 'unchanged' ? 'present' : 'moved'] += 1;
    }
    const pgEvidence = new PgEvidenceStore(pool, settings.web.evidenceDir);
    for await (const { meta, content } of files.all()) out.evidence[(await pgEvidence.adopt(meta, content)) ? 'moved' : 'present'] += 1;
  } finally {
    await pool.end();
  }
  return out;
}

export function describeDeskMove(m: DeskMove, dryRun: boolean): string[] {
  const line = (what: string, c: { moved: number; present: number }) =>
    dryRun ? `  ${what}：${c.moved}` : `  ${what}：迁移${c.moved}，已在目标${c.present}`;
  return [
    dryRun ? '本机办公状态（将迁入数据库）：' : '本机办公状态（已迁入数据库）：',
    line('网页账号', m.accounts),
    line('安装的节假日年份', m.years),
    line('佐证材料', m.evidence),
  ];
}
