/** What the web needs besides a client, in a scratch directory: accounts, link keys, an evidence store. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccountStore, type AccountStore } from '../../config/users';
import { FileEvidenceStore, type EvidenceStore } from '../../client/web/evidence-store';
import type { LinkKeys } from '../../domain/links';

export interface WebAccess {
  dir: string;
  users: AccountStore;
  keys: LinkKeys;
  evidence: EvidenceStore;
}

export function webAccess(dir = mkdtempSync(join(tmpdir(), 'rectify-web-'))): WebAccess {
  return {
    dir,
    users: new FileAccountStore(join(dir, 'users.json')),
    keys: { current: randomBytes(32).toString('hex'), old: [] },
    evidence: new FileEvidenceStore(join(dir, 'evidence')),
  };
}
