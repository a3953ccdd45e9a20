/**
 * What SMTP has accepted, by Message-ID: a retried activity checks here before sending again.
 * Two records, written after the server's 250: the activity's heartbeat details (kept by
 * Temporal, so a retry on any worker sees them; activities/attempt.ts) and one marker file per
 * message on this machine (which also covers a later activity sending the same message, say a
 * digest run again after it failed). The window that remains: a crash between the server's
 * acceptance and the heartbeat reaching Temporal sends that one message twice if the retry runs
 * on another machine (on this one, between the acceptance and the file write).
 */
import { createHash } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rememberSent, sentInEarlierAttempt } from '../attempt';

export class SentLedger {
  constructor(readonly dir: string) {}

  private file(messageId: string): string {
    return join(this.dir, `${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}.json`);
  }

  async has(messageId: string): Promise<boolean> {
    if (sentInEarlierAttempt(messageId)) return true;
    try {
      await access(this.file(messageId));
      return true;
    } catch {
      return false;
    }
  }

  async record(messageId: string, info: Record<string, unknown>): Promise<void> {
    rememberSent(messageId);
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.file(messageId), `${JSON.stringify({ messageId, at: new Date().toISOString(), ...info })}\n`);
  }
}
