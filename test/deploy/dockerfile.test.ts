/**
 * The Dockerfile, where Docker cannot run: its rules read from the file (a supported Node, no
 * install scripts, the npm cache not left in a layer, a non-root user), then its steps run as
 * Docker would run them: each stage in a directory of its own, COPY as copies, RUN in a shell
 * there (npm's cache a hard-linked copy of this machine's, so nothing is fetched twice and the
 * clean step cleans only that copy). The final stage, with production dependencies only, then
 * answers the CLI, checks a plan and bundles the workflows as the worker does at start.
 */
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Stage {
  name?: string;
  from: string;
  steps: { op: string; args: string }[];
}

function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      out.push({ from: m[1], name: m[2], steps: [] });
    } else out.at(-1)!.steps.push({ op, args });
  }
  return out;
}

const dockerfile = stages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

describe('Dockerfile', () => {
  it('builds on a supported Node, without install scripts, leaves no npm cache, and runs as a non-root user', () => {
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const major = Number(/\d+/.exec(engines)![0]);
    for (const s of dockerfile) expect(s.from).toMatch(new RegExp(`^node:${major}-`));
    const runs = dockerfile.flatMap((s) => s.steps.filter((x) => x.op === 'RUN').map((x) => x.args));
    const installs = runs.filter((r) => /npm (ci|install)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) expect(r).toContain('--ignore-scripts');
    // Whatever layer prunes also cleans npm's cache (else the cache stays in the image).
    expect(runs.filter((r) => r.includes('npm prune')).every((r) => r.includes('npm cache clean --force'))).toBe(true);
    const final = dockerfile.at(-1)!;
    const user = final.steps.filter((x) => x.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(final.steps.some((x) => x.op === 'COPY' && x.args.startsWith('--from=build'))).toBe(true);
  });

  it('runs its steps: the final stage answers the CLI, checks a plan and bundles the workflows with production dependencies only', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'rectify-docker-'));
    const cache = join(scratch, 'npm-cache');
    const home = join(homedir(), '.npm', '_cacache');
    try {
      mkdirSync(cache, { recursive: true });
      if (existsSync(home)) execFileSync('cp', ['-al', home, join(cache, '_cacache')]);
      const dirs = new Map<string, string>();
      dockerfile.forEach((stage, i) => {
        const root = join(scratch, stage.name ?? `stage-${i}`);
        mkdirSync(root, { recursive: true });
        if (stage.name) dirs.set(stage.name, root);
        let workdir = root;
        const env: Record<string, string> = {};
        for (const { op, args } of stage.steps) {
          if (op === 'WORKDIR') {
            workdir = join(root, args);
            mkdirSync(workdir, { recursive: true });
          } else if (op === 'ENV') {
            const [k, v] = args.split('=');
            env[k] = v;
          } else if (op === 'COPY') {
            const parts = args.split(/\s+/);
            const from = parts[0].startsWith('--from=') ? dirs.get(parts.shift()!.slice('--from='.length))! : ROOT;
            const dest = parts.pop()!;
            const target = dest.startsWith('/') ? join(root, dest) : resolve(workdir, dest);
            for (const src of parts) {
              const source = from === ROOT ? join(ROOT, src) : join(from, src);
              const into = dest.endsWith('/') ? join(target, src.split('/').pop()!) : target;
              mkdirSync(dirname(into), { recursive: true });
              cpSync(source, into, { recursive: true });
            }
          } else if (op === 'RUN') {
            // Users and ownership are Docker's business; the rest runs as written.
            const command = args.replace(/\s*&&\s*chown\s+\S+\s+\S+/g, '').replace(/\/app\//g, `${join(root, 'app')}/`);
            execSync(command, {
              cwd: workdir,
              stdio: 'pipe',
              // This machine's npm settings (registry, CA) with the copied cache.
              env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false', ...env },
            });
          }
        }
      });
      const app = join(scratch, `stage-${dockerfile.length - 1}`, 'app');
      // Production dependencies only: no TypeScript, no jest.
      expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
      expect(existsSync(join(app, 'node_modules', 'jest'))).toBe(false);
      expect(existsSync(join(app, 'test'))).toBe(false);
      const run = (...argv: string[]) =>
        execFileSync(process.execPath, argv, {
          cwd: app,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, NODE_ENV: 'production', HOME: scratch },
        });
      expect(run('dist/client/cli/index.js', '--help')).toContain('doctor');
      expect(run('dist/client/cli/index.js', 'plan', 'check', 'config/plans/liangxi-2023.yaml')).toContain('124项整改措施');
      const bundled = run(
        '-e',
        "require('@temporalio/worker').bundleWorkflowCode({ workflowsPath: require.resolve('./dist/workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } }).then((b) => console.log(b.code.length))",
      );
      expect(Number(bundled)).toBeGreaterThan(100_000);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 600_000);
});
