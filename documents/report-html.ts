/** The progress report as one self-contained HTML file (styles inline), printable as A4: the web page's own template. */
import { Eta } from 'eta';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PLACEHOLDER, type ProgressReport } from '../domain/report/model';
import { STATIC_DIR, VIEWS_DIR } from './assets';

const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });

export function reportHtml(report: ProgressReport): string {
  const css = readFileSync(resolve(STATIC_DIR, 'report.css'), 'utf8');
  return eta.render('./report-document', { report, css, placeholder: PLACEHOLDER });
}
