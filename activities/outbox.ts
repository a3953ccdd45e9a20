/**
 * The file outbox: one JSON file per notice, named by its idempotency key and created
 * exclusively, so a retried activity never delivers the same notice twice.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliveryResult, Notice } from '../domain/notice';

export class FileOutbox {
  constructor(readonly dir: string) {}

  static fileName(key: string): string {
    return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
  }

  async deliver(notice: Notice): Promise<DeliveryResult> {
    await mkdir(this.dir, { recursive: true });
    const record = { ...notice, deliveredAt: new Date().toISOString() };
    try {
      await writeFile(join(this.dir, FileOutbox.fileName(notice.idempotencyKey)), `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
      return { delivered: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { delivered: false };
      throw e;
    }
  }

  /** Every notice in the outbox, in the order they were planned. */
  async list(): Promise<(Notice & { deliveredAt: string })[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const all = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8'))));
    return all.sort((a, b) => a.plannedAt.localeCompare(b.plannedAt) || a.deliveredAt.localeCompare(b.deliveredAt) || a.idempotencyKey.localeCompare(b.idempotencyKey));
  }
}
