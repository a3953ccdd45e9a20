/**
 * The link secret: generated once for the embedded default only; against a cluster it comes from
 * RECTIFY_LINK_SECRET or RECTIFY_LINK_SECRET_FILE, and its absence is an error naming both.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkKeys } from '../../config/secrets';
import { loadSettings } from '../../config/settings';

const dir = () => mkdtempSync(join(tmpdir(), 'rectify-secret-'));
const base = (varDir: string) => ({ RECTIFY_VAR_DIR: varDir, TEMPORAL_CONFIG_FILE: join(varDir, 'none.toml') });

it('the embedded default generates its key once into var/link-secret', () => {
  const d = dir();
  const first = linkKeys(loadSettings(base(d)), { create: true, warn: () => undefined })!;
  expect(first.source).toBe('generated');
  expect(readFileSync(join(d, 'link-secret'), 'utf8').trim()).toBe(first.current);
  expect(linkKeys(loadSettings(base(d)), { create: true })!).toMatchObject({ current: first.current, source: 'file' });
});

it('against a cluster no key is generated: the error names both ways to give one', () => {
  const d = dir();
  const settings = loadSettings({ ...base(d), TEMPORAL_ADDRESS: 'temporal.example.org:7233' });
  expect(() => linkKeys(settings, { create: true })).toThrow(/RECTIFY_LINK_SECRET 或 RECTIFY_LINK_SECRET_FILE/);
  expect(existsSync(join(d, 'link-secret'))).toBe(false);
});

it('RECTIFY_LINK_SECRET_FILE gives the key from a file; a missing, empty or short one is refused by name', () => {
  const d = dir();
  const file = join(d, 'secret');
  writeFileSync(file, `${'k'.repeat(40)}\n`);
  const env = { ...base(d), TEMPORAL_ADDRESS: 'temporal.example.org:7233', RECTIFY_LINK_SECRET_FILE: file };
  expect(linkKeys(loadSettings(env), { create: true })).toMatchObject({ current: 'k'.repeat(40), source: 'env' });
  expect(() => loadSettings({ ...env, RECTIFY_LINK_SECRET_FILE: join(d, 'absent') })).toThrow(
    /RECTIFY_LINK_SECRET_FILE=.*absent：无法读取（ENOENT）/,
  );
  writeFileSync(file, '\n');
  expect(() => loadSettings(env)).toThrow(/文件是空的/);
  writeFileSync(file, 'short');
  expect(() => loadSettings(env)).toThrow(/RECTIFY_LINK_SECRET_FILE：密钥太短/);
});
