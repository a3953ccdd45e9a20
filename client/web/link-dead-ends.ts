/**
 * No link page is a dead end: a refused or superseded link, and a measure no longer running,
 * show the office's contact from the plan's directory and, while the measure is open, one button
 * that mails a new link to the lead unit's registered addresses (the measure's requestLink Update:
 * rate-limited by the workflow and on its timeline; never to an address typed on the page).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { measureWorkflowId, planWorkflowId } from '../../contracts/ids';
import { getPlanQuery, getStateQuery, requestLinkUpdate } from '../../contracts/messages';
import { officeContact } from '../../domain/email/wording';
import { DEFAULT_LINK_DAYS } from '../../domain/links';
import { InputError } from '../../config/plan-files';
import { RequestRefused, sendRequest } from '../actions';
import type { Desk } from './desk';
import { PageError } from './page-error';
import { readable } from './scope';

/** A link page's own address. */
export const linkPagePath = (c: { planId: string; measureId: string }) =>
  `/u/${encodeURIComponent(c.planId)}/${encodeURIComponent(c.measureId)}`;

/** Where a page asks for a new link, and how long the link lasts. */
export const relinkForm = (o: Desk['o'], c: { planId: string; measureId: string }) => ({
  action: `${linkPagePath(c)}/relink`,
  days: o.linkDays ?? DEFAULT_LINK_DAYS,
});

export function registerDeadEnds({ app, o }: Desk) {
  /**
   * A link page that cannot go on (refused, superseded, no longer running): what happened, the
   * office's contact, and while the measure is open the button that mails a new link.
   */
  async function deadEnd(
    req: FastifyRequest,
    reply: FastifyReply,
    page: { status: number; heading: string; message: string; hint?: string; sent?: string; error?: string },
  ) {
    const { planId, measureId } = req.params as { planId: string; measureId: string };
    // A signed-in account outside the plan's scope learns nothing of it: as if it did not run.
    const unread = () => Promise.resolve(undefined);
    const [office, status] = await Promise.all([
      !readable(req, planId)
        ? unread()
        : o.client.workflow
            .getHandle(planWorkflowId(planId))
            .query(getPlanQuery)
            .then((v) => v.plan.directory.office)
            .catch(() => undefined),
      !readable(req, planId)
        ? unread()
        : o.client.workflow
            .getHandle(measureWorkflowId(planId, measureId))
            .query(getStateQuery)
            .then((s) => s.progress.status)
            .catch(() => undefined),
    ]);
    const open = status === 'active' || status === 'submitted';
    return reply.code(page.status).viewAsync('link-refused', {
      bare: true,
      nav: 'link',
      planQuery: '',
      title: page.heading,
      ...page,
      contact: office ? officeContact(office) : '巡察办',
      relink: open && !page.sent ? relinkForm(o, { planId, measureId }) : undefined,
      csrf: reply.generateCsrf(),
    });
  }

  /** Link pages answer their refusals with deadEnd; anything else goes to the desk's error pages. */
  const linkErrors = (error: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    if (!(error instanceof PageError) || ![403, 404].includes(error.status)) throw error;
    const page = { status: error.status, heading: error.heading, message: error.message, hint: error.hint };
    deadEnd(req, reply, page).then(
      (html) => reply.send(html),
      (e: Error) => reply.send(e),
    );
  };

  // A new link, on the unit's request from a page that could not go on: to the lead unit's registered addresses only.
  app.post(
    '/u/:planId/:measureId/relink',
    { config: { rateLimit: { max: 5, timeWindow: '1 minute' } }, preHandler: app.csrfProtection, errorHandler: linkErrors },
    async (req, reply) => {
      const { planId, measureId } = req.params as { planId: string; measureId: string };
      const id = measureWorkflowId(planId, measureId);
      // Units have no accounts; a signed-in account outside the plan's scope finds no measure here (nothing asked of it).
      const state = readable(req, planId)
        ? await o.client.workflow
            .getHandle(id)
            .query(getStateQuery)
            .catch(() => undefined)
        : undefined;
      const page = { status: 200, heading: '申请新的办理链接', message: `计划“${planId}”措施${measureId}。` };
      if (!state) return deadEnd(req, reply, { ...page, status: 404, message: `计划“${planId}”中的措施“${measureId}”不在系统中运行。` });
      try {
        await sendRequest(o.client, id, requestLinkUpdate, { actor: { role: 'unit', who: state.leadUnit, via: 'link' } });
      } catch (e) {
        if (e instanceof RequestRefused || e instanceof InputError) {
          req.log.info({ planId, measureId, ip: req.ip, refused: e.message }, '新的办理链接未发送');
          return deadEnd(req, reply, { ...page, status: 422, error: e.message.replace(/^请求被拒绝：/, '') });
        }
        throw e;
      }
      req.log.info({ planId, measureId, unit: state.leadUnit, ip: req.ip }, '应单位申请发送新的办理链接');
      return deadEnd(req, reply, {
        ...page,
        sent: '新的办理链接已发送到本措施牵头单位在名录中登记的邮箱，请查收（一般几分钟内送达）。请使用新邮件中的链接办理。',
      });
    },
  );

  return { deadEnd, linkErrors };
}
