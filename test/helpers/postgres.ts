/**
 * A PostgreSQL of the test's own (Debian's PostgreSQL 15, as the cluster runs it): its own data
 * directory and port, as the postgres user when the tests run as root, a `rectify` database with
 * a role and password; stopped and removed by stop().
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  databaseUrl,
  ensureDatabase,
  ensureRole,
  initPostgres,
  startPostgres,
  stopPostgres,
  type PostgresSettings,
} from '../../runtime/cluster/postgres';
import { freePort } from './temporal';

export interface TestPostgres {
  url: string;
  settings: PostgresSettings;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  // Under /tmp itself: the postgres user must reach the data directory's parent.
  const dir = mkdtempSync('/tmp/rectify-pg-');
  chmodSync(dir, 0o755);
  const settings: PostgresSettings = {
    dataDir: join(dir, 'data'),
    host: '127.0.0.1',
    port: await freePort(),
    superPassword: 'test-super-password',
    user: 'rectify',
    password: 'test-password',
  };
  initPostgres(settings);
  startPostgres(settings, join(dir, 'postgresql.log'));
  ensureRole(settings);
  ensureDatabase(settings, 'rectify');
  return {
    url: databaseUrl(settings, 'rectify'),
    settings,
    stop: async () => {
      stopPostgres(settings);
      rmSync(dir, { recursive: true, force: true });
      await Promise.resolve();
    },
  };
}
