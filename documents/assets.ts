/** Where the templates and static files of the web and the HTML report are, from the sources (client/web/) or from the build (dist/). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = [resolve(__dirname, '..'), resolve(__dirname, '../..')].find((d) => existsSync(resolve(d, 'client/web/views/layout.eta')))!;

export const VIEWS_DIR = resolve(ROOT, 'client/web/views');
export const STATIC_DIR = resolve(ROOT, 'client/web/static');
/** ECharts from node_modules: served by the app itself, no CDN (works offline). */
export const ECHARTS_FILE = require.resolve('echarts/dist/echarts.min.js');
