/**
 * The roll-up (汇总) on the desk, for a city or province office that follows many districts: one
 * row per plan with the district report's own figures, sortable by any column, a chart comparing
 * the districts by their lights, each row opening that plan's desk; and the roll-up report
 * (汇总表) as Word and Excel, `?asOf=` like the district report.
 */
import type { FastifyRequest } from 'fastify';
import { readRollup } from '../rollup';
import { InputError } from '../../config/plan-files';
import { formatInstantZoned, localDate, plainDateZh } from '../../domain/dates';
import { inProgress, rollup, ROLLUP_COLUMNS, rollupSummary, sortDistricts, type RollupSort } from '../../domain/rollup';
import { DESK_LIGHT_COLORS, DESK_LIGHT_LABELS } from '../../domain/vocabulary';
import { rollupDocx } from '../../documents/rollup-docx';
import { rollupXlsx } from '../../documents/rollup-sheet';
import type { Desk } from './desk';
import { attachment, DOCX, XLSX } from './reading-routes';
import { requestedAsOf } from './as-of';
import { visibleTo } from './scope';
import { listPlanIds } from '../records';

const ZONE = 'Asia/Shanghai';
const SORTS: RollupSort[] = ['plan', 'latestReport', ...ROLLUP_COLUMNS.map((c) => c.key)];

export function registerRollupRoutes({ app, o, now, readGuard }: Desk): void {
  const title = o.rollupTitle ?? '';

  /** The roll-up a request asks for: its day (?asOf=), every plan the desk reads. */
  async function read(req: FastifyRequest) {
    const q = req.query as Record<string, unknown>;
    const today = localDate(now(), ZONE);
    const asOf = requestedAsOf(q, today);
    // An account scoped to some plans rolls up those only (an unscoped one, or none, every plan).
    const planIds = req.account?.scope ? visibleTo(req, await listPlanIds(o.client)) : undefined;
    const request = { asOf: asOf ?? today, now: now() };
    const r = await readRollup(o.client, { ...request, planIds }).catch(async (e: unknown) => {
      // A plan it reads whose measures were all withdrawn is named by the read as unknown: roll up every plan, keep its own.
      if (!(e instanceof InputError) || !planIds) throw e;
      const all = await readRollup(o.client, request);
      return rollup(
        all.asOf,
        all.districts.filter((d) => planIds.includes(d.planId)),
      );
    });
    return { r, asOf, q };
  }

  app.get('/rollup', { preHandler: readGuard }, async (req, reply) => {
    const { r, asOf, q } = await read(req);
    const sort = SORTS.includes(q.sort as RollupSort) ? (q.sort as RollupSort) : 'overdue';
    const asc = q.order === 'asc' || (q.order === undefined && sort === 'plan');
    const districts = sortDistricts(r.districts, sort, asc);
    const search = (change: Record<string, string | undefined>) => {
      const s = new URLSearchParams();
      for (const [k, v] of Object.entries({ asOf, sort, order: asc ? 'asc' : 'desc', ...change })) if (v) s.set(k, v);
      return `?${s}`;
    };
    return reply.viewAsync('rollup', {
      nav: 'rollup',
      title: '各地区整改汇总',
      planQuery: '',
      generatedAt: `数据时间${formatInstantZoned(now(), ZONE)}`,
      heading: `${title}巡视整改进展情况汇总`,
      asOfZh: plainDateZh(r.asOf),
      past: !!asOf,
      summary: rollupSummary(r),
      columns: ROLLUP_COLUMNS.map((c) => ({
        key: c.key,
        label: c.label,
        href: search({ sort: c.key, order: sort === c.key && !asc ? 'asc' : 'desc' }),
        sorted: sort === c.key ? (asc ? 'ascending' : 'descending') : undefined,
      })),
      planSort: {
        href: search({ sort: 'plan', order: sort === 'plan' && asc ? 'desc' : 'asc' }),
        sorted: sort === 'plan' ? (asc ? 'ascending' : 'descending') : undefined,
      },
      rows: districts.map((d) => ({
        href: `/?plan=${encodeURIComponent(d.planId)}`,
        name: d.planTitle,
        planId: d.planId,
        cells: ROLLUP_COLUMNS.map((c) => ({ key: c.key, value: c.value(d) })),
        latest: d.latestReport ? plainDateZh(d.latestReport) : '—',
      })),
      totals: { districts: r.totals.districts, cells: ROLLUP_COLUMNS.map((c) => ({ key: c.key, value: c.value(r.totals) })) },
      inProgress: inProgress(r.totals),
      downloads: search({ sort: undefined, order: undefined }),
      lights: (['red', 'yellow', 'green', 'closed'] as const).map((k) => ({ key: k, label: DESK_LIGHT_LABELS[k] })),
      lightRows: districts.map((d) => ({ name: d.planTitle, planId: d.planId, ...d.lights })),
      // The chart draws the districts by their lights as the overview draws units (static/charts.js).
      chartJson: JSON.stringify({
        colors: DESK_LIGHT_COLORS,
        units: districts.map((d) => ({ unit: d.planTitle, ...d.lights })),
      }).replace(/</g, '\\u003c'),
    });
  });

  app.get('/rollup.docx', { preHandler: readGuard }, async (req, reply) => {
    const { r } = await read(req);
    return attachment(reply, `${title}巡视整改进展情况汇总表-${r.asOf}.docx`, `rollup-${r.asOf}.docx`, DOCX).send(
      await rollupDocx(r, { title }),
    );
  });

  app.get('/rollup.xlsx', { preHandler: readGuard }, async (req, reply) => {
    const { r } = await read(req);
    return attachment(reply, `${title}巡视整改进展情况汇总表-${r.asOf}.xlsx`, `rollup-${r.asOf}.xlsx`, XLSX).send(
      await rollupXlsx(r, { title }),
    );
  });
}
