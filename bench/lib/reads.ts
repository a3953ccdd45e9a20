/**
 * The reads of the province benchmark, as people run them: `rectify status`, `rectify report` and
 * `rectify rollup` as processes, the web over HTTP with an office account (its pages and the
 * roll-up page), each the median of three runs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileAccountStore } from '../../config/users';
import type { Plan } from '../../domain/plan/schema';
import { freePort, ROOT, sleep } from './harness';
import { seconds } from './results';

const run = promisify(execFile);

export async function timedMs<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

/** Each read as people run it: the CLI as a process, the web over HTTP with an office account. */
export async function queries(address: string, dir: string, plans: Plan[]): Promise<Record<string, number>> {
  const env = { ...process.env, TEMPORAL_ADDRESS: address, RECTIFY_VAR_DIR: join(dir, 'cli') };
  const cli = async (...args: string[]) => {
    const t = await timedMs(() =>
      run(process.execPath, [join(ROOT, 'dist', 'client', 'cli', 'index.js'), ...args], { env, maxBuffer: 1 << 28 }),
    );
    return seconds(t.ms);
  };
  const out: Record<string, number> = {};
  // The median of three runs; the web caches what it read for 3 s, so each page is read cold.
  const best = async (name: string, fn: () => Promise<number>, coldMs = 0) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(coldMs);
      times.push(await fn());
    }
    out[name] = times.sort((a, b) => a - b)[1];
  };
  const unit = plans[0].measures[0].leadUnit;
  await best('status (summary)', () => cli('status'));
  await best('status --overdue', () => cli('status', '--overdue'));
  await best('status --unit', () => cli('status', '--unit', unit));
  await best('status --plan (159)', () => cli('status', '--plan', plans[0].id));
  await best('status --all', () => cli('status', '--all'));
  await best('report --plan', () => cli('report', '--plan', plans[0].id, '--out', join(dir, 'report.docx')));
  // The roll-up report (汇总表) of every plan: each plan's records read by a query of its own (client/rollup.ts).
  await best('rollup (report) --out .docx', () => cli('rollup', '--out', join(dir, 'rollup.docx')));
  await best('rollup --json', () => cli('rollup', '--format', 'json'));

  // The web: its own process, an office account, the pages the office opens first.
  const port = await freePort();
  const varDir = join(dir, 'web');
  await new FileAccountStore(join(varDir, 'users.json')).add('巡察办值班', 'office', 'bench-password-0123456789');
  // Against a server of its own the web is not the embedded default: it needs the link secret given (config/secrets.ts).
  const webEnv = {
    ...env,
    RECTIFY_VAR_DIR: varDir,
    RECTIFY_WEB_PORT: String(port),
    RECTIFY_LINK_SECRET: 'bench-link-secret-0123456789abcdef0123456789',
  };
  const web = await spawnWorkerLike(['web'], webEnv, varDir, 'http://');
  try {
    const base = `http://127.0.0.1:${port}`;
    const jar = new Map<string, string>();
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [kv] = c.split(';');
        const i = kv.indexOf('=');
        jar.set(kv.slice(0, i), kv.slice(i + 1));
      }
      return res;
    };
    const login = keep(await fetch(`${base}/login`));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1];
    const signed = keep(
      await fetch(`${base}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, name: '巡察办值班', password: 'bench-password-0123456789', next: '/' }).toString(),
      }),
    );
    if (signed.status !== 302 && signed.status !== 303) throw new Error(`sign-in failed: ${signed.status}`);
    // Each page must show what it is for (a sign-in page or an error page would be quick too).
    const page = async (path: string, shows: string) => {
      const t = await timedMs(async () => {
        const res = await fetch(`${base}${path}`, { headers: { cookie: cookie() } });
        const body = await res.text();
        if (res.status !== 200 || !body.includes(shows)) throw new Error(`${path}: ${res.status}, without ${shows}`);
        return body;
      });
      return seconds(t.ms);
    };
    const first = plans[0];
    await best('web overview /', () => page('/', first.id), 3200);
    await best('web ledger /measures', () => page('/measures', first.measures[0].leadUnit), 3200);
    await best('web ledger of one plan', () => page(`/measures?plan=${first.id}`, first.measures[0].leadUnit), 3200);
    await best('web report of one plan', () => page(`/report?plan=${first.id}`, first.title), 3200);
    // The roll-up page: every plan a row, each plan's records read by a query of its own.
    await best('web rollup (page) /rollup', () => page('/rollup', plans.at(-1)!.id), 3200);
  } finally {
    await web.stop();
  }
  return out;
}

/** A rectify command that serves until stopped (the web), ready when its log has `ready`. */
async function spawnWorkerLike(args: string[], env: NodeJS.ProcessEnv, varDir: string, ready: string) {
  const { spawn } = await import('node:child_process');
  const { mkdirSync, openSync, closeSync, readFileSync } = await import('node:fs');
  mkdirSync(varDir, { recursive: true });
  const logFile = join(varDir, `${args[0]}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'client', 'cli', 'index.js'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!readFileSync(logFile, 'utf8').includes(ready)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rectify ${args.join(' ')} did not start: see ${logFile}`);
    await sleep(200);
  }
  return { stop: async () => (child.kill('SIGTERM'), await gone) };
}
