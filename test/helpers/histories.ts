/**
 * Recording histories for the replay test, never over a committed one: with RECORD_HISTORIES=1
 * a history is written under its name if that is free, else under `<name>.<date>.json`; an
 * existing file is never replaced. Every file in test/histories/ is replayed by replay.test.ts.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HISTORIES = join(__dirname, '../histories');

export async function recordHistory(name: string, handle: Pick<WorkflowHandle, 'fetchHistory'>): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const day = new Date().toISOString().slice(0, 10);
  const path = [join(HISTORIES, `${name}.json`), join(HISTORIES, `${name}.${day}.json`)].find((p) => !existsSync(p));
  if (!path) {
    console.warn(`${name}: 今天已记录过,未覆盖`);
    return;
  }
  writeFileSync(path, historyToJSON(await handle.fetchHistory()));
}
