/**
 * The file outbox: one JSON file per notice, named by its idempotency key and created
 * exclusively, so a retried activity never delivers the same notice twice. Digests are written
 * as one file per batch, alerts beside them. What workflow tests read instead of mail.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DigestBatch, RollupDigestResult, WeeklyDigestResult } from '../contracts/activities';
import type { RollupDigestInput } from '../contracts/inputs';
import type { RollupWeek } from '../domain/rollup-weekly';
import type { WeeklyDigest } from '../domain/weekly';
import type { CalendarAlert } from '../domain/calendar-alerts';
import type { DeliveryResult, Notice } from '../domain/notice';
import type { NoticeDelivery } from './ports';
import { AUDIENCE_LABELS } from '../domain/vocabulary';

const ALERT_PREFIX = 'alert-';
const DIGEST_PREFIX = 'digest-';
const WEEKLY_PREFIX = 'weekly-';
const ROLLUP_PREFIX = 'rollup-weekly-';

export class FileOutbox implements NoticeDelivery {
  constructor(readonly dir: string) {}

  static fileName(key: string): string {
    return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
  }

  /** One file per notice; each audience is named as a copy, with the file as its message id. */
  async deliver(notice: Notice): Promise<DeliveryResult> {
    const file = FileOutbox.fileName(notice.idempotencyKey);
    const result = await this.write(file, notice);
    return {
      ...result,
      sent: notice.audiences.map((audience) => ({ audience, name: AUDIENCE_LABELS[audience], messageId: `<${file}@outbox>` })),
    };
  }

  async sendDigest(batch: DigestBatch): Promise<DeliveryResult> {
    return this.write(`${DIGEST_PREFIX}${FileOutbox.fileName(batch.digestKey)}`, batch);
  }

  /** The weekly digest as one file per plan and week. */
  async sendWeekly(week: WeeklyDigest): Promise<WeeklyDigestResult> {
    await this.write(`${WEEKLY_PREFIX}${FileOutbox.fileName(`${week.planId}|${week.to}`)}`, week);
    return { sent: ['outbox'], open: week.open };
  }

  /** The roll-up digest as one file per week (its recipients beside it). */
  async sendRollupWeekly(week: RollupWeek, recipients: RollupDigestInput['recipients']): Promise<RollupDigestResult> {
    await this.write(`${ROLLUP_PREFIX}${FileOutbox.fileName(week.to)}`, { ...week, recipients });
    return { sent: ['outbox'], districts: week.rollup.districts.length, moved: week.moved.length };
  }

  async rollupWeeklies(): Promise<(RollupWeek & { recipients: RollupDigestInput['recipients']; deliveredAt: string })[]> {
    return this.read((n) => n.startsWith(ROLLUP_PREFIX));
  }

  async weeklies(): Promise<(WeeklyDigest & { deliveredAt: string })[]> {
    return this.read<WeeklyDigest & { deliveredAt: string }>((n) => n.startsWith(WEEKLY_PREFIX));
  }

  async reportUndelivered(batch: DigestBatch & { reason: string }): Promise<void> {
    await this.write(`${DIGEST_PREFIX}undelivered-${FileOutbox.fileName(batch.digestKey)}`, batch);
  }

  /** Calendar alerts to the office, beside the notices (list() leaves them out; alerts() reads them). */
  async alertOffice(alert: CalendarAlert): Promise<DeliveryResult> {
    return this.write(`${ALERT_PREFIX}${FileOutbox.fileName(alert.idempotencyKey)}`, alert);
  }

  async alerts(): Promise<(CalendarAlert & { deliveredAt: string })[]> {
    return (await this.read<CalendarAlert & { deliveredAt: string }>((n) => n.startsWith(ALERT_PREFIX))).sort((a, b) =>
      a.idempotencyKey.localeCompare(b.idempotencyKey),
    );
  }

  private async write(file: string, record: object): Promise<DeliveryResult> {
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFile(join(this.dir, file), `${JSON.stringify({ ...record, deliveredAt: new Date().toISOString() }, null, 2)}\n`, {
        flag: 'wx',
      });
      return { delivered: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { delivered: false };
      throw e;
    }
  }

  private async read<T>(wanted: (name: string) => boolean): Promise<T[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json') && wanted(n));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as T));
  }

  /** Every notice in the outbox, in the order they were planned. */
  async list(): Promise<(Notice & { deliveredAt: string })[]> {
    const all = await this.read<Notice & { deliveredAt: string }>(
      (n) => ![ALERT_PREFIX, DIGEST_PREFIX, WEEKLY_PREFIX, ROLLUP_PREFIX].some((prefix) => n.startsWith(prefix)),
    );
    return all.sort(
      (a, b) =>
        a.plannedAt.localeCompare(b.plannedAt) ||
        a.deliveredAt.localeCompare(b.deliveredAt) ||
        a.idempotencyKey.localeCompare(b.idempotencyKey),
    );
  }
}
