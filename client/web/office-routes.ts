/**
 * The office's actions from the web: every one the workflow's own Update (campaigns:
 * campaign-routes.ts) with the signed-in person as actor (`office:<name>`, via the web). Leaders are signed in
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
import { isIsoDate } from '../../domain/dates';
import type { Actor } from '../../domain/notice';
import { RequestRefused, sendRequest } from '../actions';
import { reviewState } from '../lookback';
import { registerCampaignRoutes } from './campaign-routes';
import { officeActor, officeOnly } from './guards';
import type { Desk } from './desk';
import { OFFICE_ACTIONS, text, type Body, type OfficeAction } from './forms';
import { PageError } from './page-error';
import { noSuchPlan, requireActable } from './scope';

const choice = <T extends string>(b: Body, key: string, allowed: readonly T[], what: string): T => {
  const v = b[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new InputError(`请选择${what}`);
  return v as T;
};

/** The back link after urging from the ledger: the ledger with its filters, nothing else. */
function backTo(b: Body): string | undefined {
  const back = text(b, 'back');
  return back && /^\/measures(\?[^\s]*)?$/.test(back) ? back : undefined;
}

export function registerOfficeRoutes(desk: Desk): void {
  const { app, o, showMeasure, pageLocals, invalidate } = desk;

  app.post(
    '/measures/:planId/:measureId/:action',
    { preHandler: [officeOnly, app.csrfProtection] },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const { planId, measureId, action } = req.params as { planId: string; measureId: string; action: string };
      if (!Object.hasOwn(OFFICE_ACTIONS, action)) throw new PageError(404, '页面不存在', `没有这项操作：${action}`);
      const actor = officeActor(req);
      // Another district's plan is not there (404); one the account only reads is refused (403). Nothing is asked of it.
      requireActable(req, planId, () => noSuchPlan(planId, [], '找不到措施'));
      const b = (req.body ?? {}) as Body;
      try {
        await perform(action as OfficeAction, planId, measureId, actor, b);
      } catch (e) {
        if (e instanceof RequestRefused || e instanceof InputError) {
          req.log.info({ planId, measureId, action, actor: actor.who, refused: e.message }, '办理未通过');
          pageLocals(req, reply);
          return showMeasure(req, reply, planId, measureId, { status: e instanceof InputError ? 400 : 422, error: e.message });
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

  registerCampaignRoutes(desk);
}
