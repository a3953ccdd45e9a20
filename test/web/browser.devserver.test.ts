/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's chromium, driven by puppeteer-core) on a real dev
 * server running the sample plan: the overview's totals against `rectify status --json`, its
 * charts drawn, a measure's timeline showing a CLI action, the ledger filtered, and at 390 px wide.
 * Screenshots go to test-output/screenshots/ for people to look at.
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
import { buildWebApp } from '../../client/web/server';
import { planRecords } from '../../client/records';
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

  async function open(path: string, width = 1280): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const res = await page.goto(`${base}${path}`, { waitUntil: 'networkidle0' });
    expect([path, res?.status()]).toEqual([path, 200]);
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
    expect(shown['已完成(销号)']).toBe(String(rows.filter((r) => r.status === 'closed').length));
    expect(shown['逾期未完成']).toBe(String(rows.filter((r) => r.status === 'active' && r.trafficLight === 'red').length));
    // ECharts drew into both charts (canvases with pixels), and the tables carry the same data as text.
    const canvases = await page.$$eval('.chart canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width));
    expect(canvases.length).toBeGreaterThanOrEqual(2);
    expect(canvases.every((w) => w > 200)).toBe(true);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('整改总览');
    await page.screenshot({ path: join(SHOTS, 'overview.png') });
    await page.screenshot({ path: join(SHOTS, 'overview-full.png'), fullPage: true });
  });

  it('opens a measure after a CLI action and finds the action on its timeline', async () => {
    const note = `浏览器测试进展 ${Date.now()}`;
    expect((await runCli('progress', '2.1', '--as', 'unit:区发改委', '--note', note)).code).toBe(0);
    const page = await open('/measures/liangxi-2023/2.1');
    const entries = await page.$$eval('ol.timeline > li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
    expect(entries[0]).toContain('开始跟踪本措施');
    expect(entries.some((e) => e.includes('单位·区发改委') && e.includes(`报送进展(说明: ${note})`))).toBe(true);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('措施 2.1「健全政策机制」');
    await page.screenshot({ path: join(SHOTS, 'measure.png'), fullPage: true });
  });

  it('filters the ledger by its form into a bookmarkable address', async () => {
    const page = await open('/measures');
    await page.select('select[name="unit"]', '区发改委');
    await page.select('select[name="overdue"]', 'yes');
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('form.filters button[type="submit"]')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('unit')).toBe('区发改委');
    expect(url.searchParams.get('overdue')).toBe('yes');
    const units = await page.$$eval('table.ledger tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
    expect(units).toEqual(['区发改委']);
    await page.screenshot({ path: join(SHOTS, 'ledger.png'), fullPage: false });
  });

  it('reads on a phone and prints the report as a document', async () => {
    const phone = await open('/measures', 390);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0); // the table scrolls inside its box, the page does not
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
});
