/**
 * Who sees what, on a real dev server (issue 26): three district plans; a district office account
 * and a district leader scoped to one, a province account reading every plan and acting on
 * another, a city account acting on all. Every GET and POST route the app registers — read from
 * the app itself, so that a new route cannot be left out — asked for another district's plan
 * answers 404 (403 where the route refuses the account first) with every workflow of the other
 * districts unchanged; the same routes for its own plan answer; the overview's plan switcher, the
 * ledger, the campaigns, the launcher and the downloads name only the plans the account reads;
 * /metrics gives a district's session nothing; a new scope ends the account's sessions. One file:
 * every case reads the one set-up (three plans, evidence and a campaign in two of them), which
 * takes most of its time.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailDelivery } from '../../activities/mail/delivery';
import { PlanDirectory } from '../../activities/mail/directory';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { buildWebApp } from '../../client/web/server';
import { quote } from '../../client/measures';
import { signLink, type LinkAction } from '../../domain/links';
import { OFFICE_ACTIONS } from '../../client/web/forms';
import { getStateQuery } from '../../contracts/messages';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { Browser, csrfOf, multipart, tinyPdf } from '../helpers/http';
import { registeredRoutes } from '../helpers/routes';
import { wednesdayAhead } from '../helpers/specs';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, settledHistoryLength, startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess, type WebAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PASSWORD = 'correct horse battery';
/** The district's own plan, the plan the province acts on, and a third district's. */
const OWN = 'liangxi-2024';
const OTHER = 'binhu-2024';
const THIRD = 'xishan-2024';
const DISTRICTS: Record<string, string> = { [OWN]: '梁溪区', [OTHER]: '滨湖区', [THIRD]: '锡山区' };
const CAMPAIGN = '年终回头看';

const planOf = (id: string) =>
  drillPlan({
    id,
    title: `${DISTRICTS[id]}巡察整改`,
    problems: [`${DISTRICTS[id]}高质量发展成效不显`],
    measures: [
      `{ id: "1.1", problem: 1, title: ${DISTRICTS[id]}健全政策机制, text: 健全。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
      `{ id: "1.2", problem: 1, title: ${DISTRICTS[id]}清查闲置资产, text: 清查。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区财政局, participants: [], deadline: 2024-04-30 }`,
    ],
  });

/** What another district's plan must never show on a district's pages: its id and its name. */
const foreign = (own: string) => Object.keys(DISTRICTS).flatMap((id) => (id === own ? [] : [id, DISTRICTS[id]]));

describe('who sees what: a district account against another district, route by route', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let web: FastifyInstance;
  let access: WebAccess;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-scopes-'));
  const evidence: Record<string, string> = {};
  const district = () => signedIn('区巡察办督查科');
  const browsers = new Map<string, Browser>();
  /** One signed-in browser per account. */
  async function signedIn(name: string): Promise<Browser> {
    if (!browsers.has(name)) {
      // Loopback addresses of their own: /metrics would answer them but for the scope, and the per-address limits count apart.
      const loopback = ({ 区巡察办督查科: '127.0.0.1', 省巡视办: '::1', 常务副区长: '::ffff:127.0.0.1' } as Record<string, string>)[name];
      const b = loopback ? new Browser(web, loopback) : new Browser(web);
      expect((await b.signIn(name, PASSWORD)).statusCode).toBe(303);
      browsers.set(name, b);
    }
    return browsers.get(name)!;
  }

  /** Every workflow of these plans, and its history's length once it has settled. */
  async function histories(planIds: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for await (const wf of env.client.workflow.list({ query: `PlanId IN (${planIds.map(quote).join(', ')})` }))
      out[wf.workflowId] = await settledHistoryLength(env.client.workflow.getHandle(wf.workflowId));
    return out;
  }

  /** A completion with a PDF through the unit's link, verified by the city's account: the plan then has evidence and a closed measure. */
  async function closeWithEvidence(planId: string): Promise<void> {
    const t = signLink(
      {
        planId,
        measureId: '1.1',
        unit: '区发改委',
        actions: ['reportProgress', 'submitCompletion', 'requestExtension'] as LinkAction[],
        deadlineVersion: 1,
        expiresAt: Date.now() + 86_400_000,
      },
      access.keys.current,
    );
    const unit = new Browser(web);
    const page = await unit.get(`/u/${planId}/1.1?t=${t}&do=completion`);
    const done = await unit.postMultipart(
      `/u/${planId}/1.1/completion?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
      multipart({ evidence: '印发文件', note: '已完成' }, [{ name: `${planId}.pdf`, content: tinyPdf(planId) }]),
    );
    expect(done.statusCode).toBe(303);
    const state = await env.client.workflow.getHandle(`measure:${planId}:1.1`).query(getStateQuery);
    evidence[planId] = /sha256:([0-9a-f]{64})/.exec(JSON.stringify(state))![1];
    const city = await signedIn('市巡察办');
    const measure = await city.get(`/measures/${planId}/1.1`);
    const verified = await city.post(`/measures/${planId}/1.1/verify`, {
      _csrf: csrfOf(measure.body),
      decision: 'accept',
      reason: '材料齐全',
    });
    expect(verified.statusCode).toBe(303);
    const launcher = await city.get(`/campaigns/new?plan=${planId}`);
    const launched = await city.post('/campaigns', {
      _csrf: csrfOf(launcher.body),
      plan: planId,
      name: CAMPAIGN,
      due: wednesdayAhead(Date.now(), 2),
    });
    expect([launched.statusCode, launched.headers.location]).toEqual([
      303,
      `/campaigns/${planId}/${encodeURIComponent(CAMPAIGN)}?done=launched`,
    ]);
  }

  beforeAll(async () => {
    const paths = Object.keys(DISTRICTS).map((id) => {
      const path = join(dir, `${id}.yaml`);
      writeFileSync(path, planOf(id));
      return path;
    });
    access = webAccess(join(dir, 'web'));
    await access.users.add('区巡察办督查科', 'office', PASSWORD, { plans: [OWN] });
    await access.users.add('常务副区长', 'leadership', PASSWORD, { plans: [OWN] });
    await access.users.add('省巡视办', 'office', PASSWORD, { plans: [OTHER], readAll: true });
    await access.users.add('市巡察办', 'office', PASSWORD, { plans: 'all' });
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
    const delivery = new MailDelivery({
      mailer,
      plans: new PlanDirectory(paths),
      ledger: new SentLedger(join(dir, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
      links: { baseUrl: 'https://zhenggai.example.org/', keys: access.keys, days: 30 },
    });
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
    web = await buildWebApp({ client: env.client, namespace: stack.namespace, cacheMs: 0, ...access });
    for (const path of paths) expect((await runCli('start', path)).out).toContain('新启动2项');
    await closeWithEvidence(OWN);
    await closeWithEvidence(OTHER);
    // Each campaign has opened its review before the routes are asked.
    for (const planId of [OWN, OTHER])
      await eventually(
        () => env.client.workflow.getHandle(`measure:${planId}:1.1`).query(getStateQuery),
        (s) => !!s.lookbacks?.length,
      );
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  /** Each registered GET and POST route as a request about `planId`; the routes that carry no plan, with why. */
  function requestsAbout(planId: string, actOn = '1.1'): { method: string; route: string; url: string; form?: Record<string, string> }[] {
    const routes = registeredRoutes(web).filter((r) => r.method === 'GET' || r.method === 'POST');
    const out: { method: string; route: string; url: string; form?: Record<string, string> }[] = [];
    for (const { method, url: route } of routes) {
      if (Object.hasOwn(NO_PLAN, `${method} ${route}`) || acrossPlans().includes(`${method} ${route}`)) continue;
      const fill = (action: string) =>
        route
          .replace(':planId', planId)
          .replace(':measureId', '1.1')
          .replace(':name', encodeURIComponent(CAMPAIGN))
          .replace(':sha256', evidence[planId] ?? '0'.repeat(64))
          .replace(':action', action);
      const query = route.includes(':planId') || route.includes(':sha256') ? '' : `?plan=${planId}`;
      if (method === 'GET') out.push({ method, route, url: `${fill('')}${query}` });
      else if (route === '/measures/:planId/:measureId/:action')
        for (const action of Object.keys(OFFICE_ACTIONS))
          out.push({
            method,
            route,
            url: fill(action).replace('/1.1/', `/${actOn}/`),
            form: { decision: 'accept', note: '催办', leadUnit: '区财政局', round: '1', outcome: 'sustained' },
          });
      else if (route === '/u/:planId/:measureId/:action') out.push({ method, route, url: fill('progress'), form: { note: '进展' } });
      else
        out.push({
          method,
          route,
          url: `${fill('')}${query}`,
          form: { plan: planId, name: '再次回头看', due: wednesdayAhead(Date.now(), 3) },
        });
    }
    return out;
  }

  /** Routes that carry no plan: nothing of a district in them to scope. */
  const NO_PLAN: Record<string, string> = {
    'GET /login': 'sign-in',
    'POST /login': 'sign-in',
    'POST /logout': 'sign-out',
    'GET /healthz': 'the process answers',
    'GET /readyz': 'Temporal, its search attributes and SMTP',
    'GET /vendor/echarts.min.js': 'the charts library',
    // @fastify/static's wildcard (printed from the root: find-my-way names a wildcard by itself).
    'GET /*': 'CSS and scripts under /static/',
  };

  /** Pages and downloads over every plan the account reads (the roll-up): 200, naming only those. */
  const acrossPlans = () =>
    ['GET /rollup', 'GET /rollup.docx', 'GET /rollup.xlsx'].filter((r) => registeredRoutes(web).some((x) => `${x.method} ${x.url}` === r));

  /** A page's text, or a Word or Excel file's (every part of the zip). */
  async function textOf(res: { rawPayload: Buffer; body: string }): Promise<string> {
    if (res.rawPayload.subarray(0, 2).toString() !== 'PK') return res.body;
    const zip = await JSZip.loadAsync(res.rawPayload);
    return (await Promise.all(Object.values(zip.files).map((f) => f.async('string')))).join('\n');
  }

  /** What each route answers a district for another district's plan: 404, or 403 where it refuses the account itself first. */
  const REFUSED_FIRST: Record<string, number> = {
    // A signed link is the credential there; without one, the same 403 for everyone.
    'GET /u/:planId/:measureId': 403,
    'POST /u/:planId/:measureId/:action': 403,
    // The counts of every plan: no session of a district reads them, loopback or not.
    'GET /metrics': 403,
  };

  it("enumerates the app's routes", () => {
    const routes = registeredRoutes(web).map((r) => `${r.method} ${r.url}`);
    for (const known of [
      'GET /',
      'GET /measures',
      'GET /measures/:planId/:measureId',
      'POST /measures/:planId/:measureId/:action',
      'GET /measures/:planId/:measureId/dossier.zip',
      'GET /report.docx',
      'GET /campaigns/:planId/:name',
      'POST /campaigns',
      'GET /evidence/:sha256',
      'POST /u/:planId/:measureId/relink',
      'GET /metrics',
    ])
      expect(routes).toContain(known);
    // Every route left out as carrying no plan is one the app has.
    for (const route of Object.keys(NO_PLAN)) expect(routes).toContain(route);
    expect(requestsAbout(OTHER).length).toBeGreaterThan(25);
  });

  it("a district's office account: every route for another district's plan answers 404 (or 403), and nothing of it changes", async () => {
    const b = await district();
    const before = await histories([OTHER, THIRD]);
    expect(Object.keys(before).length).toBeGreaterThan(6);
    const csrf = csrfOf((await b.get('/')).body);
    const answers: string[] = [];
    for (const r of requestsAbout(OTHER)) {
      const res = r.method === 'GET' ? await b.get(r.url) : await b.post(r.url, { _csrf: csrf, ...r.form });
      const want = REFUSED_FIRST[`${r.method} ${r.route}`] ?? 404;
      answers.push(`${r.method} ${r.url} ${res.statusCode}`);
      expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, want]);
      // The refusal names nothing of the plan beyond the id the request itself gave.
      expect(res.body).not.toContain(DISTRICTS[OTHER]);
      expect(res.body).not.toContain(THIRD);
    }
    console.log(`district → ${OTHER}:\n${answers.join('\n')}`);
    expect(await histories([OTHER, THIRD])).toEqual(before);
  });

  it('a district leader: the same routes answer 404, its actions 403, nothing changes', async () => {
    const b = await signedIn('常务副区长');
    const before = await histories([OTHER]);
    const csrf = csrfOf((await b.get('/')).body);
    for (const r of requestsAbout(OTHER)) {
      const res = r.method === 'GET' ? await b.get(r.url) : await b.post(r.url, { _csrf: csrf, ...r.form });
      // Acting (and the launcher) is refused to a leader before any plan is looked at.
      const officeOnly = (r.method === 'POST' && !r.route.startsWith('/u/')) || r.route === '/campaigns/new';
      const want = REFUSED_FIRST[`${r.method} ${r.route}`] ?? (officeOnly ? 403 : 404);
      expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, want]);
      expect(res.body).not.toContain(DISTRICTS[OTHER]);
    }
    expect(await histories([OTHER])).toEqual(before);
  });

  it('the same routes for its own plan answer', async () => {
    const b = await district();
    const csrf = csrfOf((await b.get('/')).body);
    const answers: string[] = [];
    // Actions on its open measure (1.2): through to the workflow, or its validator's refusal.
    for (const r of requestsAbout(OWN, '1.2')) {
      if (r.route.startsWith('/u/') || r.route === '/metrics') continue;
      const res = r.method === 'GET' ? await b.get(r.url) : await b.post(r.url, { _csrf: csrf, ...r.form });
      answers.push(`${r.method} ${r.url} ${res.statusCode}`);
      // Reading: 200. Acting: through to the workflow (303), or its refusal on the page (400, 422) — never 404 or 403.
      if (r.method === 'GET') expect([r.url, res.statusCode]).toEqual([r.url, 200]);
      else expect([r.url, [303, 400, 422].includes(res.statusCode)]).toEqual([r.url, true]);
      const text = await textOf(res);
      for (const word of foreign(OWN)) expect([r.url, word, text.includes(word)]).toEqual([r.url, word, false]);
    }
    console.log(`district → ${OWN}:\n${answers.join('\n')}`);
  });

  it('pages over every plan (the roll-up) name only the plans the account reads', async () => {
    const b = await district();
    for (const route of acrossPlans()) {
      const res = await b.get(route.slice(4));
      expect([route, res.statusCode]).toEqual([route, 200]);
      const text = await textOf(res);
      for (const word of foreign(OWN)) expect([route, word, text.includes(word)]).toEqual([route, word, false]);
    }
  });

  it('lists only what the account reads: the plan switcher, the ledger, campaigns, the launcher, downloads; a plain / is its plan', async () => {
    const b = await district();
    const overview = await b.get('/');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain(`梁溪区巡察整改（${OWN}）`);
    for (const word of foreign(OWN)) expect(overview.body).not.toContain(word);
    const ledger = await b.get('/measures');
    expect(ledger.body).toContain('梁溪区健全政策机制');
    for (const word of foreign(OWN)) expect(ledger.body).not.toContain(word);
    const campaigns = await b.get('/campaigns');
    expect(campaigns.body).toContain(`/campaigns/${OWN}/${encodeURIComponent(CAMPAIGN)}`);
    expect(campaigns.body).not.toContain(`/campaigns/${OTHER}/`);
    const launcher = await b.get('/campaigns/new');
    expect(launcher.body).toContain(`<option value="${OWN}"`);
    expect(launcher.body).toContain(`/measures/${OWN}/1.1`);
    for (const word of foreign(OWN)) expect(launcher.body).not.toContain(word);
    const csv = await b.get('/measures.csv');
    expect(csv.body).toContain('梁溪区健全政策机制');
    for (const word of foreign(OWN)) expect(csv.body).not.toContain(word);
    expect(JSON.parse((await b.get('/report.json')).body).planId).toBe(OWN);
    const zip = await b.get('/dossier.zip');
    expect(zip.statusCode).toBe(200);
    const names = Object.keys((await JSZip.loadAsync(zip.rawPayload)).files);
    expect(names.every((n) => n.startsWith(`一事一档-${OWN}-`))).toBe(true);
    expect((await b.get(`/evidence/${evidence[OWN]}`)).statusCode).toBe(200);
    // A launch without a plan named reaches only its own plan's closed measures.
    const again = await b.post('/campaigns', { _csrf: csrfOf(launcher.body), name: CAMPAIGN, due: wednesdayAhead(Date.now(), 2) });
    expect([again.statusCode, again.headers.location]).toEqual([303, `/campaigns/${OWN}/${encodeURIComponent(CAMPAIGN)}?done=existed`]);
  });

  it('a province account reads every plan, acts only on its own: 403 elsewhere with nothing changed, no forms there', async () => {
    const b = await signedIn('省巡视办');
    const page = await b.get(`/measures/${THIRD}/1.2`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('锡山区清查闲置资产');
    expect(page.body).not.toContain(`/measures/${THIRD}/1.2/remind`);
    const overview = await b.get(`/?plan=${THIRD}`);
    for (const id of Object.keys(DISTRICTS)) expect(overview.body).toContain(id);
    const before = await histories([THIRD]);
    const refused = await b.post(`/measures/${THIRD}/1.2/remind`, { _csrf: csrfOf(page.body), note: '催办' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('不能办理其中的事项');
    expect((await b.get(`/campaigns/new?plan=${THIRD}`)).statusCode).toBe(403);
    const launch = await b.post('/campaigns', { _csrf: csrfOf(page.body), plan: THIRD, name: '越权', due: wednesdayAhead(Date.now(), 2) });
    expect(launch.statusCode).toBe(403);
    expect(await histories([THIRD])).toEqual(before);
    // The launcher offers its own plan only.
    const launcher = await b.get('/campaigns/new');
    expect(launcher.body).toContain(`<option value="${OTHER}"`);
    expect(launcher.body).not.toContain(`<option value="${THIRD}"`);
    expect(launcher.body).not.toContain(`<option value="${OWN}"`);
    // Its own plan: acted on.
    const own = await b.get(`/measures/${OTHER}/1.2`);
    expect(own.body).toContain(`/measures/${OTHER}/1.2/remind`);
    const urged = await b.post(`/measures/${OTHER}/1.2/remind`, { _csrf: csrfOf(own.body), note: '请加快进度' });
    expect(urged.statusCode).toBe(303);
    // It reads every plan: the counts of all of them from loopback.
    expect((await b.get('/metrics')).statusCode).toBe(200);
  });

  it("/metrics from loopback: a district's session gets nothing; without a session, the operator's counts", async () => {
    const b = await district();
    const res = await b.get('/metrics');
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('rectify_measures');
    const operator = await web.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(operator.statusCode).toBe(200);
    expect(operator.body).toContain(`plan="${OTHER}"`);
  });

  it("a new scope ends the account's open sessions", async () => {
    await access.users.add('区巡察办值班', 'office', PASSWORD, { plans: [OWN] });
    const b = new Browser(web);
    await b.signIn('区巡察办值班', PASSWORD);
    expect((await b.get('/')).statusCode).toBe(200);
    await access.users.setScope('区巡察办值班', { plans: [THIRD] });
    const after = await b.get('/');
    expect([after.statusCode, after.headers.location]).toEqual([303, '/login?next=%2F']);
    await b.signIn('区巡察办值班', PASSWORD);
    const now = await b.get('/');
    expect(now.body).toContain(`锡山区巡察整改（${THIRD}）`);
    expect(now.body).not.toContain(OWN);
  });
});
