/**
 * The production cluster as `npm run test:cluster` brings it up (RECTIFY_TEST_CLUSTER; the
 * cluster's directory in RECTIFY_VAR_DIR): `rectify doctor` green against it, its configuration as
 * rendered, the dynamic config accepted by the server's own validator, PostgreSQL refusing a
 * connection without the password, the sample plan run as the README says (two workers, the web),
 * accounts and failed sign-ins shared through its rectify database by its web and a second one,
 * and `up` again changing nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadPlan } from '../../config/plan-files';
import { measureSpecs } from '../../domain/measure';
import { cachedBuild } from '../../runtime/cluster/build';
import { databaseUrl, pgBinDir } from '../../runtime/cluster/postgres';
import { clusterEnv } from '../../client/cluster';
import { openDeskState } from '../../config/desk';
import { loadSettings } from '../../config/settings';
import { clusterSettings, DESK_DATABASE, postgresOf } from '../../runtime/cluster/server';
import { runCli } from '../helpers/cli';

const address = process.env.RECTIFY_TEST_CLUSTER!;
const REPO = join(__dirname, '..', '..');

describe('the production cluster', () => {
  const s = clusterSettings();
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('passes rectify doctor: Temporal and its namespace, the search attributes', async () => {
    process.env.TEMPORAL_ADDRESS = address;
    process.env.TEMPORAL_NAMESPACE = 'default';
    const doctor = await runCli('doctor');
    expect(doctor.out).toContain(`✓ Temporal：${address} 命名空间 default 可用（已结束工作流保留30天）`);
    expect(doctor.out).toContain('✓ 搜索属性：11个均已注册，类型正确');
    expect(doctor.out).toMatch(/0项未通过/);
  });

  it('runs on the configuration rendered for it, with a dynamic config the server itself accepts', () => {
    const config = parse(readFileSync(join(s.dir, 'config', 'temporal.yaml'), 'utf8'));
    expect(config.persistence.numHistoryShards).toBe(4);
    expect(config.persistence.datastores['postgres-default'].sql.connectAddr).toBe(`${s.host}:${s.ports.postgres}`);
    expect(config.services.frontend.rpc.grpcPort).toBe(Number(address.split(':')[1]));
    const check = spawnSync(cachedBuild()!.server, ['validate-dynamic-config', join(s.dir, 'config', 'dynamicconfig.yaml')], {
      encoding: 'utf8',
    });
    expect([check.status, check.stdout + check.stderr]).toEqual([0, expect.not.stringContaining('warning')]);
  });

  it('keeps PostgreSQL behind a password', () => {
    const pg = postgresOf(s);
    const psql = (password: string) =>
      spawnSync(join(pgBinDir(), 'psql'), ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'temporal', '-Atc', 'SELECT 1'], {
        encoding: 'utf8',
        env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
      });
    expect(psql('wrong').stderr).toContain('password authentication failed');
    expect(psql(pg.password).stdout.trim()).toBe('1');
  });

  it('runs the sample plan as the README says: workers and the web up, rectify start, the dashboard reads it', async () => {
    process.env.TEMPORAL_ADDRESS = address;
    process.env.TEMPORAL_NAMESPACE = 'default';
    const up = await runCli('cluster', 'up', '--workers', '2');
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/^已启动：worker-a（.+）、worker-b（.+）、web（.+）$/m);
    expect(up.out).toContain(`网页：http://127.0.0.1:${s.rectifyPorts.web}/`);
    const start = await runCli('start', 'config/plans/liangxi-2023.yaml');
    expect(start.code).toBe(0);
    expect(start.out.split('\n')).toContain('计划 liangxi-2023：新启动124项，已在运行0项（共124项）');
    // Every measure has run its first task on one of the two workers: its light is set, none still starting.
    const tallied = /共124项：红灯(\d+)项，黄灯(\d+)项，绿灯(\d+)项，已销号0项$/m;
    const deadline = Date.now() + 120_000;
    let status = await runCli('status', '--plan', 'liangxi-2023');
    while (!tallied.test(status.out) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      status = await runCli('status', '--plan', 'liangxi-2023');
    }
    const [, red, yellow, green] = (tallied.exec(status.out) ?? []).map(Number);
    expect(red + yellow + green).toBe(124);
    // The sample's deadlines are in 2023–2024: every measure with a deadline is overdue, the long-term ones are not.
    const { plan } = loadPlan(join(REPO, 'config/plans/liangxi-2023.yaml'));
    const specs = measureSpecs(plan, plan.feedbackDate);
    expect(specs.every((m) => m.kind === 'longterm' || m.deadline! < '2025-01-01')).toBe(true);
    expect(red).toBe(specs.filter((m) => m.kind !== 'longterm').length);
    const page = await fetch(`http://127.0.0.1:${s.rectifyPorts.web}/measures?plan=liangxi-2023`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<h1>整改台账（124项）</h1>');
    expect(html).toContain('<a href="/measures/liangxi-2023/2.2">2.2 全力稳定外资</a>');
    const measure = await fetch(`http://127.0.0.1:${s.rectifyPorts.web}/measures/liangxi-2023/2.2`);
    expect([measure.status, await measure.text()]).toEqual([200, expect.stringContaining('<h1>措施2.2“全力稳定外资”</h1>')]);
    // Both workers are polling the cluster.
    for (const w of ['worker-a', 'worker-b'])
      expect(readFileSync(join(s.dir, 'logs', `${w}.log`), 'utf8')).toContain('task queue=rectification');
  }, 180_000);

  it('shares accounts and failed sign-ins between its web and a second web on another port, through its rectify database', async () => {
    const pg = postgresOf(s);
    process.env.RECTIFY_DATABASE_URL = databaseUrl(pg, DESK_DATABASE);
    const desk = await openDeskState(loadSettings());
    const port = s.rectifyPorts.web + 7;
    const second = spawn(process.execPath, [join(REPO, 'dist', 'client', 'cli', 'index.js'), 'web'], {
      env: { ...process.env, ...clusterEnv(s, 'default'), RECTIFY_WEB_PORT: String(port), RECTIFY_VAR_DIR: join(s.dir, 'second-web') },
      stdio: 'ignore',
    });
    try {
      await desk.accounts.add('巡察办值班', 'office', 'correct horse battery');
      await desk.accounts.add('巡察办二科', 'office', 'correct horse battery');
      const webs = [`http://127.0.0.1:${s.rectifyPorts.web}`, `http://127.0.0.1:${port}`];
      for (
        let i = 0;
        !(await fetch(`${webs[1]}/login`).then(
          (r) => r.ok,
          () => false,
        ));
        i++
      ) {
        if (i > 100) throw new Error('the second web did not come up in 20 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      // Five wrong passwords, three on one web and two on the other: the account is locked on both.
      for (let i = 0; i < 5; i++) expect((await signIn(webs[i % 2], '巡察办值班', `wrong-${i}-password`)).status).toBe(401);
      for (const web of webs) expect((await signIn(web, '巡察办值班', 'correct horse battery')).status).toBe(429);
      // A session from one web is good on the other; disabled (as `rectify user disable` does), refused by both at once.
      const session = await signIn(webs[1], '巡察办二科', 'correct horse battery');
      expect(session.status).toBe(303);
      const page = (web: string) => fetch(`${web}/`, { headers: { cookie: session.cookie }, redirect: 'manual' });
      for (const web of webs) expect((await page(web)).status).toBe(200);
      await desk.accounts.disable('巡察办二科');
      for (const web of webs)
        expect([(await page(web)).status, (await page(web)).headers.get('location')]).toEqual([303, expect.stringMatching(/^\/login/)]);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
      await desk.close();
    }
  }, 120_000);

  it('comes up again without changing anything', async () => {
    const again = await runCli('cluster', 'up', '--workers', '0', '--no-web');
    expect([again.code, again.out.split('\n')[0]]).toEqual([0, '集群已在运行，未做改动']);
    const status = await runCli('cluster', 'status', '--workers', '0');
    expect(status.out).toMatch(/PostgreSQL .+：运行中/);
    expect(status.out).toMatch(/temporal-server .+：运行中（pid \d+）/);
  });
});

/** Signs in over HTTP as a browser would (the login form's CSRF token and cookie): the answer's status and the cookies it sets. */
async function signIn(web: string, name: string, password: string): Promise<{ status: number; cookie: string }> {
  const form = await fetch(`${web}/login`);
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const jar = form.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${web}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ _csrf: csrf, name, password, next: '/' }).toString(),
    redirect: 'manual',
  });
  const cookie = [...jar, ...res.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
  return { status: res.status, cookie };
}
