/** What the web needs besides a client, in a scratch directory: accounts, link keys, an evidence store. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserStore } from '../../config/users';
import { EvidenceStore } from '../../client/web/evidence-store';
import type { LinkKeys } from '../../domain/links';

export interface WebAccess {
  dir: string;
  users: UserStore;
  keys: LinkKeys;
  evidence: EvidenceStore;
}

export function webAccess(dir = mkdtempSync(join(tmpdir(), 'rectify-web-'))): WebAccess {
  return {
    dir,
    users: new UserStore(join(dir, 'users.json')),
    keys: { current: randomBytes(32).toString('hex'), old: [] },
    evidence: new EvidenceStore(join(dir, 'evidence')),
  };
}
