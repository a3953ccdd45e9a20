/**
 * The desk's own state shared through PostgreSQL (RECTIFY_DATABASE_URL), as on a cluster: a
 * PostgreSQL of the test's own, a dev server and two web instances, each with its own connection
 * pool (as on two machines behind a proxy). An account disabled through the CLI is refused by the
 * other instance at its next request; failed sign-ins count across both; evidence uploaded through
 * one is served by the other; holiday years installed once are read by every instance; the
 * schema migrates once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mailer } from '../../activities/mail/transport';
import type { MailDelivery } from '../../activities/mail/delivery';
import { FileEvidenceStore, PgEvidenceStore } from '../../client/web/evidence-store';
import { moveDeskState } from '../../client/migrate/desk';
import { FileCalendarStore } from '../../config/calendar-store';
import { FileAccountStore } from '../../config/users';
import { Readable } from 'node:stream';
import { buildWebApp } from '../../client/web/server';
import { openDeskState, type DeskState } from '../../config/desk';
import { deskPool, migrateDeskDb } from '../../config/desk/db';
import { loadSettings } from '../../config/settings';
import { parseHolidayNotice } from '../../domain/holiday-notice';
import { signLink, type LinkAction } from '../../domain/links';
import { runCli } from '../helpers/cli';
import { Browser, csrfOf, multipart, tinyPdf } from '../helpers/http';
import { drillPlan } from '../helpers/plans';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { mailToTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'shared-2026';
const PASSWORD = 'correct horse battery';
const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划（共享状态）',
  problems: ['高质量发展成效不显'],
  measures: [
    `{ id: "1.1", problem: 1, title: 健全政策机制, text: 出台政策。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2027-06-30 }`,
  ],
});

describe('the desk state shared by two web instances', () => {
  let pg: TestPostgres;
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  const desks: DeskState[] = [];
  const webs: FastifyInstance[] = [];
  const keys = { current: randomBytes(32).toString('hex'), old: [] };
  const dir = mkdtempSync(join(tmpdir(), 'rectify-shared-'));
  const saved = { ...process.env };

  beforeAll(async () => {
    pg = await startTestPostgres();
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(planPath, PLAN);
    let delivery: MailDelivery;
    ({ smtp, mailer, delivery } = await mailToTestSmtp(dir, planPath));
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
    // The CLI on "a third machine": the same database.
    process.env.RECTIFY_DATABASE_URL = pg.url;
    process.env.RECTIFY_VAR_DIR = join(dir, 'cli-var');
    for (const name of ['a', 'b']) {
      const desk = await openDeskState(loadSettings());
      desks.push(desk);
      webs.push(
        await buildWebApp({
          client: env.client,
          namespace: stack.namespace,
          cacheMs: 0,
          users: desk.accounts,
          signIns: desk.signIns,
          keys,
          evidence: new PgEvidenceStore(desk.pool!, join(dir, `staging-${name}`)),
        }),
      );
    }
    expect((await runCli('start', planPath)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const w of webs) await w.close();
    for (const d of desks) await d.close();
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
    await pg?.stop();
    process.env = saved;
  });

  const signIn = async (web: FastifyInstance, name: string, password = PASSWORD) => {
    const b = new Browser(web);
    const page = await b.get('/login');
    const res = await b.post('/login', { _csrf: csrfOf(page.body), name, password, next: '/' });
    return { b, res };
  };

  it('the schema is migrated once, however many instances open it', async () => {
    const pool = deskPool(pg.url);
    try {
      expect(await migrateDeskDb(pool)).toEqual([]);
      const { rows } = await pool.query<{ version: string }>('SELECT version FROM rectify_schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(['001-desk', '002-account-scope']);
    } finally {
      await pool.end();
    }
  });

  it('an account added or disabled by the CLI is seen by both instances at the next request', async () => {
    const [a, b] = webs;
    await desks[0].accounts.add('督查科', 'office', PASSWORD);
    await desks[1].accounts.add('常务副区长', 'leadership', PASSWORD);
    const onB = await signIn(b, '督查科');
    expect([onB.res.statusCode, onB.res.headers.location]).toEqual([303, '/']);
    expect((await onB.b.get('/')).statusCode).toBe(200);
    const onA = await signIn(a, '督查科');
    expect((await onA.b.get('/')).statusCode).toBe(200);

    const disabled = await runCli('user', 'disable', '督查科');
    expect([disabled.code, disabled.out]).toEqual([0, '已停用账号督查科']);
    // Both sessions end at their next request: the account is read from the database each time.
    for (const s of [onA, onB]) expect((await s.b.get('/')).headers.location).toMatch(/^\/login/);
    const listed = await runCli('user', 'list');
    expect(listed.out).toContain('督查科\t巡察办工作人员\t未限定范围（查看和办理全部计划）\t已停用');
    expect(listed.out).toContain('PostgreSQL 127.0.0.1');
  });

  it("an account's scope is kept in the database: set by the CLI, read by both instances, its sessions ended", async () => {
    const [a] = webs;
    const before = await signIn(a, '常务副区长');
    expect((await before.b.get('/')).statusCode).toBe(200);
    const scoped = await runCli('user', 'scope', '常务副区长', '--read-all', '--plans', 'liangxi-2024');
    expect([scoped.code, scoped.out]).toEqual([0, '已设定账号常务副区长的范围：查看全部计划，办理计划liangxi-2024']);
    for (const desk of desks) expect((await desk.accounts.find('常务副区长'))!.scope).toEqual({ plans: ['liangxi-2024'], readAll: true });
    expect((await before.b.get('/')).headers.location).toMatch(/^\/login/);
    const listed = await runCli('user', 'list');
    expect(listed.out).toContain('常务副区长\t领导，只读\t查看全部计划，办理计划liangxi-2024\t启用');
  });

  it('failed sign-ins count across both instances', async () => {
    const [a, b] = webs;
    await desks[1].accounts.add('值班', 'office', PASSWORD);
    // Five wrong passwords, spread over the two instances (and over addresses, under the per-address limit).
    for (let i = 0; i < 5; i++) {
      const { res } = await signIn(i % 2 ? a : b, '值班', `wrong-${i}-password`);
      expect(res.statusCode).toBe(401);
    }
    for (const web of [a, b]) {
      const { res } = await signIn(web, '值班');
      expect(res.statusCode).toBe(429);
      expect(res.body).toContain('该账号登录失败次数过多');
    }
  });

  it('evidence uploaded through one instance is served by the other', async () => {
    const [a, b] = webs;
    const t = signLink(
      {
        planId: PLAN_ID,
        measureId: '1.1',
        unit: '区发改委',
        actions: ['reportProgress'] as LinkAction[],
        deadlineVersion: 1,
        expiresAt: Date.now() + 86_400_000,
      },
      keys.current,
    );
    const unit = new Browser(a);
    const page = await unit.get(`/u/${PLAN_ID}/1.1?t=${t}`);
    expect(page.statusCode).toBe(200);
    const pdf = tinyPdf('shared evidence');
    const res = await unit.postMultipart(
      `/u/${PLAN_ID}/1.1/progress?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
      multipart({ note: '已起草文件' }, [{ name: '起草稿.pdf', content: pdf }]),
    );
    expect(res.statusCode).toBe(303);
    const after = await unit.get(res.headers.location as string);
    const sha = /\/evidence\/([0-9a-f]{64})\?t=/.exec(after.body)![1];
    const served = await new Browser(b).get(`/evidence/${sha}?t=${t}`);
    expect([served.statusCode, served.headers['content-type']]).toEqual([200, 'application/pdf']);
    expect(served.rawPayload.equals(pdf)).toBe(true);
    expect(String(served.headers['content-disposition'])).toContain(encodeURIComponent('起草稿.pdf'));
    expect(await desks[1].pool!.query('SELECT count(*)::int AS n FROM evidence_files').then((r) => r.rows[0].n)).toBe(1);
  });

  it("rectify migrate --to-database moves the embedded desk's accounts, installed years and evidence, once", async () => {
    // The embedded default's var/: an account, an installed year, a file of evidence.
    const varDir = join(dir, 'embedded-var');
    const embedded = loadSettings({ RECTIFY_VAR_DIR: varDir, TEMPORAL_CONFIG_FILE: join(dir, 'none.toml') });
    const accounts = new FileAccountStore(embedded.web.usersFile);
    const moved = await accounts.add('督查二科', 'office', PASSWORD);
    await new FileCalendarStore(join(varDir, 'calendar')).install(2030, {
      holidays: ['2030-10-01', '2030-10-02', '2030-10-03'],
      workdays: [],
    });
    const files = new FileEvidenceStore(embedded.web.evidenceDir);
    const pdf = tinyPdf('moved evidence');
    const staged = await files.stage('整改报告.pdf', Readable.from([pdf]), 1 << 20);
    await files.commit([staged], { planId: PLAN_ID, measureId: '1.1', by: 'unit:区发改委', at: '2026-12-01T01:00:00.000Z' });

    const env = { ...process.env, RECTIFY_VAR_DIR: varDir, RECTIFY_CALENDAR_DIR: '' };
    const first = await moveDeskState(embedded, pg.url, false, env);
    expect(first).toEqual({ accounts: { moved: 1, present: 0 }, years: { moved: 1, present: 0 }, evidence: { moved: 1, present: 0 } });
    expect(await moveDeskState(embedded, pg.url, false, env)).toEqual({
      accounts: { moved: 0, present: 1 },
      years: { moved: 0, present: 1 },
      evidence: { moved: 0, present: 1 },
    });
    // As they were: the same hash (the same password signs in), the year, the file and its owner.
    expect(await desks[0].accounts.find('督查二科')).toEqual(moved);
    expect((await signIn(webs[1], '督查二科')).res.statusCode).toBe(303);
    expect(Object.keys(await desks[1].calendar.read())).toContain('2030');
    const meta = await new PgEvidenceStore(desks[1].pool!, dir).meta(staged.sha256);
    expect(meta?.owners).toEqual([
      { planId: PLAN_ID, measureId: '1.1', name: '整改报告.pdf', by: 'unit:区发改委', at: '2026-12-01T01:00:00.000Z' },
    ]);
    expect((await new PgEvidenceStore(desks[1].pool!, dir).open(staged.sha256)).equals(pdf)).toBe(true);
  });

  it('a holiday year installed once is read by every instance and command', async () => {
    const notice = join(__dirname, '../fixtures/notices/2029-mixed.txt');
    const installed = await runCli('calendar', 'import', notice, '--install');
    expect(installed.code).toBe(0);
    expect(installed.out).toContain('已安装2029年节假日安排：PostgreSQL 127.0.0.1');
    const arrangement = parseHolidayNotice(readFileSync(notice, 'utf8')).arrangement['2029'];
    for (const d of desks) expect((await d.calendar.read())['2029']).toEqual(JSON.parse(JSON.stringify(arrangement)));
    expect((await runCli('calendar', 'import', notice, '--install')).out).toContain('内容相同，未改动');
    expect((await runCli('calendar', 'years')).out).toMatch(/其中2029(、2030)?年由本部署安装，在 PostgreSQL/);
  });
});
