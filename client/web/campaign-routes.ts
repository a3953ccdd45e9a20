/**
 * Look-back campaigns (回头看专项) on the desk: the launcher (filters chosen from the plan, a
 * preview naming each closed measure by its title and lead unit, then the launch), the campaign's
 * own page after the launch (its due date, the measures asked, where each review stands as it
 * goes), and the list of every campaign. Launching is the office's, within the plans its account
 * acts on; reading is every account's, within the plans it reads (scope.ts): another district's
 * campaign is not there (404).
 */
import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../config/plan-files';
import { campaignWorkflowId, ofType, WORKFLOW } from '../../contracts/ids';
import { getCampaignQuery, type CampaignView } from '../../contracts/messages';
import * as SA from '../../contracts/search-attributes';
import { campaignTallies, campaignWords, reviewWords, type CampaignTally } from '../../domain/campaigns';
import { formatInstantZoned, isIsoDate, localDate, plainDateZh } from '../../domain/dates';
import { filterChoices } from '../../domain/report/ledger';
import { MEASURE_KIND_LABELS } from '../../domain/vocabulary';
import { closedMeasures, launchCampaign, type CampaignFilter } from '../lookback';
import { quote } from '../measures';
import type { Desk } from './desk';
import { text, type Body } from './forms';
import { officeActor, officeOnly } from './guards';
import { PageError } from './page-error';
import { planReads } from './plan-reads';
import { actable, actableFor, noSuchPlan, readable, requireActable, visibleTo } from './scope';

const ZONE = 'Asia/Shanghai';

/** The campaign's page. */
export const campaignPath = (planId: string, name: string) => `/campaigns/${encodeURIComponent(planId)}/${encodeURIComponent(name)}`;

/** What the launcher's form asks, as the launch takes it (a bad number or date named). */
function filterOf(q: Body): CampaignFilter {
  const problem = text(q, 'problem');
  if (problem !== undefined && !/^\d+$/.test(problem)) throw new InputError(`问题编号应为数字：${problem}`);
  const closedBefore = text(q, 'closedBefore');
  if (closedBefore !== undefined && !isIsoDate(closedBefore))
    throw new InputError(`销号早于（closedBefore）应为 YYYY-MM-DD: ${closedBefore}`);
  const ids = text(q, 'ids')
    ?.split(/[\s,，、]+/)
    .filter(Boolean);
  return {
    planId: text(q, 'plan'),
    problem: problem === undefined ? undefined : Number(problem),
    unit: text(q, 'unit'),
    kind: text(q, 'kind'),
    leader: text(q, 'leader'),
    closedBefore,
    ids: ids?.length ? ids : undefined,
  };
}

/** The campaign workflows visibility lists (a campaign just launched has no reviews yet): plan and name. */
async function launchedCampaigns(client: Client, planId?: string): Promise<{ planId: string; name: string }[]> {
  const clauses = [ofType(WORKFLOW.campaign)];
  if (planId) clauses.push(`PlanId = ${quote(planId)}`);
  const found: { planId: string; name: string }[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const plan = wf.typedSearchAttributes.get(SA.PlanId);
    const name = wf.typedSearchAttributes.get(SA.LookbackCampaign);
    if (plan && name && !found.some((f) => f.planId === plan && f.name === name)) found.push({ planId: plan, name });
  }
  return found;
}

/**
 * The filter a request may launch or preview with: one plan it acts on (another district's is not
 * there: 404; one it only reads: 403), or, with none named, the plans it acts on. A scoped
 * account acting on no plan is refused (403).
 */
function withinScope(req: FastifyRequest, filter: CampaignFilter, running: { id: string }[]): CampaignFilter {
  if (filter.planId) {
    const planId = filter.planId;
    requireActable(req, planId, () => noSuchPlan(planId, visibleTo(req, running)));
    return filter;
  }
  const scope = req.account?.scope;
  if (!scope || scope.plans === 'all') return filter;
  const planIds = actableFor(req, running).map((p) => p.id);
  if (!planIds.length) {
    req.log.warn({ account: req.account?.name, url: req.url }, '账号尝试在范围以外开展回头看专项');
    throw new PageError(403, '无权办理', '本账号可以查看计划，但不能开展回头看专项。', '办理请联系负责该计划的巡察办。');
  }
  return { ...filter, planIds };
}

export function registerCampaignRoutes({ app, o, now, readGuard, pageLocals, invalidate }: Desk): void {
  const reads = planReads(o);
  const chrome = (title: string, planId?: string) => ({
    nav: 'campaigns',
    title,
    planQuery: planId ? `?plan=${encodeURIComponent(planId)}` : '',
    generatedAt: `数据时间${formatInstantZoned(now(), ZONE)}`,
  });

  /** The launcher: the form's choices from the plan, the closed measures it matches, and why a launch was refused. */
  async function preview(req: FastifyRequest, reply: FastifyReply, extra: { status?: number; error?: string } = {}) {
    const q = { ...(req.query as Body), ...((req.body as Body | undefined) ?? {}) };
    const { plans: visible } = await reads.runningPlans(req);
    const filter = withinScope(req, filterOf(q), visible);
    // The launcher offers only the plans the account acts on; their records only.
    const plans = actableFor(req, visible);
    // One plan's records when the scope names one (a district's: not every district's at province scale).
    const only = filter.planId ?? (filter.planIds?.length === 1 ? filter.planIds[0] : undefined);
    const records = (await reads.records(undefined, only)).filter((r) => plans.some((p) => p.id === r.planId));
    const byId = new Map(records.map((r) => [`${r.planId}\n${r.id}`, r]));
    const byPlan = await closedMeasures(o.client, filter);
    const matched = [...byPlan]
      .flatMap(([planId, ids]) => ids.map((wid) => ({ planId, measureId: wid.slice(wid.lastIndexOf(':') + 1) })))
      .map((m) => {
        const r = byId.get(`${m.planId}\n${m.measureId}`);
        return {
          ...m,
          title: r?.title ?? '',
          leadUnit: r?.leadUnit ?? '',
          closedOn: r?.closedAt ? plainDateZh(localDate(Date.parse(r.closedAt), ZONE)) : '',
        };
      })
      .sort((a, b) => a.planId.localeCompare(b.planId) || a.measureId.localeCompare(b.measureId, 'en', { numeric: true }));
    return reply.code(extra.status ?? 200).viewAsync('campaign', {
      ...chrome('开展回头看专项', filter.planId),
      filter,
      filterFields: Object.entries({
        plan: filter.planId,
        problem: filter.problem,
        unit: filter.unit,
        kind: filter.kind,
        leader: filter.leader,
        closedBefore: filter.closedBefore,
        ids: filter.ids?.join(','),
      }).filter(([, v]) => v !== undefined),
      matched,
      choices: { plans, ...filterChoices(records), kinds: Object.entries(MEASURE_KIND_LABELS) },
      name: text(q, 'name') ?? '',
      due: text(q, 'due') ?? '',
      error: extra.error,
    });
  }

  app.get('/campaigns/new', { preHandler: [readGuard, officeOnly] }, async (req, reply) => preview(req, reply));

  app.post('/campaigns', { preHandler: [officeOnly, app.csrfProtection] }, async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const actor = officeActor(req);
    pageLocals(req, reply);
    try {
      const name = text(b, 'name') ?? '';
      const due = text(b, 'due') ?? '';
      const filter = withinScope(req, filterOf(b), (await reads.runningPlans(req)).plans);
      const outcome = await launchCampaign(o.client, name, due, filter, localDate(now(), ZONE));
      if (!outcome.results.length) throw new InputError('没有符合条件的已销号措施，未开展。');
      req.log.info({ actor: actor.who, campaign: name, results: outcome.results }, '开展回头看专项');
      invalidate();
      reads.invalidate();
      const done = outcome.results.every((r) => !r.launched) ? 'existed' : 'launched';
      if (outcome.results.length === 1) return reply.redirect(`${campaignPath(outcome.results[0].planId, name)}?done=${done}`, 303);
      return reply.redirect(`/campaigns?done=${done}&name=${encodeURIComponent(name)}`, 303);
    } catch (e) {
      if (e instanceof InputError) return preview(req, reply, { status: 400, error: e.message });
      throw e;
    }
  });

  const DONE: Record<string, (name: string) => string> = {
    launched: (name) => `已开展回头看专项“${name}”，各项措施的牵头单位和巡察办将收到回头看通知。`,
    existed: (name) => `回头看专项“${name}”此前已开展，未重复开展。`,
  };

  /** Every campaign, newest first: from the measures' records, and those just launched whose reviews have not opened yet. */
  app.get('/campaigns', { preHandler: readGuard }, async (req, reply) => {
    const q = req.query as Body;
    const planId = text(q, 'plan');
    const { plans } = await reads.runningPlans(req);
    if (planId && !readable(req, planId)) throw noSuchPlan(planId, plans);
    // One plan's when the request names one or reads only one.
    const only = planId ?? (req.account?.scope && plans.length === 1 ? plans[0].id : undefined);
    const [all, everyLaunched] = await Promise.all([reads.records(undefined, only), launchedCampaigns(o.client, only)]);
    // Only the campaigns of plans the request may read.
    const records = all.filter((r) => readable(req, r.planId));
    const launched = everyLaunched.filter((c) => readable(req, c.planId));
    const tallies: (Pick<CampaignTally, 'planId' | 'name'> & Partial<CampaignTally>)[] = campaignTallies(records, now());
    for (const c of launched) if (!tallies.some((t) => t.planId === c.planId && t.name === c.name)) tallies.unshift(c);
    const done = text(q, 'done');
    const name = text(q, 'name') ?? '';
    return reply.viewAsync('campaigns', {
      ...chrome('回头看专项', planId),
      // The launcher's button only for an account that acts on some plan here.
      canAct: (planId ? [planId] : plans.map((p) => p.id)).some((id) => actable(req, id)),
      done: done && Object.hasOwn(DONE, done) ? DONE[done](name) : undefined,
      rows: tallies.map((t) => ({
        href: campaignPath(t.planId, t.name),
        planId: t.planId,
        name: t.name,
        due: t.dueDate ? plainDateZh(t.dueDate) : '',
        started: t.startedAt ? plainDateZh(localDate(Date.parse(t.startedAt), ZONE)) : '',
        words: t.reviews ? campaignWords(t as CampaignTally) : '正在向措施发出回头看请求',
      })),
    });
  });

  /** One campaign: its due date, how far its asking has gone, every measure asked and where its review stands. */
  app.get('/campaigns/:planId/:name', { preHandler: readGuard }, async (req, reply) => {
    const { planId, name } = req.params as { planId: string; name: string };
    const missing = () =>
      new PageError(404, '没有这个回头看专项', `计划“${planId}”中没有回头看专项“${name}”。`, '可以从回头看专项列表中选择。');
    // Another district's campaign is not there: the same page, before anything is read.
    if (!readable(req, planId)) throw missing();
    const [records, view] = await Promise.all([
      reads.records(undefined, planId),
      o.client.workflow
        .getHandle(campaignWorkflowId(planId, name))
        .query(getCampaignQuery)
        .catch((): CampaignView | undefined => undefined),
    ]);
    const tally = campaignTallies(records, now()).find((t) => t.planId === planId && t.name === name);
    if (!tally && !view) throw missing();
    const dueDate = tally?.dueDate ?? view?.dueDate;
    const done = text(req.query as Body, 'done');
    return reply.viewAsync('campaign-show', {
      ...chrome(`回头看专项“${name}”`, planId),
      name,
      planId,
      done: done && Object.hasOwn(DONE, done) ? DONE[done](name) : undefined,
      due: dueDate ? plainDateZh(dueDate) : '',
      started: tally ? formatInstantZoned(Date.parse(tally.startedAt), ZONE) : '',
      // Asking goes in batches: say how far it has gone until every measure has been asked.
      asking: view && view.asked < view.total ? `正在向措施发出回头看请求：已发出${view.asked}项，共${view.total}项。` : undefined,
      opening: !tally && view ? `已向${view.total}项措施发出回头看请求，各项回头看开启后在此列出。` : undefined,
      words: tally ? campaignWords(tally) : '',
      rows: (tally?.measures ?? []).map((m) => ({
        href: `/measures/${encodeURIComponent(m.planId)}/${encodeURIComponent(m.measureId)}`,
        measure: `${m.measureId} ${m.title}`,
        leadUnit: m.leadUnit,
        round: `第${m.round}次`,
        due: m.dueDate ? plainDateZh(m.dueDate) : '',
        status: reviewWords(m),
        overdue: m.overdue,
        outcome: m.outcome,
        recorded: m.recordedAt ? plainDateZh(localDate(Date.parse(m.recordedAt), ZONE)) : '',
      })),
    });
  });
}
