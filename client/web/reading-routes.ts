/**
 * Reading the desk: the overview, the ledger with its filters and downloads, one measure with its
 * whole timeline, the progress report in every format. Every figure is read from the workflows at
 * request time (plan-reads.ts, briefly cached); the office's actions drop what was read (`invalidate`).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatInstantZoned, localDate } from '../../domain/dates';
import {
  checkLedgerValues,
  LEDGER_SORTS,
  ledgerRow,
  ledgerQueryWords,
  ledgerSearch,
  parseLedgerQuery,
  selectLedger,
  type LedgerQuery,
  filterChoices,
} from '../../domain/report/ledger';
import { beforePlanBegan, buildReport, PLACEHOLDER } from '../../domain/report/model';
import type { MeasureRecord } from '../../domain/record';
import { LOOKBACK_STATUS_LABELS, MEASURE_KIND_LABELS, MEASURE_LOOKBACK_STATES, STATUS_LABELS } from '../../domain/vocabulary';
import { reportDocx } from '../../documents/report-docx';
import { reportMarkdown } from '../../documents/report-md';
import { reportXlsx } from '../../documents/sheets';
import { liveLedgerCsv, liveLedgerXlsx } from '../../documents/ledger-sheet';
import { nearest } from '../actions';
import { liveLedger } from '../ledger-export';
import { measureWorkflowId } from '../../contracts/ids';
import { readMeasure } from '../records';
import { planReads } from './plan-reads';
import { LIGHTS, measurePage, overview } from './pages';
import { officeForms, DONE_WORDS } from './forms';
import { PageError } from './page-error';
import { actable, noSuchPlan } from './scope';
import { requestedAsOf } from './as-of';
import type { Desk } from './desk';

const ZONE = 'Asia/Shanghai';

/** A file name for Content-Disposition: the Chinese name for browsers that read RFC 5987, an ASCII one for the rest. */
export function attachment(reply: FastifyReply, name: string, ascii: string, type: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`);
}

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The look-back campaign preview's address for a ledger's filters. */
function campaignSearch(planId: string, q: LedgerQuery): string {
  const s = new URLSearchParams({ plan: planId });
  if (q.problem !== undefined) s.set('problem', String(q.problem));
  if (q.unit) s.set('unit', q.unit);
  if (q.kind) s.set('kind', q.kind);
  if (q.leader) s.set('leader', q.leader);
  return `?${s}`;
}

/**
 * The reading routes, on the desk's app and guard; what the office's routes use of them: a
 * measure's page (after an action), and dropping what was read (after an action changed it).
 */
export function registerReadingRoutes({
  app,
  o,
  now,
  calendar,
  readGuard,
}: Omit<Desk, 'showMeasure' | 'invalidate'>): Pick<Desk, 'showMeasure' | 'invalidate'> {
  const { records, runningPlans, planOf, invalidate } = planReads(o);

  const chrome = (
    req: FastifyRequest,
    nav: string,
    title: string,
    p: { plan: { id: string; title: string }; plans: unknown[]; explicit: boolean },
  ) => ({
    nav,
    title,
    // Its forms and buttons only where the account may act on this plan.
    canAct: actable(req, p.plan.id),
    plan: p.plan,
    plans: p.plans,
    planId: p.plan.id,
    planQuery: p.explicit ? `?plan=${encodeURIComponent(p.plan.id)}` : '',
    planParam: p.explicit ? `plan=${encodeURIComponent(p.plan.id)}&` : '',
    // The reader may be elsewhere: the time says its zone (北京时间).
    generatedAt: `数据时间${formatInstantZoned(now(), ZONE)}`,
  });

  const reportOf = (recs: MeasureRecord[], plan: { id: string; title: string }, asOf?: string) =>
    buildReport(recs, {
      planId: plan.id,
      planTitle: plan.title,
      asOf: asOf ?? localDate(now(), recs[0]?.timeZone ?? ZONE),
      timeZone: recs[0]?.timeZone ?? ZONE,
      calendar: calendar(),
    });

  app.get('/', { preHandler: readGuard }, async (req, reply) => {
    const p = await planOf(req);
    const ov = overview(reportOf(p.records, p.plan), p.records, now(), calendar());
    return reply.viewAsync('overview', {
      ...chrome(req, 'overview', '整改总览', p),
      overview: ov,
      lights: LIGHTS,
      // The overview lists the longest overdue and the highest escalated; the ledger has them all.
      listed: 20,
      chartJson: JSON.stringify(ov.chartData).replace(/</g, '\\u003c'),
    });
  });

  /** The ledger rows of a request: its plan, its filters (400 naming a bad one), its order. */
  async function ledger(req: FastifyRequest) {
    const { plan: _plan, ...filters } = req.query as Record<string, unknown>;
    const query = parseLedgerQuery(filters);
    const p = await planOf(req);
    const all = p.records.map((r) => ledgerRow(r, now(), calendar()));
    checkLedgerValues(query, all, nearest);
    return { p, query, all, rows: selectLedger(all, query) };
  }

  app.get('/measures', { preHandler: readGuard }, async (req, reply) => {
    const { p, query, all, rows } = await ledger(req);
    const search = (q: LedgerQuery, change = {}) => {
      const s = ledgerSearch(q, change);
      if (!p.explicit) return s;
      const planPart = `plan=${encodeURIComponent(p.plan.id)}`;
      return s ? `?${planPart}&${s.slice(1)}` : `?${planPart}`;
    };
    const choices = filterChoices(p.records);
    return reply.viewAsync('measures', {
      ...chrome(req, 'measures', '整改台账', p),
      rows,
      total: all.length,
      query,
      queryWords: ledgerQueryWords(query, choices.problems),
      lights: LIGHTS,
      search: search(query),
      // The campaign preview takes the ledger's own filters (the ones a campaign can use).
      campaignSearch: campaignSearch(p.plan.id, query),
      sortLink: (key: keyof typeof LEDGER_SORTS) =>
        search(query, { sort: key === 'problem' ? undefined : key, order: query.sort === key && !query.desc ? 'desc' : undefined }),
      options: {
        ...choices,
        kinds: Object.entries(MEASURE_KIND_LABELS),
        statuses: Object.entries(STATUS_LABELS),
        lookbacks: MEASURE_LOOKBACK_STATES.map((k) => [k, LOOKBACK_STATUS_LABELS[k]]),
        sorts: Object.entries(LEDGER_SORTS),
      },
    });
  });

  /** The live ledger of the rows a request selects (its filters and order), as the CLI exports it. */
  async function liveOf(req: FastifyRequest) {
    const { p, rows } = await ledger(req);
    const order = new Map(rows.map((r, i) => [r.workflowId, i]));
    const chosen = p.records.filter((r) => order.has(r.workflowId));
    const live = await liveLedger(o.client, { records: chosen, now: now() });
    live.rows.sort((a, b) => order.get(measureWorkflowId(p.plan.id, a.id))! - order.get(measureWorkflowId(p.plan.id, b.id))!);
    return { p, live };
  }

  app.get('/measures.xlsx', { preHandler: readGuard }, async (req, reply) => {
    const { p, live } = await liveOf(req);
    return attachment(reply, `整改台账-${p.plan.id}-${live.asOf}.xlsx`, `ledger-${live.asOf}.xlsx`, XLSX).send(
      await liveLedgerXlsx(live.rows, live.title),
    );
  });

  app.get('/measures.csv', { preHandler: readGuard }, async (req, reply) => {
    const { p, live } = await liveOf(req);
    return attachment(reply, `整改台账-${p.plan.id}-${live.asOf}.csv`, `ledger-${live.asOf}.csv`, 'text/csv; charset=utf-8').send(
      liveLedgerCsv(live.rows),
    );
  });

  /** One measure's page; after an office action, with what happened (`flash`) or why it was refused (`error`). */
  async function showMeasure(
    req: FastifyRequest,
    reply: FastifyReply,
    planId: string,
    measureId: string,
    extra: { status?: number; error?: string; done?: string } = {},
  ) {
    // Only the plans the request may read: another's measure is not found, as a plan that does not run.
    const { plans, all } = await runningPlans(req);
    const found = plans.find((x) => x.id === planId);
    const title = found && (all ?? (await records(undefined, planId))).find((r) => r.planId === planId)?.planTitle;
    const plan = found && { id: found.id, title: title ?? found.title };
    if (!plan) throw noSuchPlan(planId, plans, '找不到措施');
    let measure;
    try {
      measure = await readMeasure(o.client, planId, measureId);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError)
        throw new PageError(404, '找不到措施', `计划“${planId}”中没有措施“${measureId}”。`, '请从台账中选择措施。');
      throw e;
    }
    const page = measurePage(
      measure.details,
      measure.record,
      measure.timeline,
      now(),
      calendar(),
      o.temporalUiUrl ? { url: o.temporalUiUrl, namespace: o.namespace } : undefined,
    );
    return reply.code(extra.status ?? 200).viewAsync('measure', {
      ...chrome(req, 'measures', `措施${measureId}`, { plan, plans, explicit: true }),
      page,
      forms: officeForms(measure.details, measure.record),
      done: extra.done,
      error: extra.error,
    });
  }

  app.get('/measures/:planId/:measureId', { preHandler: readGuard }, async (req, reply) => {
    const { planId, measureId } = req.params as { planId: string; measureId: string };
    const done = (req.query as Record<string, unknown>).done;
    return showMeasure(req, reply, planId, measureId, {
      done: typeof done === 'string' && Object.hasOwn(DONE_WORDS, done) ? DONE_WORDS[done] : undefined,
    });
  });

  /** The report of a request: its plan, the day it stands on (?asOf=, a past one read with every note). */
  async function report(req: FastifyRequest) {
    const q = req.query as Record<string, unknown>;
    const today = localDate(now(), ZONE);
    const asOf = requestedAsOf(q, today);
    const p = await planOf(req, asOf ?? today);
    // Before the plan began (its feedback date) there is nothing to report: said, not an empty report.
    const early = asOf === undefined ? undefined : beforePlanBegan(p.records, asOf);
    if (early) throw new PageError(400, '日期早于整改开始', early.problem, early.hint);
    const search = new URLSearchParams({ ...(p.explicit ? { plan: p.plan.id } : {}), ...(asOf ? { asOf } : {}) }).toString();
    return { p, report: reportOf(p.records, p.plan, asOf), search: search ? `?${search}` : '' };
  }

  app.get('/report', { preHandler: readGuard }, async (req, reply) => {
    const { p, report: r, search } = await report(req);
    return reply.viewAsync('report', { ...chrome(req, 'report', '整改进展情况报告', p), report: r, search, placeholder: PLACEHOLDER });
  });
  app.get('/report.docx', { preHandler: readGuard }, async (req, reply) => {
    const { report: r } = await report(req);
    return attachment(reply, `${r.planTitle}巡视整改进展情况-${r.asOf}.docx`, `report-${r.asOf}.docx`, DOCX).send(await reportDocx(r));
  });
  app.get('/report.xlsx', { preHandler: readGuard }, async (req, reply) => {
    const { report: r } = await report(req);
    return attachment(reply, `整改进展数字-${r.asOf}.xlsx`, `report-${r.asOf}.xlsx`, XLSX).send(await reportXlsx(r));
  });
  app.get('/report.md', { preHandler: readGuard }, async (req, reply) => {
    const { report: r } = await report(req);
    return attachment(reply, `整改进展情况-${r.asOf}.md`, `report-${r.asOf}.md`, 'text/markdown; charset=utf-8').send(reportMarkdown(r));
  });
  app.get('/report.json', { preHandler: readGuard }, async (req) => (await report(req)).report);

  return { showMeasure, invalidate };
}
