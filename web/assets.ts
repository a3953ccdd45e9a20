/** Where the web's templates and static files are, from the sources (web/) or from the build (dist/web/). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = [resolve(__dirname, '..'), resolve(__dirname, '../..')].find((d) => existsSync(resolve(d, 'web/views/layout.eta')))!;

export const VIEWS_DIR = resolve(ROOT, 'web/views');
export const STATIC_DIR = resolve(ROOT, 'web/static');
/** ECharts from node_modules: served by the app itself, no CDN (works offline). */
export const ECHARTS_FILE = require.resolve('echarts/dist/echarts.min.js');
