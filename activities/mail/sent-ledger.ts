/**
 * What SMTP has accepted, by Message-ID, and what a group robot has taken, by its post's key
 * (`chat|…`), each record naming its channel (mail, wecom, dingtalk, feishu): a retried activity
 * checks here before sending again.
 * Two records, written after the server's 250: the activity's heartbeat details (kept by
 * Temporal, so a retry on any worker sees them; activities/attempt.ts) and one marker file per
 * message on this machine (which also covers a later activity sending the same message, say a
 * digest run again after it failed). The window that remains is a crash before these records
 * are written (activities/attempt.ts says how wide).
 */
import { createHash } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rememberSent, sentInEarlierAttempt } from '../attempt';
import { log } from '../log';

export class SentLedger {
  constructor(readonly dir: string) {}

  private file(messageId: string): string {
    return join(this.dir, `${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}.json`);
  }

  async has(messageId: string): Promise<boolean> {
    if (sentInEarlierAttempt(messageId)) {
      log.info('此前的尝试已发出（Temporal 记录），不再发送', { messageId });
      return true;
    }
    try {
      await access(this.file(messageId));
      log.info('已发出（本机发送台账），不再发送', { messageId });
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
