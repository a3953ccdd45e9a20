/**
 * Acting from the web against a real dev server and worker, mail to a real SMTP server in
 * process: every acting route without a session, with a leader's session (403), with CSRF
 * missing or wrong; lead units' signed links (tampered, expired, out of scope, after close: 403,
 * logged with the reason); uploads too large or of the wrong type (413/415, nothing stored); the
 * validators' refusals on the page with nothing changed; injection strings in every field,
 * escaped on every page and kept as text; the office's actions named on the timeline.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Mailer } from '../../activities/mail/transport';
import type { MailDelivery } from '../../activities/mail/delivery';
import fc from 'fast-check';
import { buildWebApp } from '../../client/web/server';
import { exposureProblem } from '../../config/exposure';
import { lookbackWorkflowId, measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { loadSettings } from '../../config/settings';
import { signLink, type LinkAction, type LinkClaims } from '../../domain/links';
import { plainDateZh } from '../../domain/dates';
import { runCli } from '../helpers/cli';
import { recordHistory } from '../helpers/histories';
import { drillPlan } from '../helpers/plans';
import { Browser, csrfOf, IMG, multipart, tinyPdf, XSS } from '../helpers/http';
import { wednesdayAhead } from '../helpers/specs';
import { mailToTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, settledHistoryLength, startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess, type WebAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'act-2024';
const PUBLIC = 'https://zhenggai.example.org/';
const PASSWORD = 'correct horse battery';

const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划(网上办理)',
  problems: ['高质量发展成效不显', '资产管理较为混乱'],
  measures: [
    `{ id: "1.1", problem: 1, title: '健全政策机制${XSS}', text: '正文${IMG}', kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
    `{ id: "1.2", problem: 1, title: 全力稳定外资, text: 提高奖励比例。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-03-29 }`,
    `{ id: "2.1", problem: 2, title: 清查闲置资产, text: 清查。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2024-04-30 }`,
    `{ id: "2.2", problem: 2, title: 规范资产处置, text: 规范。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2024-03-29 }`,
  ],
});

describe('acting from the web on a real server', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let web: FastifyInstance;
  let access: WebAccess;
  const logs: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rectify-act-'));
  const planPath = join(dir, 'plan.yaml');
  const handle = (id: string) => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id));
  const state = (id: string) => handle(id).query(msg.getStateQuery);
  const historyLength = async (id: string) => (await handle(id).fetchHistory()).events?.length ?? 0;
  /** The history's length once the workflow has finished what it was doing (its notices delivered). */
  const settled = (id: string) => settledHistoryLength(handle(id));
  const token = (measureId: string, over: Partial<LinkClaims> = {}, key = access.keys.current) =>
    signLink(
      {
        planId: PLAN_ID,
        measureId,
        unit: measureId.startsWith('1.') ? '区发改委' : '区财政局',
        actions: ['reportProgress', 'submitCompletion', 'requestExtension'] as LinkAction[],
        deadlineVersion: 1,
        expiresAt: Date.now() + 86_400_000,
        ...over,
      },
      key,
    );
  const refusedFor = (reason: string) => logs.filter((l) => l.msg === '单位链接被拒绝' && l.reason === reason).length;

  beforeAll(async () => {
    writeFileSync(planPath, PLAN);
    access = webAccess(join(dir, 'web'));
    await access.users.add('督查科', 'office', PASSWORD);
    await access.users.add('常务副区长', 'leadership', PASSWORD);
    let delivery: MailDelivery;
    ({ smtp, mailer, delivery } = await mailToTestSmtp(dir, planPath, { baseUrl: PUBLIC, keys: access.keys, days: 30 }));
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    web = await buildWebApp({ client: env.client, namespace: stack.namespace, cacheMs: 0, ...access, logger: { level: 'info', stream } });
    const started = await runCli('start', planPath);
    expect(started.out).toContain('新启动4项');
  }, 120_000);

  afterAll(async () => {
    await web?.close();
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  describe('who may reach what', () => {
    it('without a session: desk pages send to sign-in, actions are 401, evidence and links 403', async () => {
      const b = new Browser(web);
      for (const url of ['/', '/measures', '/measures.xlsx', '/report', `/measures/${PLAN_ID}/1.1`, '/campaigns/new']) {
        const res = await b.get(url);
        expect([url, res.statusCode, res.headers.location]).toEqual([url, 303, `/login?next=${encodeURIComponent(url)}`]);
      }
      const login = await b.get('/login');
      const csrf = csrfOf(login.body);
      for (const action of ['verify', 'extension', 'remind', 'reassign', 'lookback']) {
        const res = await b.post(`/measures/${PLAN_ID}/1.2/${action}`, { _csrf: csrf, note: 'x' });
        expect([action, res.statusCode]).toEqual([action, 401]);
        expect(res.body).toContain('请先登录');
      }
      expect((await b.post('/campaigns', { _csrf: csrf, name: 'x', due: '2030-01-02' })).statusCode).toBe(401);
      expect((await b.get(`/evidence/${'a'.repeat(64)}`)).statusCode).toBe(403);
      expect((await b.get(`/u/${PLAN_ID}/1.2`)).statusCode).toBe(403);
      expect((await b.get('/healthz')).statusCode).toBe(200);
    });

    it('a leader reads everything and acts on nothing (403), with nothing changed', async () => {
      const b = new Browser(web);
      expect((await b.signIn('常务副区长', PASSWORD)).headers.location).toBe('/');
      const overview = await b.get('/');
      expect(overview.statusCode).toBe(200);
      // Who is signed in, without brackets inside brackets.
      const who = /<span class="who">([^<]*)/.exec(overview.body)?.[1].trim();
      expect(who).toBe('常务副区长（领导，只读）');
      const page = await b.get(`/measures/${PLAN_ID}/1.2`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('领导账号只读');
      expect(page.body).not.toContain('action="/measures/act-2024/1.2/remind"');
      const before = await settled('1.2');
      for (const action of ['verify', 'extension', 'remind', 'reassign', 'lookback']) {
        const res = await b.post(`/measures/${PLAN_ID}/1.2/${action}`, { _csrf: csrfOf(page.body), note: '领导催办' });
        expect([action, res.statusCode]).toEqual([action, 403]);
        expect(res.body).toContain('领导账号可以查看全部情况，但不能办理事项');
      }
      expect((await b.get('/campaigns/new')).statusCode).toBe(403);
      expect((await b.post('/campaigns', { _csrf: csrfOf(page.body), name: 'x', due: '2030-01-02' })).statusCode).toBe(403);
      expect(await historyLength('1.2')).toBe(before);
    });

    it('sign-in: a wrong password is refused, five failures lock the account, a disabled account ends its session', async () => {
      const b = new Browser(web);
      const page = await b.get('/login');
      const bad = await b.post('/login', { _csrf: csrfOf(page.body), name: '督查科', password: 'wrong password' });
      expect(bad.statusCode).toBe(401);
      expect(bad.body).toContain('账号或密码不正确');
      expect(b.cookies.has('rectify_session')).toBe(false);

      await access.users.add('临时', 'office', PASSWORD);
      for (let i = 0; i < 5; i++) await b.post('/login', { _csrf: csrfOf(page.body), name: '临时', password: `wrong-${i}-password` });
      const locked = await b.post('/login', { _csrf: csrfOf(page.body), name: '临时', password: PASSWORD });
      expect(locked.statusCode).toBe(429);
      expect(locked.body).toContain('登录失败次数过多');

      // Guesses sent together count together: five are checked, the rest refused before any check.
      await access.users.add('并发', 'office', PASSWORD);
      const guessers = Array.from({ length: 8 }, () => new Browser(web));
      const forms = await Promise.all(guessers.map(async (g) => csrfOf((await g.get('/login')).body)));
      const answers = await Promise.all(
        guessers.map((g, i) => g.post('/login', { _csrf: forms[i], name: '并发', password: `guess-${i}-password` })),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);

      await access.users.add('短期', 'office', PASSWORD);
      const c = new Browser(web);
      expect((await c.signIn('短期', PASSWORD)).statusCode).toBe(303);
      expect((await c.get('/')).statusCode).toBe(200);
      await access.users.disable('短期');
      expect((await c.get('/')).statusCode).toBe(303);

      // Per address: the eleventh sign-in in a minute is refused before the password is checked.
      const e = new Browser(web);
      const form = csrfOf((await e.get('/login')).body);
      const codes = [];
      for (let i = 0; i < 11; i++) codes.push((await e.post('/login', { _csrf: form, name: `无此人${i}`, password: 'x' })).statusCode);
      expect(codes).toEqual([...Array(10).fill(401), 429]);

      // Cookies are HttpOnly and SameSite=Strict.
      const d = new Browser(web);
      const signed = await d.signIn('督查科', PASSWORD);
      expect(String(signed.headers['set-cookie'])).toMatch(/rectify_session=[^;]+;.*HttpOnly.*SameSite=Strict/);
    });

    it('CSRF missing or wrong: 403 and nothing changes', async () => {
      const b = new Browser(web);
      await b.signIn('督查科', PASSWORD);
      const before = await settled('1.2');
      const missing = await b.post(`/measures/${PLAN_ID}/1.2/remind`, { note: '催办' });
      expect(missing.statusCode).toBe(403);
      expect(missing.body).toContain('表单已过期或不是从本系统页面提交的');
      expect((await b.post(`/measures/${PLAN_ID}/1.2/remind`, { _csrf: 'forged-token', note: '催办' })).statusCode).toBe(403);
      // A token from another browser's cookie does not pass either.
      const other = new Browser(web);
      const foreign = csrfOf((await other.get('/login')).body);
      expect((await b.post(`/measures/${PLAN_ID}/1.2/remind`, { _csrf: foreign, note: '催办' })).statusCode).toBe(403);
      // Nor does a link form without its token.
      const t = token('1.2');
      expect((await b.postMultipart(`/u/${PLAN_ID}/1.2/progress?t=${t}`, multipart({ note: 'x' }))).statusCode).toBe(403);
      expect(await historyLength('1.2')).toBe(before);
    });

    it('binding beyond loopback needs a link secret from the environment and an account', async () => {
      const settings = (env: Record<string, string>) => loadSettings({ RECTIFY_VAR_DIR: join(dir, 'exposed'), ...env });
      expect(await exposureProblem(settings({}), access.users)).toBeUndefined();
      expect(await exposureProblem(settings({ RECTIFY_WEB_HOST: '0.0.0.0' }), access.users)).toContain('RECTIFY_LINK_SECRET');
      const none = webAccess(join(dir, 'nobody')).users;
      const both = await exposureProblem(settings({ RECTIFY_WEB_HOST: '0.0.0.0' }), none);
      expect(both).toContain('RECTIFY_LINK_SECRET');
      expect(both).toContain('rectify user add');
      expect(
        await exposureProblem(settings({ RECTIFY_WEB_HOST: '0.0.0.0', RECTIFY_LINK_SECRET: 'x'.repeat(40) }), access.users),
      ).toBeUndefined();
      // On loopback behind a proxy, or announced at a public address: reachable all the same.
      expect(await exposureProblem(settings({ RECTIFY_TRUST_PROXY: '1' }), none)).toContain('RECTIFY_TRUST_PROXY');
      expect(await exposureProblem(settings({ RECTIFY_PUBLIC_URL: 'https://zg.example.org/' }), none)).toContain('不是本机地址');
      expect(() => settings({ RECTIFY_LINK_SECRET: 'short' })).toThrow('密钥太短');
    });
  });

  describe('lead units from their links', () => {
    it('refuses tampered, expired, out-of-scope and wrong-action links with 403, the same page, the reason in the log', async () => {
      const b = new Browser(web);
      const t = token('1.2');
      const ok = await b.get(`/u/${PLAN_ID}/1.2?t=${t}`);
      expect(ok.statusCode).toBe(200);
      const tampered = t.slice(0, 20) + (t[20] === 'A' ? 'B' : 'A') + t.slice(21);
      const cases: [string, string, string][] = [
        ['signature', `/u/${PLAN_ID}/1.2?t=${tampered}`, 'GET'],
        ['signature', `/u/${PLAN_ID}/1.2?t=${token('1.2', {}, 'w'.repeat(40))}`, 'GET'],
        ['expired', `/u/${PLAN_ID}/1.2?t=${token('1.2', { expiresAt: Date.now() - 1000 })}`, 'GET'],
        ['scope', `/u/${PLAN_ID}/1.2?t=${token('1.1')}`, 'GET'],
        ['scope', `/u/${PLAN_ID}/2.1?t=${t}`, 'GET'],
        ['malformed', `/u/${PLAN_ID}/1.2?t=nonsense`, 'GET'],
        ['action', `/u/${PLAN_ID}/1.2/completion?t=${token('1.2', { actions: ['reportProgress'] })}`, 'POST'],
        ['action', `/u/${PLAN_ID}/1.2/delete?t=${t}`, 'POST'],
      ];
      const before = await settled('1.2');
      const bodies = new Set<string>();
      for (const [reason, url, method] of cases) {
        const logged = refusedFor(reason);
        const page = await b.get(`/u/${PLAN_ID}/1.2?t=${t}`);
        const res =
          method === 'GET'
            ? await b.get(url)
            : await b.postMultipart(`${url}&_csrf=${encodeURIComponent(csrfOf(page.body))}`, multipart({ note: '进展', evidence: '文件' }));
        expect([reason, url, res.statusCode]).toEqual([reason, url, 403]);
        expect(refusedFor(reason)).toBe(logged + 1);
        // The same page but for the form's token and the measure it would mail a new link for.
        bodies.add(
          res.body
            .replace(/数据时间[^<]*/, '')
            .replace(/name="_csrf" value="[^"]*"/, '')
            .replace(/action="\/u\/[^"]*\/relink"/, ''),
        );
      }
      // The page does not say which part failed.
      expect(bodies.size).toBe(1);
      expect([...bodies][0]).toContain('此链接无效、已过期或不能用于这项操作');
      // No dead end: the office's contact from the plan's directory, and the way to a new link.
      expect([...bodies][0]).toContain('如有疑问，请联系区委巡察办，电话：0510-0000 0000；邮箱：xunchaban@district.example.org。');
      expect([...bodies][0]).toContain('发送新链接到本单位邮箱');
      expect([...bodies][0]).not.toContain('返回总览');
      expect(await historyLength('1.2')).toBe(before);
    });

    it('an expired link leads its unit to a new link in its own mailbox, once in ten minutes, on the timeline', async () => {
      const b = new Browser(web);
      const expired = await b.get(`/u/${PLAN_ID}/2.1?t=${token('2.1', { expiresAt: Date.now() - 1000 })}`);
      expect(expired.statusCode).toBe(403);
      expect(expired.body).toContain('action="/u/act-2024/2.1/relink"');
      const sent = smtp.accepted.length;
      const asked = await b.post(`/u/${PLAN_ID}/2.1/relink`, { _csrf: csrfOf(expired.body), email: 'someone@elsewhere.example.org' });
      expect(asked.statusCode).toBe(200);
      expect(asked.body).toContain('新的办理链接已发送到本措施牵头单位在名录中登记的邮箱');
      expect(asked.body).not.toContain('发送新链接到本单位邮箱');
      // The mail goes to the lead unit's registered address only (never one typed on the page), with links that open its page.
      const mails = await eventually(
        () => smtp.parsed(),
        (m) => m.slice(sent).some((x) => JSON.stringify(x.to).includes('czj@')),
      );
      const fresh = mails.slice(sent);
      expect(fresh.map((x) => JSON.stringify(x.to))).toEqual([expect.stringContaining('czj@district.example.org')]);
      expect(fresh[0].subject).toContain('办理链接');
      // Kept to be read as the unit gets it.
      mkdirSync(join(__dirname, '../../test-output/mails'), { recursive: true });
      writeFileSync(join(__dirname, '../../test-output/mails/link-sent.txt'), `Subject: ${fresh[0].subject}\n\n${fresh[0].text}`);
      writeFileSync(join(__dirname, '../../test-output/mails/link-sent.html'), String(fresh[0].html));
      expect(fresh[0].text).toContain('应你单位在办理页面提出的申请，现发送本措施新的办理链接');
      const link = /https:\/\/zhenggai\.example\.org(\/u\/\S+)/.exec(fresh[0].text ?? '')![1];
      const opened = await new Browser(web).get(link);
      expect(opened.statusCode).toBe(200);
      expect(opened.body).toContain('清查闲置资产');
      expect((await state('2.1')).audit.at(-1)).toMatchObject({ action: 'relink', actor: { role: 'unit', who: '区财政局', via: 'link' } });
      // A second request within ten minutes is refused, changing nothing; the page says why.
      const before = await settled('2.1');
      const again = await b.post(`/u/${PLAN_ID}/2.1/relink`, { _csrf: csrfOf(expired.body) });
      expect(again.statusCode).toBe(422);
      expect(again.body).toContain('每10分钟最多发送一次');
      expect(await historyLength('2.1')).toBe(before);
      // The office sees it on the measure's timeline.
      const office = new Browser(web);
      await office.signIn('督查科', PASSWORD);
      const page = await office.get(`/measures/${PLAN_ID}/2.1`);
      expect(page.body).toContain('申请新的办理链接');
      expect(page.body).toContain('办理链接');
      await recordHistory('life-relinked', handle('2.1'));
    });

    it('a link reports progress with an uploaded PDF; the file is kept once by its hash and served back to the link and the office only', async () => {
      const b = new Browser(web);
      const t = token('1.1');
      const page = await b.get(`/u/${PLAN_ID}/1.1?t=${t}&do=progress`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('健全政策机制&lt;script&gt;');
      expect(page.body).not.toContain(XSS);
      expect(page.body).not.toContain(IMG);
      const pdf = tinyPdf('progress');
      const res = await b.postMultipart(
        `/u/${PLAN_ID}/1.1/progress?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ note: `已起草文件${XSS}`, links: 'https://example.org/notice/1' }, [{ name: '起草稿.pdf', content: pdf }]),
      );
      expect([res.statusCode, res.body]).toEqual([303, '']);
      expect(res.headers.location).toBe(`/u/${PLAN_ID}/1.1?t=${t}&done=progress`);
      expect(await access.evidence.count()).toBe(1);

      const s = await state('1.1');
      const entry = s.audit.at(-1)!;
      expect(entry.actor).toEqual({ role: 'unit', who: '区发改委', via: 'link' });
      expect(String(entry.detail.note)).toContain(`已起草文件${XSS}`);
      expect(String(entry.detail.note)).toContain('附件「起草稿.pdf」');
      const sha = /sha256:([0-9a-f]{64})/.exec(String(entry.detail.note))![1];

      const after = await b.get(res.headers.location as string);
      expect(after.body).toContain('已报送进展');
      expect(after.body).toContain(`/evidence/${sha}?t=`);
      const file = await b.get(`/evidence/${sha}?t=${t}`);
      expect([file.statusCode, file.headers['content-type']]).toEqual([200, 'application/pdf']);
      expect(file.rawPayload.equals(pdf)).toBe(true);
      expect(String(file.headers['content-disposition'])).toContain(encodeURIComponent('起草稿.pdf'));
      // Another measure's link, or none: refused. The office: served.
      expect((await b.get(`/evidence/${sha}?t=${token('1.2')}`)).statusCode).toBe(403);
      expect((await new Browser(web).get(`/evidence/${sha}`)).statusCode).toBe(403);
      const office = new Browser(web);
      await office.signIn('督查科', PASSWORD);
      expect((await office.get(`/evidence/${sha}`)).statusCode).toBe(200);
      const timeline = await office.get(`/measures/${PLAN_ID}/1.1`);
      expect(timeline.body).toContain('单位·区发改委（经邮件链接）');
      expect(timeline.body).toContain(`href="/evidence/${sha}"`);
      expect(timeline.body).toContain('已起草文件&lt;script&gt;');
      expect(timeline.body).not.toContain(XSS);
    });

    it('uploads too large or of the wrong type are refused (413/415) and nothing is stored or sent', async () => {
      const b = new Browser(web);
      const t = token('1.2');
      const stored = await access.evidence.count();
      const before = await settled('1.2');
      const post = async (files: Parameters<typeof multipart>[1]) => {
        const page = await b.get(`/u/${PLAN_ID}/1.2?t=${t}`);
        return b.postMultipart(
          `/u/${PLAN_ID}/1.2/completion?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
          multipart({ evidence: '说明', note: '完成' }, files),
        );
      };
      const big = Buffer.concat([tinyPdf(), Buffer.alloc(20 * 1024 * 1024)]);
      const tooBig = await post([{ name: '大文件.pdf', content: big }]);
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.body).toContain('超过单个文件20.0 MB的上限');
      const chunk = Buffer.concat([tinyPdf(), Buffer.alloc(19 * 1024 * 1024)]);
      const tooMuch = await post([1, 2, 3, 4, 5, 6].map((i) => ({ name: `第${i}份.pdf`, content: chunk })));
      expect(tooMuch.statusCode).toBe(413);
      expect(tooMuch.body).toContain('合计超过100.0 MB的上限');
      const exe = await post([{ name: '工具.exe', content: Buffer.from('MZ\x90\x00') }]);
      expect(exe.statusCode).toBe(415);
      expect(exe.body).toContain('类型不在允许之列');
      const disguised = await post([
        { name: '报告.pdf', content: tinyPdf() },
        { name: '网页.pdf', content: Buffer.from(`<html>${XSS}</html>`) },
      ]);
      expect(disguised.statusCode).toBe(415);
      expect(disguised.body).toContain('“网页.pdf”的内容不是PDF');
      expect(await access.evidence.count()).toBe(stored);
      expect(await historyLength('1.2')).toBe(before);
      expect((await state('1.2')).progress.status).toBe('active');
    }, 60_000);

    it('a validator’s refusal is shown on the page in Chinese, what was typed is kept, nothing changes', async () => {
      const b = new Browser(web);
      const t = token('2.2');
      const page = await b.get(`/u/${PLAN_ID}/2.2?t=${t}&do=extension`);
      const before = await settled('2.2');
      const stored = await access.evidence.count();
      const res = await b.postMultipart(
        `/u/${PLAN_ID}/2.2/extension?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ newDeadline: '2024-01-02', reason: `理由${IMG}` }, [{ name: '附带.pdf', content: tinyPdf('extension') }]),
      );
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('未能提交');
      expect(res.body).toMatch(/新时限2024年1月2日应晚于/);
      expect(res.body).toContain('理由&lt;img src=x onerror=alert(1)&gt;');
      expect(res.body).not.toContain(IMG);
      // A refused completion takes its uploaded file back.
      const none = await b.postMultipart(
        `/u/${PLAN_ID}/2.2/completion?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ evidence: '' }, [{ name: '空白.pdf', content: tinyPdf('refused') }]),
      );
      expect(none.statusCode).toBe(303); // the file alone is evidence: accepted
      expect((await state('2.2')).progress.status).toBe('submitted');
      // Refused again with the same file and a new one: the new one goes, the accepted one stays, owned as before.
      const kept = /sha256:([0-9a-f]{64})/.exec((await state('2.2')).submission!.evidence.join())![1];
      const again = await b.postMultipart(
        `/u/${PLAN_ID}/2.2/completion?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ evidence: '再次提交' }, [
          { name: '同一份.pdf', content: tinyPdf('refused') },
          { name: '另一份.pdf', content: tinyPdf('second') },
        ]),
      );
      expect(again.statusCode).toBe(422);
      expect(again.body).toContain('措施当前状态为“已提交待核验”');
      expect(await access.evidence.count()).toBe(stored + 1);
      expect((await access.evidence.meta(kept))!.owners.map((x) => x.name)).toEqual(['空白.pdf']);
      expect(await historyLength('2.2')).toBeGreaterThan(before);
    });
  });

  describe('the office from the web', () => {
    let office: Browser;
    beforeAll(async () => {
      office = new Browser(web);
      await office.signIn('督查科', PASSWORD);
    });
    const act = async (measure: string, action: string, form: Record<string, string>) => {
      const page = await office.get(`/measures/${PLAN_ID}/${measure}`);
      return office.post(`/measures/${PLAN_ID}/${measure}/${action}`, { _csrf: csrfOf(page.body), ...form });
    };

    it('urges (催办) once a working day; the second is refused on the page; the mail carries the unit’s links', async () => {
      const sent = smtp.accepted.length;
      const res = await act('1.2', 'remind', { note: `请抓紧${XSS}` });
      expect([res.statusCode, res.headers.location]).toEqual([303, `/measures/${PLAN_ID}/1.2?done=remind`]);
      const s = await state('1.2');
      expect(s.audit.at(-1)).toMatchObject({ action: 'remind', actor: { role: 'office', who: '督查科', via: 'web' } });
      const page = await office.get(res.headers.location as string);
      expect(page.body).toContain('已催办。');
      expect(page.body).toContain('巡察办·督查科（经网页）');
      expect(page.body).toContain('请抓紧&lt;script&gt;');
      expect(page.body).not.toContain(XSS);

      const before = await settled('1.2');
      const again = await act('1.2', 'remind', {});
      expect(again.statusCode).toBe(422);
      expect(again.body).toContain('已由督查科催办过');
      expect(await historyLength('1.2')).toBe(before);

      const mails = await eventually(
        () => smtp.parsed(),
        (m) => m.slice(sent).some((x) => x.to && JSON.stringify(x.to).includes('fgw@')),
      );
      const unitMail = mails.slice(sent).find((x) => JSON.stringify(x.to).includes('fgw@'))!;
      const links = [...(unitMail.text ?? '').matchAll(/https:\/\/zhenggai\.example\.org(\/u\/\S+)/g)].map((m) => m[1]);
      expect(links.map((l) => /do=(\w+)/.exec(l)![1])).toEqual(['progress', 'completion', 'extension']);
      expect(unitMail.html).toContain('在线办理');
      // The link from the mail opens the measure's page.
      const opened = await new Browser(web).get(links[0]);
      expect(opened.statusCode).toBe(200);
      expect(opened.body).toContain('全力稳定外资');
      expect(opened.body).toContain('报送进展');
      // Nobody else's mail carries links.
      for (const other of mails.slice(sent).filter((x) => x !== unitMail)) expect(other.text).not.toContain('/u/');
    });

    it('verifies a completion submitted through a link; the link then says the measure is closed and acts no more (403)', async () => {
      const b = new Browser(web);
      const t = token('1.1');
      const page = await b.get(`/u/${PLAN_ID}/1.1?t=${t}&do=completion`);
      const done = await b.postMultipart(
        `/u/${PLAN_ID}/1.1/completion?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ evidence: `印发文件${XSS}`, note: '已完成' }, [{ name: '印发文件.pdf', content: tinyPdf('final') }]),
      );
      expect(done.statusCode).toBe(303);
      const verifyPage = await office.get(`/measures/${PLAN_ID}/1.1`);
      expect(verifyPage.body).toContain('核验销号');
      expect(verifyPage.body).toContain('印发文件.pdf');
      const missing = await act('1.1', 'verify', {});
      expect(missing.statusCode).toBe(400);
      expect(missing.body).toContain('请选择通过或退回');
      const rejectNoReason = await act('1.1', 'verify', { decision: 'reject' });
      expect(rejectNoReason.statusCode).toBe(422);
      expect(rejectNoReason.body).toContain('退回理由不能为空');
      const accepted = await act('1.1', 'verify', { decision: 'accept', reason: '材料齐全' });
      expect(accepted.statusCode).toBe(303);
      expect((await state('1.1')).progress.status).toBe('closed');

      const closed = await b.get(`/u/${PLAN_ID}/1.1?t=${t}`);
      expect(closed.statusCode).toBe(200);
      expect(closed.body).toContain('本措施已销号');
      expect(closed.body).not.toContain('<form method="post" enctype');
      const logged = refusedFor('closed');
      const replay = await b.postMultipart(
        `/u/${PLAN_ID}/1.1/progress?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ note: '再报一次' }),
      );
      expect(replay.statusCode).toBe(403);
      expect(refusedFor('closed')).toBe(logged + 1);
    });

    it('decides an extension asked through a link; the older link is then superseded', async () => {
      const b = new Browser(web);
      const t = token('1.2');
      const page = await b.get(`/u/${PLAN_ID}/1.2?t=${t}&do=extension`);
      const asked = await b.postMultipart(
        `/u/${PLAN_ID}/1.2/extension?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
        multipart({ newDeadline: wednesdayAhead(Date.now(), 6), reason: '需协调省级部门' }),
      );
      expect(asked.statusCode).toBe(303);
      const decided = await act('1.2', 'extension', { decision: 'approve' });
      expect(decided.statusCode).toBe(303);
      const s = await state('1.2');
      expect(s.progress.deadlineVersion).toBe(2);
      const old = await b.get(`/u/${PLAN_ID}/1.2?t=${t}`);
      expect(old.body).toContain('整改时限已调整');
      // The unit still leads the open measure: the page offers the new link.
      expect(old.body).toContain(`action="/u/${PLAN_ID}/1.2/relink"`);
      expect((await b.get(`/u/${PLAN_ID}/1.2?t=${token('1.2', { deadlineVersion: 2 })}`)).body).toContain('申请延期');
    });

    it('reassigns with the reason as text; a refusal (nothing changed) is on the page; the old unit’s link sees nothing more', async () => {
      const unit = new Browser(web);
      const t = token('2.1');
      const form = await unit.get(`/u/${PLAN_ID}/2.1?t=${t}`);
      const reported = await unit.postMultipart(
        `/u/${PLAN_ID}/2.1/progress?t=${t}&_csrf=${encodeURIComponent(csrfOf(form.body))}`,
        multipart({ note: '清查过半' }, [{ name: '清查表.pdf', content: tinyPdf('inventory') }]),
      );
      expect(reported.statusCode).toBe(303);
      const sha = /sha256:([0-9a-f]{64})/.exec(String((await state('2.1')).audit.at(-1)!.detail.note))![1];
      expect((await unit.get(`/evidence/${sha}?t=${t}`)).statusCode).toBe(200);
      const same = await act('2.1', 'reassign', { leadUnit: '区财政局', leader: '区委常委、常务副区长', reason: '调整' });
      expect(same.statusCode).toBe(422);
      expect(same.body).toContain('新的牵头单位和负责区领导与当前相同');
      const moved = await act('2.1', 'reassign', { leadUnit: '区委组织部', leader: '副区长', reason: `职责调整${IMG}` });
      expect(moved.statusCode).toBe(303);
      const s = await state('2.1');
      expect([s.leadUnit, s.leader]).toEqual(['区委组织部', '副区长']);
      expect(s.audit.at(-1)!.detail.reason).toBe(`职责调整${IMG}`);
      const page = await office.get(`/measures/${PLAN_ID}/2.1`);
      expect(page.body).toContain('职责调整&lt;img');
      expect(page.body).not.toContain(IMG);
      // The old unit's link is superseded: its page says so and lists no evidence; the evidence is refused to it.
      const old = await unit.get(`/u/${PLAN_ID}/2.1?t=${t}`);
      expect(old.body).toContain('牵头单位已调整');
      expect(old.body).not.toContain('/evidence/');
      // No new link for a unit that no longer leads the measure.
      expect(old.body).not.toContain('/relink');
      const logged = logs.filter((l) => l.reason === 'superseded').length;
      expect((await unit.get(`/evidence/${sha}?t=${t}`)).statusCode).toBe(403);
      expect(logs.filter((l) => l.reason === 'superseded').length).toBe(logged + 1);
      expect((await office.get(`/evidence/${sha}`)).statusCode).toBe(200);
      // Only a link issued to 区财政局 while it led the measure may say where it went; any other is refused, and learns nothing.
      const movedAt = Date.parse(s.audit.at(-1)!.at);
      const meanwhile = Math.round((Date.parse(s.startedAt) + movedAt) / 2);
      const before = await unit.get(`/u/${PLAN_ID}/2.1?t=${token('2.1', { issuedAt: meanwhile })}`);
      expect([before.statusCode, before.body.includes('本措施的牵头单位已调整为区委组织部')]).toEqual([200, true]);
      const refusedBefore = refusedFor('unit');
      for (const over of [{ unit: '区发改委' }, { unit: '区发改委', issuedAt: meanwhile }, { issuedAt: movedAt + 60_000 }]) {
        const res = await unit.get(`/u/${PLAN_ID}/2.1?t=${token('2.1', over)}`);
        expect([over, res.statusCode]).toEqual([over, 403]);
        expect(res.body).toContain('此链接无效、已过期或不能用于这项操作');
        expect(res.body).not.toContain('区委组织部');
      }
      expect(refusedFor('unit')).toBe(refusedBefore + 3);
    });

    it('launches a look-back campaign after a preview of the matched measures, and records its outcome', async () => {
      const preview = await office.get(`/campaigns/new?plan=${PLAN_ID}&problem=1`);
      expect(preview.statusCode).toBe(200);
      expect(preview.body).toContain('将开展回头看的已销号措施（1项）');
      expect(preview.body).toContain(`/measures/${PLAN_ID}/1.1`);
      // Each measure by its number, title and lead unit; the filters are choices from the plan.
      expect(preview.body).toMatch(/1\.1 健全政策机制&lt;script&gt;[^]*<td>区发改委<\/td>/);
      expect(preview.body).toContain('<option value="区财政局" >区财政局</option>');
      expect(preview.body).toContain('<option value="1" selected>1. 高质量发展成效不显</option>');
      const bad = await office.post('/campaigns', {
        _csrf: csrfOf(preview.body),
        plan: PLAN_ID,
        problem: '1',
        name: `年终${XSS}`,
        due: '2024-01-02',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('应晚于今天');
      expect(bad.body).not.toContain(XSS);
      const due = wednesdayAhead(Date.now(), 2);
      const launched = await office.post('/campaigns', {
        _csrf: csrfOf(preview.body),
        plan: PLAN_ID,
        problem: '1',
        name: '年终回头看',
        due,
      });
      // The launch leads to the campaign itself: its name, due date, the measure asked by title and unit, where it stands.
      expect([launched.statusCode, launched.headers.location]).toEqual([
        303,
        `/campaigns/${PLAN_ID}/${encodeURIComponent('年终回头看')}?done=launched`,
      ]);
      const shown = await eventually(
        () => office.get(launched.headers.location as string),
        (r) => r.body.includes('待核查'),
      );
      expect(shown.body).toContain('已开展回头看专项“年终回头看”');
      expect(shown.body).toContain(plainDateZh(due));
      expect(shown.body).toContain('1.1 健全政策机制&lt;script&gt;');
      expect(shown.body).toContain('区发改委');
      expect(shown.body).toContain('共1项：尚无核查结论，待核查1项');
      expect(shown.body).not.toContain('对以上1项开展回头看');
      // Launching it again starts nothing and says so.
      const again = await office.post('/campaigns', { _csrf: csrfOf(preview.body), plan: PLAN_ID, problem: '1', name: '年终回头看', due });
      expect(again.headers.location).toBe(`/campaigns/${PLAN_ID}/${encodeURIComponent('年终回头看')}?done=existed`);
      // The list of campaigns has it, with the link to its page.
      const list = await office.get(`/campaigns?plan=${PLAN_ID}`);
      expect(list.body).toContain(`href="/campaigns/${PLAN_ID}/${encodeURIComponent('年终回头看')}"`);
      const reviewing = await eventually(
        () => state('1.1'),
        (v) => !!v.lookbacks?.length,
      );
      expect(reviewing.lookbacks![0].campaign).toBe('年终回头看');
      await eventually(
        () =>
          env.client.workflow
            .getHandle(lookbackWorkflowId(PLAN_ID, '1.1', 1))
            .describe()
            .then(() => true)
            .catch(() => false),
        (v) => v,
      );
      const page = await office.get(`/measures/${PLAN_ID}/1.1`);
      expect(page.body).toContain('记录第1次回头看结论');
      const recorded = await act('1.1', 'lookback', { round: '1', outcome: 'sustained', notes: `成效巩固${XSS}` });
      expect(recorded.statusCode).toBe(303);
      const s = await eventually(
        () => state('1.1'),
        (v) => v.lookbacks?.[0]?.outcome === 'sustained',
      );
      expect(s.lookbacks![0]).toMatchObject({ outcome: 'sustained', by: { role: 'office', who: '督查科', via: 'web' } });
      const twice = await act('1.1', 'lookback', { round: '1', outcome: 'sustained', notes: '再记一次' });
      expect(twice.statusCode).toBe(400);
      expect(twice.body).toContain('已记录结论');
    });

    it('every page stays escaped after all of the above', async () => {
      for (const url of ['/', '/measures', `/measures/${PLAN_ID}/1.1`, `/measures/${PLAN_ID}/1.2`, `/measures/${PLAN_ID}/2.1`, '/report']) {
        const page = await office.get(url);
        expect([url, page.statusCode]).toEqual([url, 200]);
        expect(page.body).not.toContain(XSS);
        expect(page.body).not.toContain(IMG);
      }
      // A signed-out browser ends its session.
      const page = await office.get('/');
      expect((await office.post('/logout', { _csrf: csrfOf(page.body) })).headers.location).toBe('/login');
      expect((await office.get('/')).statusCode).toBe(303);
    });
  });
  describe('fuzzed requests', () => {
    it('every route, with bad tokens and injection strings in path, query and form: no 5xx, a page that says why, nothing changed', async () => {
      const ids = ['1.1', '1.2', '2.1', '2.2'];
      const before = await Promise.all(ids.map(settled));
      const office = new Browser(web);
      await office.signIn('督查科', PASSWORD);
      const visitors = [new Browser(web), office];
      const injection = fc.oneof(
        fc.constantFrom(
          `'"><script>alert(1)</script>`,
          '../../../etc/passwd',
          '%00',
          '%2e%2e%2f',
          '${7*7}',
          "' OR 1=1 --",
          '\u0000\u001b[2J',
          '测试\u202E',
          "{{constructor.constructor('return process')()}}",
          '__proto__',
          'eyJhbGciOiJub25lIn0.eyJwbGFuSWQiOiJhY3QtMjAyNCJ9.',
          'x'.repeat(5000),
        ),
        fc.string({ maxLength: 40 }),
      );
      const GET = [
        '/',
        '/measures',
        '/measures.csv',
        '/report',
        '/report.json',
        '/report.md',
        '/campaigns/new',
        '/campaigns',
        '/campaigns/:planId/:name',
        '/login',
        '/measures/:planId/:measureId',
        '/u/:planId/:measureId',
        '/evidence/:sha256',
        '/nowhere/:x',
      ];
      const POST = [
        '/login',
        '/logout',
        '/campaigns',
        '/measures/:planId/:measureId/:action',
        '/u/:planId/:measureId/:action',
        '/u/:planId/:measureId/relink',
      ];
      // A NUL in a filter ended the embedded server's SQL mid-literal: a 500 after seconds of retries. Refused, named.
      const nul = await office.get(`/campaigns/new?plan=${PLAN_ID}&unit=%00`);
      expect([nul.statusCode, nul.body.includes('筛选条件含不可见的控制字符')]).toEqual([400, true]);
      // A question mark in a filter failed the production cluster's PostgreSQL visibility (a 500 there,
      // temporalio/temporal#11797; the fuzz found it at /campaigns/%3F/%3F): refused here alike.
      const asked = await office.get(`/campaigns/new?plan=${PLAN_ID}&unit=${encodeURIComponent('区发改委?')}`);
      expect([asked.statusCode, asked.body.includes('筛选条件含英文问号“?”')]).toEqual([400, true]);
      // An id no plan can have is no plan: the page for one not there, nothing asked of Temporal.
      for (const url of ['/campaigns/%3F/%3F', '/measures/%3F/1.1', '/measures/A%20B/%3F'])
        expect([url, (await office.get(url)).statusCode]).toEqual([url, 404]);
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            route: fc.constantFrom(...GET.map((r) => ['GET', r]), ...POST.map((r) => ['POST', r])),
            visitor: fc.nat(1),
            path: injection,
            query: injection,
            form: injection,
            realMeasure: fc.boolean(),
          }),
          async ({ route: [method, route], visitor, path, query, form, realMeasure }) => {
            const url = route
              .replace(':planId', realMeasure ? PLAN_ID : encodeURIComponent(path))
              .replace(':measureId', realMeasure ? '1.1' : encodeURIComponent(path))
              .replace(/:\w+/g, encodeURIComponent(path));
            const q = new URLSearchParams({ plan: query, t: query, token: query, asOf: query, unit: query, sort: query, next: query });
            const b = visitors[visitor];
            const res =
              method === 'GET'
                ? await b.get(`${url}?${q}`)
                : await b.post(`${url}?${q}`, {
                    _csrf: form,
                    t: form,
                    token: form,
                    note: form,
                    reason: form,
                    name: form,
                    password: form,
                    newDeadline: form,
                    accept: form,
                    next: form,
                  });
            seen.add(`${method} ${route}`);
            expect([method, route, res.statusCode < 500]).toEqual([method, route, true]);
            if (res.statusCode >= 400) expect(res.body.trim().length).toBeGreaterThan(0);
            // An injected script never comes back as markup.
            expect(res.body).not.toContain('<script>alert(1)</script>');
          },
        ),
        // Runs and shrinking end before the test's own limit (an interruption fails it), so that nothing
        // keeps sending requests into the next file's tests.
        { numRuns: 200, interruptAfterTimeLimit: 210_000, markInterruptAsFailure: true },
      );
      expect(seen.size).toBeGreaterThan(12);
      expect(await Promise.all(ids.map(historyLength))).toEqual(before);
      // 200 requests, each refused after reading a plan or a measure: about 20 s on the embedded server, up to a
      // minute and a half on the production cluster of the cluster tier (CI, 2026-12-06). A test cut short keeps
      // sending requests into the next file's tests, so it is given the time, and fast-check stops itself within it.
    }, 240_000);
  });
});
