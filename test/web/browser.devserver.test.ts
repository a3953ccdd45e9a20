/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's chromium, driven by puppeteer-core) on a real dev
 * server running the sample plan: the overview's totals against `rectify status --json`, its
 * charts drawn (every problem's number whole on its label), a measure's timeline showing a CLI
 * action, the ledger filtered, and at 390 px wide (one card per measure); axe-core at WCAG 2.1 AA on
 * the sample plan's pages, at both widths. The browser is set up as a Chinese reader's:
 * Chinese text in a CJK font (WenQuanYi Micro Hei, whose ‘’“” are full-width). Screenshots go to
 * test-output/screenshots/ for people to look at.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { FastifyInstance } from 'fastify';
import { FileOutbox } from '../../activities/outbox';
import { startPlan } from '../../client/measures';
import { loadPlan } from '../../config/plan-files';
import { webAccess } from '../helpers/web';
import { axeViolations, seriousOnes } from '../helpers/axe';
import { buildWebApp } from '../../client/web/server';
import { planRecords } from '../../client/plan-records';
import { runCli } from '../helpers/cli';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

/** Debian's chromium (apt-get install chromium fonts-wqy-microhei; .ci/run does), or CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../test-output/screenshots');
const SAMPLE = resolve(__dirname, '../../config/plans/liangxi-2023.yaml');

describe('the dashboard in a browser', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let web: FastifyInstance;
  let browser: Browser;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-browser-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`没有找到 Chromium: ${CHROMIUM}(apt-get install chromium fonts-wqy-microhei,或设置 CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    stack = await startDevStack(dir, { delivery: new FileOutbox(join(dir, 'outbox')), plans: (e) => planRecords(e.client) });
    env = stack.env;
    const { plan } = loadPlan(SAMPLE);
    await startPlan(env.client, plan);
    web = await buildWebApp({ client: env.client, namespace: 'default', cacheMs: 0, ...webAccess() });
    await web.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(web.server.address() as { port: number }).port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
    });
    // Every measure has published its record (the first turn of each workflow).
    await eventually(
      async () => (await runCli('status', '--json')).out,
      (out) => (JSON.parse(out) as { trafficLight?: string }[]).filter((r) => r.trafficLight).length === 124,
      300,
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await stack?.stop();
  });

  async function open(path: string, width = 1280, status = 200): Promise<Page> {
    const page = await browser.newPage();
    // As a browser set up for Chinese: Chinese text (and its punctuation, in a zh-CN page) in a CJK font.
    const cdp = await page.createCDPSession();
    const cjk = { standard: 'WenQuanYi Micro Hei', sansSerif: 'WenQuanYi Micro Hei' };
    await cdp.send('Page.enable');
    await cdp.send('Page.setFontFamilies', { fontFamilies: {}, forScripts: [{ script: 'Hans', fontFamilies: cjk }] });
    await page.setViewport({ width, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // The page's own status, when it is the one expected, is no error of the page.
    const expected = `the server responded with a status of ${status}`;
    page.on('console', (m) => m.type() === 'error' && !(status !== 200 && m.text().includes(expected)) && errors.push(m.text()));
    const res = await page.goto(`${base}${path}`, { waitUntil: 'networkidle0' });
    expect([path, res?.status()]).toEqual([path, status]);
    expect(errors).toEqual([]);
    return page;
  }

  const cards = (page: Page) =>
    page.$$eval('.card', (els) =>
      Object.fromEntries(els.map((e) => [e.querySelector('.t')!.textContent!.trim(), e.querySelector('.n')!.textContent!.trim()])),
    );

  it('shows the totals that rectify status shows, with the charts drawn', async () => {
    const rows = JSON.parse((await runCli('status', '--json')).out) as { status: string; trafficLight: string }[];
    const page = await open('/');
    await page.waitForSelector('html[data-charts="ready"]');
    const shown = await cards(page);
    expect(shown['整改措施']).toBe(String(rows.length));
    expect(shown['已完成（销号）']).toBe(String(rows.filter((r) => r.status === 'closed').length));
    expect(shown['逾期未完成']).toBe(String(rows.filter((r) => r.status === 'active' && r.trafficLight === 'red').length));
    // ECharts drew into both charts (canvases with pixels), and the tables carry the same data as text.
    const canvases = await page.$$eval('.chart canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width));
    expect(canvases.length).toBeGreaterThanOrEqual(2);
    expect(canvases.every((w) => w > 200)).toBe(true);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('整改总览');
    // The header's sign-in link reads white on the header's red, as its other links do.
    expect(await page.$eval('header.top .who a', (a) => [a.textContent, getComputedStyle(a).color])).toEqual([
      '登录',
      'rgb(255, 255, 255)',
    ]);
    await page.screenshot({ path: join(SHOTS, 'overview.png') });
    await page.screenshot({ path: join(SHOTS, 'overview-full.png'), fullPage: true });
  });

  it('draws every problem’s number whole on the chart, a long title shortened after it, the whole title in the tooltip', async () => {
    const page = await open('/');
    await page.waitForSelector('html[data-charts="ready"]');
    // The problems as the table under the chart lists them: the whole title, said once more.
    const problems = (await page.$$eval('#chart-problems ~ details td a', (as) => as.map((a) => a.textContent!))).map((t) => {
      const [, no, title] = /^(\d+)\. (.*)$/.exec(t)!;
      return { no: Number(no), title };
    });
    expect(problems.length).toBeGreaterThan(30);
    // The labels as the chart drew them, left of its axis, top to bottom: where each begins, measured
    // on the chart's own canvas (ECharts' own measure of a label is what went wrong).
    type Drawn = { text: string; left: number; right: number; y: number };
    const drawn = await page.$eval('#chart-problems', (dom) => {
      type El = {
        style?: { text?: unknown; font?: string; textAlign?: string };
        transform?: number[];
        getBoundingRect(): { clone(): { x: number; y: number; width: number; applyTransform(m: number[]): void } };
      };
      const chart = (
        window as unknown as { echarts: { getInstanceByDom(d: Element): { getZr(): { storage: { getDisplayList(u: boolean): El[] } } } } }
      ).echarts.getInstanceByDom(dom);
      const ctx = dom.querySelector('canvas')!.getContext('2d')!;
      const out: Drawn[] = [];
      for (const el of chart.getZr().storage.getDisplayList(true)) {
        const text = el.style?.text;
        if (typeof text !== 'string' || !text) continue;
        const rect = el.getBoundingRect().clone();
        if (el.transform) rect.applyTransform(el.transform);
        ctx.save();
        ctx.font = el.style!.font!;
        const width = ctx.measureText(text).width;
        ctx.restore();
        const right = el.style!.textAlign === 'right' ? rect.x + rect.width : rect.x + width;
        out.push({ text, left: right - width, right, y: rect.y });
      }
      return out;
    });
    const labels = drawn.filter((d) => d.right <= 150).sort((a, b) => a.y - b.y);
    expect(labels.map((l) => l.text.split(' ')[0])).toEqual(problems.map((p) => `${p.no}.`));
    // Each inside the chart: nothing cut at its left edge (the number) or run into the axis.
    expect(labels.filter((l) => l.left < 0 || l.right > 150).map((l) => l.text)).toEqual([]);
    // A title too long for its label is shortened after its number, marked with …; a short one is whole.
    for (const [i, l] of labels.entries()) {
      const whole = `${problems[i].no}. ${problems[i].title}`;
      if (l.text !== whole) expect([whole, l.text.endsWith('…') && whole.startsWith(l.text.slice(0, -1))]).toEqual([whole, true]);
    }
    expect(labels.filter((l) => l.text.endsWith('…')).length).toBeGreaterThan(0);
    // The tooltip has the whole title.
    const sixteen = problems.findIndex((p) => p.no === 16);
    const whole = `16. ${problems[sixteen].title}`;
    await page.$eval(
      '#chart-problems',
      (dom, i) => {
        const chart = (
          window as unknown as { echarts: { getInstanceByDom(d: Element): { dispatchAction(a: object): void } } }
        ).echarts.getInstanceByDom(dom);
        chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: i });
      },
      sixteen,
    );
    await page.waitForFunction((w) => document.getElementById('chart-problems')!.textContent!.includes(w), { timeout: 5000 }, whole);
    await page.screenshot({
      path: join(SHOTS, 'overview-problems.png'),
      clip: await page.$eval('#chart-problems', (d) => {
        const r = d.getBoundingClientRect();
        return { x: r.x, y: r.y + window.scrollY, width: r.width, height: r.height };
      }),
    });
    const table = await page.$$eval('#chart-problems ~ details td a', (as) => as.map((a) => a.textContent));
    expect(table).toContain(whole);
  });

  it('opens a measure after a CLI action and finds the action on its timeline', async () => {
    const note = `浏览器测试进展${Date.now()}`;
    expect((await runCli('progress', '2.1', '--as', 'unit:区发改委', '--note', note)).code).toBe(0);
    const page = await open('/measures/liangxi-2023/2.1');
    const entries = await page.$$eval('ol.timeline > li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
    expect(entries[0]).toContain('开始跟踪本措施');
    expect(entries.some((e) => e.includes('单位·区发改委') && e.includes(`报送进展，说明：${note}`))).toBe(true);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('措施2.1“健全政策机制”');
    await page.screenshot({ path: join(SHOTS, 'measure.png'), fullPage: true });
  });

  it('filters the ledger by its form into a bookmarkable address', async () => {
    const page = await open('/measures');
    // The units are many: a search box narrows the choices as one types (全部 always stays).
    const visible = () =>
      page.$$eval('select[name="unit"] option', (os) => os.filter((o) => !(o as HTMLOptionElement).hidden).map((o) => o.textContent));
    const all = await visible();
    expect(all.length).toBeGreaterThan(12);
    await page.type('input.choice-search[aria-label="查找牵头单位"]', '发改');
    expect(await visible()).toEqual(['全部', '区发改委']);
    await page.select('select[name="unit"]', '区发改委');
    await page.select('select[name="overdue"]', 'yes');
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('form.filters button[type="submit"]')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('unit')).toBe('区发改委');
    expect(url.searchParams.get('overdue')).toBe('yes');
    const units = await page.$$eval('table.ledger tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
    expect(units).toEqual(['区发改委']);
    // The form names its plan: the header still says which plan this is.
    expect(await page.$eval('header.top .plan', (e) => e.textContent)).toMatch(/^梁溪区.+（liangxi-2023） · 数据时间/);
    await page.screenshot({ path: join(SHOTS, 'ledger.png'), fullPage: false });
    // A unit nobody leads: said so, the nearest offered, one click to it.
    const typo = await open(`/measures?unit=${encodeURIComponent('发改委')}&overdue=yes`, 1280, 400);
    expect(await typo.$eval('.error p', (p) => p.textContent)).toBe('没有牵头单位为“发改委”的措施。是不是“区发改委”？');
    await typo.screenshot({ path: join(SHOTS, 'ledger-unknown-unit.png'), fullPage: false });
    await Promise.all([typo.waitForNavigation({ waitUntil: 'networkidle0' }), typo.click('.error a.button')]);
    expect(await typo.$$eval('table.ledger tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((t) => t.textContent))])).toEqual([
      '区发改委',
    ]);
    expect(new URL(typo.url()).searchParams.get('overdue')).toBe('yes');
  });

  it('reads on a phone and prints the report as a document', async () => {
    const phone = await open('/measures', 390);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // One card per measure: nothing scrolls sideways, not even inside the ledger's box.
    expect(
      await phone.$eval('table.ledger', (t) => [t.scrollWidth <= t.clientWidth, getComputedStyle(t.querySelector('tbody tr')!).display]),
    ).toEqual([true, 'flex']);
    await phone.screenshot({ path: join(SHOTS, 'ledger-phone.png'), fullPage: false });
    const report = await open('/report');
    expect(await report.$eval('.report h1', (h) => h.textContent)).toBe('巡视整改进展情况');
    await report.emulateMediaType('print');
    expect(await report.$eval('header.top', (h) => getComputedStyle(h).display)).toBe('none');
    const pdf = await report.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(10_000);
    await report.emulateMediaType('screen');
    await report.screenshot({ path: join(SHOTS, 'report.png'), fullPage: false });
  });

  it('passes axe-core at WCAG 2.1 AA on the sample plan’s pages, at 1280 px and on a phone', async () => {
    const found: string[] = [];
    for (const path of ['/', '/measures', '/measures?overdue=yes&sort=left', '/measures/liangxi-2023/7.1', '/report'])
      for (const width of [1280, 390]) {
        const page = await open(path, width);
        if (path === '/') await page.waitForSelector('html[data-charts="ready"]');
        found.push(...seriousOnes(await axeViolations(page)).map((v) => `${path} ${width}px: ${v}`));
        await page.close();
      }
    expect(found).toEqual([]);
  }, 120_000);
});
