/// <reference lib="dom" />
/**
 * axe-core (Deque's engine, the npm package) on a page in Chromium, at WCAG 2.1 AA (the level
 * GB/T 37668-2019 asks of web content). Its source goes in through the DevTools protocol, which
 * the page's CSP does not govern; the page itself is left as it was served.
 */
import axe from 'axe-core';
import type { Page } from 'puppeteer-core';

export const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Every violation of WCAG 2.1 AA on the page as it stands, with its impact. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, WCAG_AA);
}

/** The serious and critical ones, one readable line each: rule, impact, what it asks, where. */
export function seriousOnes(violations: Violation[]): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 5).join(' | ')}${v.targets.length > 5 ? ` …共${v.targets.length}处` : ''}`,
    );
}
