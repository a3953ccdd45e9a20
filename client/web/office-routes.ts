/**
 * The office's actions from the web: every one the workflow's own Update (or the campaign's
 * start) with the signed-in person as actor (`office:<name>`, via the web). Leaders are signed in
 * to read and are refused here (403); nobody signed in is asked to sign in (401). A validator's
 * refusal is shown on the page, and nothing changes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../config/plan-files';
import { lookbackWorkflowId, measureWorkflowId } from '../../contracts/ids';
import {
  decideExtensionUpdate,
  getStateQuery,
  reassignUpdate,
  recordOutcomeUpdate,
  remindUpdate,
  verifyCompletionUpdate,
} from '../../contracts/messages';
import { isIsoDate, localDate } from '../../domain/dates';
import { accountActor } from '../../domain/permissions';
import { MEASURE_KIND_LABELS } from '../../domain/vocabulary';
import type { Actor } from '../../domain/notice';
import { RequestRefused, sendRequest } from '../actions';
import { closedMeasures, launchCampaign, reviewState, type CampaignFilter } from '../lookback';
import type { Desk } from './desk';
import { OFFICE_ACTIONS, type OfficeAction } from './forms';
import { PageError } from './page-error';

const ZONE = 'Asia/Shanghai';

type Body = Record<string, unknown>;
const text = (b: Body, key: string): string | undefined => {
  const v = b[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};
const choice = <T extends string>(b: Body, key: string, allowed: readonly T[], what: string): T => {
  const v = b[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new InputError(`请选择${what}`);
  return v as T;
};

/** The office's actor for this request, or the refusal: 401 to sign in, 403 for a leader. */
export function officeActor(req: FastifyRequest): Actor {
  if (!req.account) throw new PageError(401, '请先登录', '办理事项需要巡察办账号登录。', '请从右上角“登录”进入。');
  const actor = accountActor(req.account);
  if (!actor) {
    req.log.warn({ account: req.account.name, url: req.url }, '领导账号尝试办理事项');
    throw new PageError(403, '无权办理', '领导账号可以查看全部情况，但不能办理事项。', '办理请联系巡察办。');
  }
  return actor;
}

/** The back link after urging from the ledger: the ledger with its filters, nothing else. */
function backTo(b: Body): string | undefined {
  const back = text(b, 'back');
  return back && /^\/measures(\?[^\s]*)?$/.test(back) ? back : undefined;
}

export function registerOfficeRoutes({ app, o, now, readGuard, showMeasure, pageLocals, invalidate }: Desk): void {
  const officeOnly = async (req: FastifyRequest) => {
    officeActor(req);
  };

  app.post(
    '/measures/:planId/:measureId/:action',
    { preHandler: [officeOnly, app.csrfProtection] },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const { planId, measureId, action } = req.params as { planId: string; measureId: string; action: string };
      if (!Object.hasOwn(OFFICE_ACTIONS, action)) throw new PageError(404, '页面不存在', `没有这项操作：${action}`);
      const actor = officeActor(req);
      const b = (req.body ?? {}) as Body;
      try {
        await perform(action as OfficeAction, planId, measureId, actor, b);
      } catch (e) {
        if (e instanceof RequestRefused || e instanceof InputError) {
          req.log.info({ planId, measureId, action, actor: actor.who, refused: e.message }, '办理未通过');
          pageLocals(req, reply);
          return showMeasure(reply, planId, measureId, { status: e instanceof InputError ? 400 : 422, error: e.message });
        }
        throw e;
      }
      invalidate();
      req.log.info({ planId, measureId, action, actor: actor.who }, '已办理');
      const back = backTo(b);
      return reply.redirect(back ?? `/measures/${encodeURIComponent(planId)}/${encodeURIComponent(measureId)}?done=${action}`, 303);
    },
  );

  async function perform(action: OfficeAction, planId: string, measureId: string, actor: Actor, b: Body): Promise<void> {
    const id = measureWorkflowId(planId, measureId);
    switch (action) {
      case 'verify': {
        const accept = choice(b, 'decision', ['accept', 'reject'] as const, '通过或退回') === 'accept';
        await sendRequest(o.client, id, verifyCompletionUpdate, { actor, accept, reason: text(b, 'reason') });
        return;
      }
      case 'extension': {
        const approve = choice(b, 'decision', ['approve', 'reject'] as const, '批准或不批准') === 'approve';
        await sendRequest(o.client, id, decideExtensionUpdate, { actor, approve, reason: text(b, 'reason') });
        return;
      }
      case 'remind':
        await sendRequest(o.client, id, remindUpdate, { actor, note: text(b, 'note'), force: b.force === 'on' || undefined });
        return;
      case 'reassign': {
        const leadUnit = text(b, 'leadUnit');
        const leader = text(b, 'leader');
        const { leadUnit: nowUnit, leader: nowLeader } = await o.client.workflow.getHandle(id).query(getStateQuery);
        const changed = {
          ...(leadUnit && leadUnit !== nowUnit ? { leadUnit } : {}),
          ...(leader && leader !== nowLeader ? { leader } : {}),
        };
        // Only what changed is asked for; nothing changed is asked as it stands, for the validator to say so.
        const asked = Object.keys(changed).length ? changed : { leadUnit, leader };
        await sendRequest(o.client, id, reassignUpdate, { actor, reason: text(b, 'reason') ?? '', ...asked });
        return;
      }
      case 'lookback': {
        const round = Number(b.round);
        if (!Number.isInteger(round) || round < 1) throw new InputError('缺少回头看轮次');
        const outcome = choice(b, 'outcome', ['sustained', 'relapsed'] as const, '成效巩固或反弹回潮');
        const newDeadline = text(b, 'newDeadline');
        if (outcome === 'relapsed' && (!newDeadline || !isIsoDate(newDeadline)))
          throw new InputError('反弹回潮须指定重新整改的时限（日期）');
        const state = await reviewState(o.client, planId, measureId, round);
        if (state !== 'open') throw new InputError(`第${round}次回头看已记录结论，不再重复记录`);
        await sendRequest(o.client, lookbackWorkflowId(planId, measureId, round), recordOutcomeUpdate, {
          actor,
          outcome,
          notes: text(b, 'notes') ?? '',
          ...(outcome === 'relapsed' ? { newDeadline } : {}),
        });
        return;
      }
    }
  }

  // Look-back campaigns: a preview of the closed measures the filters match, then the launch.
  const filterOf = (q: Body): CampaignFilter => {
    const problem = text(q, 'problem');
    if (problem !== undefined && !/^\d+$/.test(problem)) throw new InputError(`问题编号应为数字：${problem}`);
    const closedBefore = text(q, 'closedBefore');
    if (closedBefore !== undefined && !isIsoDate(closedBefore))
      throw new InputError(`销号早于（closedBefore）应为 YYYY-MM-DD: ${closedBefore}`);
    const ids = text(q, 'ids')
      ?.split(/[\s,,、]+/)
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
  };

  async function preview(req: FastifyRequest, reply: FastifyReply, extra: { status?: number; error?: string; launched?: string } = {}) {
    const q = { ...(req.query as Body), ...((req.body as Body | undefined) ?? {}) };
    const filter = filterOf(q);
    const byPlan = await closedMeasures(o.client, filter);
    const matched = [...byPlan].flatMap(([planId, ids]) => ids.map((wid) => ({ planId, measureId: wid.slice(wid.lastIndexOf(':') + 1) })));
    matched.sort((a, b) => a.planId.localeCompare(b.planId) || a.measureId.localeCompare(b.measureId, 'en', { numeric: true }));
    return reply.code(extra.status ?? 200).viewAsync('campaign', {
      nav: 'measures',
      title: '开展回头看专项',
      planQuery: filter.planId ? `?plan=${encodeURIComponent(filter.planId)}` : '',
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
      kinds: Object.entries(MEASURE_KIND_LABELS),
      name: text(q, 'name') ?? '',
      due: text(q, 'due') ?? '',
      error: extra.error,
      launched: extra.launched,
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
      const outcome = await launchCampaign(o.client, name, due, filterOf(b), localDate(now(), ZONE));
      const launched = outcome.results.length
        ? outcome.results
            .map((r) => `计划 ${r.planId}：${r.launched ? `已开展，共${r.measures}项措施` : `专项“${name}”此前已开展，未重复开展`}`)
            .join(';')
        : '没有符合条件的已销号措施，未开展。';
      req.log.info({ actor: actor.who, campaign: name, results: outcome.results }, '开展回头看专项');
      invalidate();
      return preview(req, reply, { launched });
    } catch (e) {
      if (e instanceof InputError) return preview(req, reply, { status: 400, error: e.message });
      throw e;
    }
  });
}
