/// <reference lib="dom" />
/**
 * Every kind of page of the desk in Chromium (Debian's, via puppeteer-core), as the office, a
 * leader and a lead unit see it, at 1280×800 and at 390×844 (a phone): sign-in, the overview, the
 * ledger (whole and filtered), a measure (active with an extension asked, overdue and urged,
 * phased, submitted, closed, closed and under look-back, long-term), the unit's link page (each
 * form, and after the close-out), the report, the campaign launcher, the campaigns and one
 * campaign, the error pages (404, 400, a refused link), a refused sign-in. On each: axe-core at WCAG 2.1 AA with no serious or critical violation, no
 * sideways scroll on the phone, a full-page screenshot to test-output/screenshots/<page>-<width>.png.
 * Then what reads badly is checked where it went wrong: dates and status whole on their line, one
 * 已销号 per closed row, one marker per recipient, no empty 办理, the ledger as cards on a phone,
 * the zone said with the times; and the path sign-in → measure → verify by keyboard alone, with a
 * visible focus at every stop.
 *
 * One file: every check stands on the same dev server, plan and signed-in browsers, set up once
 * (a minute of the suite's two and a half); split, each part would start its own.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { FileOutbox } from '../../activities/outbox';
import { planRecords } from '../../client/plan-records';
import { buildWebApp } from '../../client/web/server';
import { measureWorkflowId } from '../../contracts/ids';
import { getStateQuery } from '../../contracts/messages';
import { signLink, type LinkAction } from '../../domain/links';
import { axeViolations, seriousOnes } from '../helpers/axe';
import { runCli } from '../helpers/cli';
import { drillPlan } from '../helpers/plans';
import { wednesdayAhead } from '../helpers/specs';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../test-output/screenshots');
const AXE_OUT = resolve(__dirname, '../../test-output/axe');
const P = 'pages-2024';
const PASSWORD = 'correct horse battery';
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

const M = (id: string, problem: number, title: string, unit: string, rest: string) =>
  `{ id: "${id}", problem: ${problem}, title: ${title}, text: ${title}，按期完成。, leader: 区委常委、常务副区长, leadUnit: ${unit}, participants: [${unit === '区财政局' ? '区发改委' : '区财政局'}], ${rest} }`;
const PLAN = drillPlan({
  id: P,
  title: '演练计划（页面）',
  problems: ['高质量发展成效不显', '资产管理较为混乱', '基层党组织建设薄弱'],
  measures: [
    M('1.1', 1, '健全政策机制', '区发改委', 'kind: deadline, deadline: 2030-06-28'),
    M('1.2', 1, '全力稳定外资', '区发改委', 'kind: deadline, deadline: 2024-03-29'),
    M(
      '1.3',
      1,
      '加快科技城建设',
      '区发改委',
      'kind: phased, deadline: 2030-12-31, milestones: [{ title: 摸清底数, deadline: 2024-02-29 }, { title: 制定方案, deadline: 2024-03-29 }, { title: 全面建成, deadline: 2030-12-31 }]',
    ),
    M('2.1', 2, '清查闲置资产', '区财政局', 'kind: deadline, deadline: 2024-04-30'),
    M('2.2', 2, '规范资产处置', '区财政局', 'kind: deadline, deadline: 2024-03-29'),
    M('3.1', 3, '整顿软弱涣散党组织', '区委组织部', 'kind: deadline, deadline: 2030-09-30'),
    M('3.2', 3, '落实三会一课制度', '区委组织部', 'kind: longterm'),
  ],
});

type Who = 'office' | 'leader' | 'anon';
interface PageKind {
  name: string;
  path: () => string;
  who: Who;
  status?: number;
  /** What the reader does on the page first (a form sent); the status is then the answer's. */
  act?: (page: Page) => Promise<unknown>;
}

describe('every page, at 1280 px and on a phone, readable and accessible', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let web: FastifyInstance;
  let browser: Browser;
  let base: string;
  const contexts = {} as Record<Who, BrowserContext>;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-pages-'));
  const planPath = join(dir, 'plan.yaml');
  const access = webAccess(join(dir, 'web'));
  const unitOf = (id: string) => ({ '1': '区发改委', '2': '区财政局', '3': '区委组织部' })[id[0]]!;
  const link = (id: string, key = access.keys.current) =>
    `/u/${P}/${id}?t=${signLink(
      {
        planId: P,
        measureId: id,
        unit: unitOf(id),
        actions: ['reportProgress', 'submitCompletion', 'requestExtension'] as LinkAction[],
        deadlineVersion: 1,
        expiresAt: Date.now() + 86_400_000,
        issuedAt: Date.now() - 1000,
      },
      key,
    )}`;
  const state = (id: string) => env.client.workflow.getHandle(measureWorkflowId(P, id)).query(getStateQuery);
  const cli = async (...argv: string[]) => {
    const r = await runCli(...argv);
    // (stderr may carry the plan's warnings: 2030's holidays not yet published.)
    expect([argv.join(' '), r.code, r.code ? r.err : '']).toEqual([argv.join(' '), 0, '']);
    return r.out;
  };

  async function reader(context: BrowserContext, width: number, height: number): Promise<Page> {
    const page = await context.newPage();
    // As a browser set up for Chinese: Chinese text (and its punctuation, in a zh-CN page) in a CJK font.
    const cdp = await page.createCDPSession();
    await cdp.send('Page.enable');
    await cdp.send('Page.setFontFamilies', {
      fontFamilies: {},
      forScripts: [{ script: 'Hans', fontFamilies: { standard: 'WenQuanYi Micro Hei', sansSerif: 'WenQuanYi Micro Hei' } }],
    });
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    return page;
  }

  async function signInByForm(context: BrowserContext, name: string) {
    const page = await reader(context, 1280, 800);
    await page.goto(`${base}/login`, { waitUntil: 'networkidle0' });
    await page.type('input[name=name]', name);
    await page.type('input[name=password]', PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('form.form button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.close();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`没有找到 Chromium：${CHROMIUM}（apt-get install chromium fonts-wqy-microhei，或设置 CHROMIUM_PATH）`);
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(AXE_OUT, { recursive: true });
    writeFileSync(planPath, PLAN);
    await access.users.add('督查科', 'office', PASSWORD);
    await access.users.add('常务副区长', 'leadership', PASSWORD);
    stack = await startDevStack(dir, { delivery: new FileOutbox(join(dir, 'outbox')), plans: (e) => planRecords(e.client) });
    env = stack.env;
    web = await buildWebApp({ client: env.client, namespace: 'default', cacheMs: 0, ...access });
    await web.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(web.server.address() as { port: number }).port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
    });
    await cli('start', planPath);
    for (const id of ['1.1', '1.2', '1.3', '2.1', '2.2', '3.1', '3.2'])
      await eventually(
        () => state(id),
        (s) => !!s.trafficLight,
      );
    // A life for each measure: progress and an extension asked; urged; a milestone done and the next
    // late (yellow); closed; closed and under look-back; submitted for verification (verified by
    // keyboard below); a long-term report.
    await cli('progress', '1.1', '--as', 'unit:区发改委', '--note', '已完成政策梳理，形成初稿。');
    await cli('extend', '1.1', '--as', 'unit:区发改委', '--to', '2030-12-31', '--reason', '需征求多部门意见');
    await cli('remind', '1.2', '--as', 'office:督查科', '--note', '请本周内报送');
    await cli('progress', '1.3', '--as', 'unit:区发改委', '--note', '底数已摸清。', '--milestone');
    for (const id of ['2.1', '2.2']) {
      await cli('complete', id, '--as', 'unit:区财政局', '--evidence', '区财政局关于资产清查情况的报告');
      await cli('verify', id, '--as', 'office:督查科', '--accept');
    }
    await cli('lookback', 'launch', '--name', '年中回头看', '--due', wednesdayAhead(Date.now(), 3), '--plan', P, '--ids', '2.2');
    await cli('complete', '3.1', '--as', 'unit:区委组织部', '--evidence', '整顿工作总结');
    await cli('progress', '3.2', '--as', 'unit:区委组织部', '--note', '本季度召开支部委员会3次。');
    await eventually(
      () => state('2.2'),
      (s) => !!s.lookbacks?.length,
    );
    contexts.office = await browser.createBrowserContext();
    contexts.leader = await browser.createBrowserContext();
    contexts.anon = await browser.createBrowserContext();
    await signInByForm(contexts.office, '督查科');
    await signInByForm(contexts.leader, '常务副区长');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await stack?.stop();
  });

  /** The page at a width: its status, no script error, no sideways scroll on a phone, the screenshot, axe. */
  async function check(kind: PageKind, width: number, height: number): Promise<{ page: Page; problems: string[] }> {
    const page = await reader(contexts[kind.who], width, height);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && !/status of (400|401|403|404)/.test(m.text()) && errors.push(m.text()));
    let res = await page.goto(`${base}${kind.path()}`, { waitUntil: 'networkidle0' });
    if (kind.act) [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), kind.act(page)]);
    if (await page.$('.chart')) await page.waitForSelector('html[data-charts="ready"]');
    const problems = errors.map((e) => `script: ${e}`);
    if (res?.status() !== (kind.status ?? 200)) problems.push(`status ${res?.status()}, expected ${kind.status ?? 200}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) problems.push(`scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(SHOTS, `${kind.name}-${width}.png`), fullPage: true });
    const violations = await axeViolations(page);
    writeFileSync(join(AXE_OUT, `${kind.name}-${width}.json`), JSON.stringify(violations, null, 2));
    problems.push(...seriousOnes(violations).map((v) => `axe ${v}`));
    return { page, problems };
  }

  const KINDS: PageKind[] = [
    { name: 'login', path: () => '/login', who: 'anon' },
    {
      name: 'login-refused',
      path: () => '/login',
      who: 'anon',
      status: 401,
      act: async (page) => {
        // An account nobody has (the office's own is signed in by keyboard below, not locked).
        await page.type('input[name=name]', '档案科');
        await page.type('input[name=password]', 'not the password');
        await page.click('form.form button[type=submit]');
      },
    },
    { name: 'overview', path: () => `/?plan=${P}`, who: 'office' },
    { name: 'overview-leader', path: () => `/?plan=${P}`, who: 'leader' },
    { name: 'ledger', path: () => `/measures?plan=${P}`, who: 'office' },
    { name: 'ledger-filtered', path: () => `/measures?plan=${P}&unit=${encodeURIComponent('区财政局')}&status=closed`, who: 'office' },
    { name: 'ledger-leader', path: () => `/measures?plan=${P}`, who: 'leader' },
    { name: 'measure-active', path: () => `/measures/${P}/1.1`, who: 'office' },
    { name: 'measure-overdue', path: () => `/measures/${P}/1.2`, who: 'office' },
    { name: 'measure-phased', path: () => `/measures/${P}/1.3`, who: 'office' },
    { name: 'measure-closed', path: () => `/measures/${P}/2.1`, who: 'office' },
    { name: 'measure-lookback', path: () => `/measures/${P}/2.2`, who: 'office' },
    { name: 'measure-submitted', path: () => `/measures/${P}/3.1`, who: 'office' },
    { name: 'measure-longterm', path: () => `/measures/${P}/3.2`, who: 'office' },
    { name: 'measure-leader', path: () => `/measures/${P}/3.1`, who: 'leader' },
    { name: 'unit-progress', path: () => link('1.2'), who: 'anon' },
    { name: 'unit-completion', path: () => `${link('1.2')}&do=completion`, who: 'anon' },
    { name: 'unit-extension', path: () => `${link('1.2')}&do=extension`, who: 'anon' },
    { name: 'unit-closed', path: () => link('2.1'), who: 'anon' },
    { name: 'unit-refused', path: () => link('1.2', 'another key'), who: 'anon', status: 403 },
    { name: 'report', path: () => `/report?plan=${P}`, who: 'office' },
    { name: 'campaign-new', path: () => `/campaigns/new?plan=${P}&problem=2`, who: 'office' },
    { name: 'campaigns', path: () => `/campaigns?plan=${P}`, who: 'office' },
    { name: 'campaign', path: () => `/campaigns/${P}/${encodeURIComponent('年中回头看')}`, who: 'office' },
    { name: 'campaign-leader', path: () => `/campaigns/${P}/${encodeURIComponent('年中回头看')}`, who: 'leader' },
    { name: 'rollup', path: () => '/rollup', who: 'office' },
    { name: 'rollup-leader', path: () => '/rollup?sort=completionRate', who: 'leader' },
    { name: 'error-404', path: () => '/no-such-page', who: 'office', status: 404 },
    { name: 'error-400', path: () => `/measures?plan=${P}&light=purple`, who: 'office', status: 400 },
    { name: 'measure-unknown', path: () => `/measures/${P}/9.9`, who: 'office', status: 404 },
    { name: 'error-404-anon', path: () => '/no-such-page', who: 'anon', status: 404 },
  ];

  it.each(KINDS.map((k) => [k.name, k] as const))('%s: axe clean, no sideways scroll, at both widths', async (_name, kind) => {
    const problems: string[] = [];
    for (const { width, height } of WIDTHS) {
      const { page, problems: found } = await check(kind, width, height);
      problems.push(...found.map((p) => `${width}px: ${p}`));
      await page.close();
    }
    expect([kind.name, problems]).toEqual([kind.name, []]);
  });

  /** Each listed text inside an element, and the lines each occupies (1: whole on its line). */
  const linesOf = (page: Page, selector: string, pattern: RegExp) =>
    page.$$eval(
      selector,
      (els, source, flags) => {
        const out: { text: string; lines: number }[] = [];
        for (const el of els) {
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (const m of (n.textContent ?? '').matchAll(new RegExp(source, flags))) {
              const range = document.createRange();
              range.setStart(n, m.index);
              range.setEnd(n, m.index + m[0].length);
              const tops = new Set(
                Array.from(range.getClientRects())
                  .filter((r) => r.width > 0)
                  .map((r) => Math.round(r.top)),
              );
              out.push({ text: m[0], lines: tops.size });
            }
          }
        }
        return out;
      },
      pattern.source,
      pattern.flags,
    );
  const WORDS =
    /\d{4}年\d{1,2}月\d{1,2}日|已逾期\d+个工作日|剩余\d+个工作日|已销号|整改中|已提交待核验|[红黄绿]灯|限期整改|分阶段整改|长期坚持/g;

  it('the ledger at 1280 px: dates and status whole on their line, one 已销号 per closed row', async () => {
    const page = await reader(contexts.office, 1280, 800);
    await page.goto(`${base}/measures?plan=${P}`, { waitUntil: 'networkidle0' });
    const words = await linesOf(page, 'table.ledger tbody td:not(.latest)', WORDS);
    expect(words.length).toBeGreaterThan(20);
    expect(words.filter((w) => w.lines !== 1)).toEqual([]);
    const closed = await page.$$eval('table.ledger tbody tr', (trs) =>
      trs.filter((tr) => tr.querySelector('a[href$="/2.1"], a[href$="/2.2"]')).map((tr) => tr.textContent!.split('已销号').length - 1),
    );
    expect(closed).toEqual([1, 1]);
    // A light is never told by colour alone: every one carries its word.
    const lights = await page.$$eval('.light', (ls) => ls.map((l) => l.textContent!.trim()));
    expect(lights.length).toBeGreaterThan(5);
    expect(lights.filter((l) => !/^(红灯|黄灯|绿灯|已销号)$/.test(l))).toEqual([]);
    await page.close();
  });

  it('the ledger on a phone: one card per measure, each value captioned, nothing scrolled sideways', async () => {
    const page = await reader(contexts.office, 390, 844);
    await page.goto(`${base}/measures?plan=${P}`, { waitUntil: 'networkidle0' });
    const cards = await page.$$eval('table.ledger tbody tr', (trs) =>
      trs.map((tr) => {
        const r = tr.getBoundingClientRect();
        const cells = Array.from(tr.querySelectorAll('td:not(.measure)')).filter((td) => getComputedStyle(td).display !== 'none');
        return {
          display: getComputedStyle(tr).display,
          fits: r.left >= 0 && r.right <= window.innerWidth,
          first: (tr.querySelector('td.measure') as HTMLElement).getBoundingClientRect().top - r.top,
          captions: cells.map((td) => getComputedStyle(td, '::before').content.replace(/"/g, '')),
        };
      }),
    );
    expect(cards.length).toBe(7);
    for (const c of cards) {
      // A card, not a table row: a box of its own, the measure's name at its top.
      expect(['block', 'flex', 'grid']).toContain(c.display);
      expect(c.fits).toBe(true);
      expect(c.first).toBeLessThan(20);
      // Every value shown under it carries its column's name.
      expect(c.captions.length).toBeGreaterThanOrEqual(7);
      expect(c.captions.filter((x) => x === 'none' || x === '')).toEqual([]);
    }
    const words = await linesOf(page, 'table.ledger tbody td:not(.latest)', WORDS);
    expect(words.filter((w) => w.lines !== 1)).toEqual([]);
    // The table keeps its semantics for screen readers: the header cells are there, read but not shown.
    expect(await page.$$eval('table.ledger thead th', (ths) => ths.length)).toBe(10);
    expect(await page.$eval('table.ledger', (t) => t.scrollWidth <= t.clientWidth)).toBe(true);
    // The filter box folds to its heading, which says what is chosen: the first card on the first screen.
    const box = async () =>
      page.$eval('details.filters-box', (d) => ({
        open: (d as HTMLDetailsElement).open,
        heading: d.querySelector('summary')!.textContent,
        firstCard: document.querySelector('table.ledger tbody tr')?.getBoundingClientRect().top,
      }));
    const folded = await box();
    expect([folded.open, folded.heading]).toEqual([false, '筛选和排序（全部措施；按问题序号升序排列）']);
    expect(folded.firstCard).toBeLessThan(844 / 2);
    // A tap opens it; a filter chosen there is said in the heading of the page it leads to.
    await page.click('details.filters-box > summary');
    expect((await box()).open).toBe(true);
    await page.select('form.filters select[name="light"]', 'red');
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('form.filters button[type="submit"]')]);
    expect(await box()).toMatchObject({ open: false, heading: '筛选和排序（灯色：红灯；按问题序号升序排列）' });
    await page.close();
  });

  it('a measure: one marker per recipient, the zone said once, no empty 办理, charts with their tables', async () => {
    const page = await reader(contexts.office, 1280, 800);
    await page.goto(`${base}/measures/${P}/1.2`, { waitUntil: 'networkidle0' });
    const markers = await page.$$eval('ol.timeline ul.to > li', (lis) =>
      lis.map((li) => {
        const before = getComputedStyle(li, '::before');
        const dot = before.content !== 'none' && before.content !== '' && before.display !== 'none';
        return Number(dot) + Number(getComputedStyle(li).listStyleType !== 'none');
      }),
    );
    expect(markers.length).toBeGreaterThan(2);
    expect(markers.filter((n) => n !== 1)).toEqual([]);
    expect(await page.$eval('.timeline-zone', (e) => e.textContent)).toContain('北京时间');
    expect(await page.$eval('header.top .plan', (e) => e.textContent)).toMatch(/数据时间.+（北京时间）/);
    // A closed measure with nothing to do: no 办理 heading over nothing.
    await page.goto(`${base}/measures/${P}/2.1`, { waitUntil: 'networkidle0' });
    const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent));
    expect(headings).not.toContain('办理');
    expect(headings.some((h) => h!.startsWith('全部经过'))).toBe(true);
    // …and one under look-back has its form, under its heading.
    await page.goto(`${base}/measures/${P}/2.2`, { waitUntil: 'networkidle0' });
    expect(await page.$$eval('h2', (hs) => hs.map((h) => h.textContent))).toContain('办理');
    expect(await page.$('form[action$="/lookback"]')).not.toBeNull();
    // Every chart on the overview keeps its data as a table.
    await page.goto(`${base}/?plan=${P}`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('html[data-charts="ready"]');
    const charts = await page.$$eval('.chart', (cs) =>
      cs.map((c) => [!!c.parentElement!.querySelector('details table'), c.getAttribute('aria-label')!.endsWith('（下表为同一数据）')]),
    );
    expect(charts).toEqual([
      [true, true],
      [true, true],
    ]);
    await page.close();
  });

  it('signs in, opens a measure and verifies it by keyboard alone, the focus visible at every stop', async () => {
    const context = await browser.createBrowserContext();
    const page = await reader(context, 1280, 800);
    await page.goto(`${base}/login?next=${encodeURIComponent(`/measures?plan=${P}&status=submitted`)}`, { waitUntil: 'networkidle0' });
    const unseen: string[] = [];
    /** Tab until `target` has the focus (at most `max` stops), checking each stop shows it. */
    async function tabTo(target: string, max = 60) {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const stop = await page.evaluate((sel) => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return { at: false, seen: true, what: 'body' };
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
          const shadow = s.boxShadow !== 'none';
          return {
            at: el.matches(sel),
            seen: el.matches(':focus-visible') && (outline || shadow),
            what: `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''} ${(el.textContent ?? '').trim().slice(0, 12)}`,
          };
        }, target);
        if (!stop.seen) unseen.push(stop.what);
        if (stop.at) return;
      }
      throw new Error(`按 Tab ${max} 次没有到达 ${target}`);
    }
    await tabTo('input[name=name]');
    await page.keyboard.type('督查科');
    await tabTo('input[name=password]');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/measures');
    // The skip link first: past the header and the filters in one stop.
    await tabTo('a.skip', 1);
    await page.keyboard.press('Enter');
    await tabTo(`table.ledger a[href="/measures/${P}/3.1"]`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(`/measures/${P}/3.1`);
    await tabTo('form[action$="/verify"] input[name=decision]');
    // Arrow keys move within a radio group; the first is 核验通过.
    await page.keyboard.press('Space');
    expect(await page.$eval('input[name=decision][value=accept]', (i) => (i as HTMLInputElement).checked)).toBe(true);
    await tabTo('form[action$="/verify"] textarea[name=reason]');
    await page.keyboard.type('材料齐全，同意销号。');
    await tabTo('form[action$="/verify"] button[type=submit]');
    await page.screenshot({ path: join(SHOTS, 'keyboard-verify-1280.png') });
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.keyboard.press('Enter')]);
    expect(await page.evaluate(() => document.body.innerText)).toContain('已核验销号。');
    expect(unseen).toEqual([]);
    await context.close();
  });
});
