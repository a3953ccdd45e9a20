/**
 * What SMTP has accepted, by Message-ID: a retried activity checks here before sending again.
 * One marker file per message, created after the server's 250. The window that remains: a
 * crash between the server's acceptance and this write sends that one message twice.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class SentLedger {
  constructor(readonly dir: string) {}

  private file(messageId: string): string {
    return join(this.dir, `${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}.json`);
  }

  async has(messageId: string): Promise<boolean> {
    try {
      await access(this.file(messageId));
      return true;
    } catch {
      return false;
    }
  }

  async record(messageId: string, info: Record<string, unknown>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.file(messageId), `${JSON.stringify({ messageId, at: new Date().toISOString(), ...info })}\n`);
  }
}
