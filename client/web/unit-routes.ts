/**
 * Lead units act from their mail: the signed link opens the measure's page with the forms the
 * link allows; a form becomes the workflow's own Update with the unit as actor (`unit:<name>`,
 * via the link). A tampered, expired or out-of-scope link, and any link used to act after the
 * measure closed, is refused with 403 and logged with the reason; the page never says which part
 * failed. A link superseded by a later deadline, a new lead unit or the close-out opens a page
 * that says so, when its unit led the measure at the time it was issued (else it is refused).
 * Evidence uploads are checked by size and content before anything is kept. Pages that cannot go
 * on offer the office's contact and a new link (link-dead-ends.ts).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { measureWorkflowId } from '../../contracts/ids';
import type { MeasureDetails } from '../../contracts/measure';
import { getStateQuery, reportProgressUpdate, requestExtensionUpdate, submitCompletionUpdate } from '../../contracts/messages';
import { evidenceRef, MAX_SUBMISSION_BYTES } from '../../domain/evidence';
import { leadSpells, linkActionOfPath, linkStanding, verifyLink, type LinkAction, type LinkClaims } from '../../domain/links';
import type { Actor } from '../../domain/notice';
import { RequestRefused, sendRequest } from '../actions';
import { readMeasure } from '../records';
import type { Desk } from './desk';
import { UploadError, type StagedFile } from './evidence-store';
import { DONE_WORDS, unitPage } from './forms';
import { PageError } from './page-error';
import { linkPagePath, registerDeadEnds, relinkForm } from './link-dead-ends';
import { readable } from './scope';

/** What a refused link sees, whatever the reason (the log has it). */
const REFUSED = new PageError(403, '链接无效', '此链接无效、已过期或不能用于这项操作，未作任何更改。', '请使用最新一封通知邮件中的链接。');

type Fields = Record<string, string>;

/** The link page's own address. */
const selfPath = linkPagePath;

/** What the link may still do, judged against the measure as it stands and who led it when. */
const standingOf = (claims: LinkClaims, d: MeasureDetails) =>
  linkStanding(claims, {
    status: d.progress.status,
    leadUnit: d.leadUnit,
    deadlineVersion: d.progress.deadlineVersion,
    leads: leadSpells(d),
  });

/** The refusal, logged with its reason; the page is the same whatever the reason. */
function refusal(req: FastifyRequest, reason: string, extra: Record<string, unknown> = {}): PageError {
  const { planId, measureId } = req.params as { planId: string; measureId: string };
  req.log.warn({ reason, planId, measureId, ip: req.ip, ...extra }, '单位链接被拒绝');
  return REFUSED;
}

export function registerUnitRoutes(desk: Desk): void {
  const { app, o, now, calendar, invalidate } = desk;
  const { linkErrors } = registerDeadEnds(desk);

  /** The link's claims for this measure, or 403 (logged with the reason). */
  function claimsOf(req: FastifyRequest): LinkClaims {
    const { planId, measureId } = req.params as { planId: string; measureId: string };
    const q = req.query as Record<string, unknown>;
    const v = verifyLink(q.t, o.keys, now());
    if (!v.ok) throw refusal(req, v.reason);
    if (v.claims.planId !== planId || v.claims.measureId !== measureId)
      throw refusal(req, 'scope', { tokenPlan: v.claims.planId, tokenMeasure: v.claims.measureId, unit: v.claims.unit });
    return v.claims;
  }

  async function measureOf(planId: string, measureId: string) {
    try {
      return await readMeasure(o.client, planId, measureId);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError)
        throw new PageError(404, '措施不在运行', `计划“${planId}”中的措施“${measureId}”已不在系统中运行。`);
      throw e;
    }
  }

  /** The unit's page: the measure, what is due, the forms; with what just happened or why it was refused. */
  async function show(
    req: FastifyRequest,
    reply: FastifyReply,
    claims: LinkClaims,
    extra: { status?: number; error?: string; done?: string; fields?: Fields; active?: string } = {},
  ) {
    const { details, record } = await measureOf(claims.planId, claims.measureId);
    const base = { bare: true, nav: 'link', planQuery: '', title: `措施${claims.measureId}`, unit: claims.unit };
    const standing = standingOf(claims, details);
    // A unit that did not lead the measure when the link was issued learns nothing of it.
    if (standing.kind === 'refused') throw refusal(req, 'unit', { unit: claims.unit });
    const page = unitPage(details, record, claims, now(), calendar());
    const q = req.query as Record<string, unknown>;
    const token = String(q.t);
    const active = extra.active ?? (typeof q.do === 'string' ? q.do : undefined);
    return reply.code(extra.status ?? 200).viewAsync('unit', {
      ...base,
      page,
      closedNow: standing.kind === 'superseded' ? standing : undefined,
      // A link superseded by a new deadline: its unit still leads the open measure and may ask for the new link.
      relink:
        standing.kind === 'superseded' && details.progress.status !== 'closed' && details.leadUnit === claims.unit
          ? relinkForm(o, claims)
          : undefined,
      token,
      csrf: reply.generateCsrf(),
      self: selfPath(claims),
      active: page.actions.some((a) => a.path === active) ? active : page.actions[0]?.path,
      done: extra.done,
      error: extra.error,
      fields: extra.fields ?? {},
    });
  }

  app.get(
    '/u/:planId/:measureId',
    { config: { rateLimit: { max: 60, timeWindow: '1 minute' } }, errorHandler: linkErrors },
    async (req, reply) => {
      const claims = claimsOf(req);
      const done = (req.query as Record<string, unknown>).done;
      return show(req, reply, claims, { done: typeof done === 'string' && Object.hasOwn(DONE_WORDS, done) ? DONE_WORDS[done] : undefined });
    },
  );

  app.post(
    '/u/:planId/:measureId/:action',
    { config: { rateLimit: { max: 20, timeWindow: '1 minute' } }, preHandler: app.csrfProtection, errorHandler: linkErrors },
    async (req, reply) => {
      const claims = claimsOf(req);
      const path = (req.params as { action: string }).action;
      const action = linkActionOfPath(path);
      const log = { planId: claims.planId, measureId: claims.measureId, unit: claims.unit, ip: req.ip };
      if (!action || !claims.actions.includes(action)) {
        req.log.warn({ ...log, reason: 'action', action: path }, '单位链接被拒绝');
        throw REFUSED;
      }
      const state = await measureOf(claims.planId, claims.measureId);
      const standing = standingOf(claims, state.details);
      if (standing.kind !== 'acts') {
        const reason = standing.kind === 'refused' ? 'unit' : state.details.progress.status === 'closed' ? 'closed' : 'superseded';
        req.log.warn({ ...log, reason, action: path }, '单位链接被拒绝');
        throw REFUSED;
      }
      const staged: StagedFile[] = [];
      const fields: Fields = {};
      try {
        await readForm(req, staged, fields);
      } catch (e) {
        o.evidence.discard(staged);
        if (e instanceof UploadError) {
          req.log.info({ ...log, action: path, refused: e.message }, '单位上传的材料未被接受');
          return show(req, reply, claims, { status: e.status, error: e.message, fields, active: path });
        }
        throw e;
      }
      const actor: Actor = { role: 'unit', who: claims.unit, via: 'link' };
      const at = new Date(now()).toISOString();
      const owner = { planId: claims.planId, measureId: claims.measureId, by: `unit:${claims.unit}`, at };
      // An extension request takes no files: whatever came with it is not kept.
      if (action === 'requestExtension') o.evidence.discard(staged.splice(0));
      await o.evidence.commit(staged, owner);
      try {
        await send(action, claims, actor, fields, staged);
      } catch (e) {
        // Refused: nothing of this submission stays. Any other failure may have reached the workflow: its files stay.
        if (e instanceof RequestRefused) await o.evidence.rollback(staged, owner);
        if (e instanceof RequestRefused) {
          req.log.info({ ...log, action: path, refused: e.message }, '单位的办理未通过');
          return show(req, reply, claims, { status: 422, error: e.message, fields, active: path });
        }
        throw e;
      }
      invalidate();
      req.log.info({ ...log, action: path, files: staged.length }, '单位经链接办理');
      return reply.redirect(
        `${selfPath(claims)}?t=${encodeURIComponent(String((req.query as Record<string, unknown>).t))}&done=${path}`,
        303,
      );
    },
  );

  /** The form's fields, and its files staged (each checked by size and content); the whole submission within its limit. */
  async function readForm(req: FastifyRequest, staged: StagedFile[], fields: Fields): Promise<void> {
    if (!req.isMultipart()) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
      return;
    }
    let used = 0;
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const file = part as MultipartFile;
        if (!file.filename) {
          file.file.resume();
          continue;
        }
        const kept = await o.evidence.stage(file.filename, file.file, MAX_SUBMISSION_BYTES - used);
        used += kept.size;
        staged.push(kept);
      } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
  }

  async function send(action: LinkAction, claims: LinkClaims, actor: Actor, f: Fields, files: StagedFile[]): Promise<void> {
    const id = measureWorkflowId(claims.planId, claims.measureId);
    const refs = files.map(evidenceRef);
    const lines = (s: string | undefined) =>
      (s ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
    switch (action) {
      case 'reportProgress': {
        const note = [f.note?.trim() ?? '', ...lines(f.links), ...refs].filter(Boolean).join('\n');
        await sendRequest(o.client, id, reportProgressUpdate, {
          actor,
          note,
          ...(f.completesMilestone === 'on' ? { completesMilestone: true } : {}),
        });
        return;
      }
      case 'submitCompletion':
        await sendRequest(o.client, id, submitCompletionUpdate, {
          actor,
          evidence: [...lines(f.evidence), ...refs],
          ...(f.note?.trim() ? { note: f.note.trim() } : {}),
        });
        return;
      case 'requestExtension':
        await sendRequest(o.client, id, requestExtensionUpdate, {
          actor,
          newDeadline: (f.newDeadline ?? '').trim(),
          reason: f.reason ?? '',
        });
        return;
    }
  }

  /** The measure's lead unit as it stands (undefined when it no longer runs). */
  const leadUnitNow = (c: LinkClaims) =>
    o.client.workflow
      .getHandle(measureWorkflowId(c.planId, c.measureId))
      .query(getStateQuery)
      .then((s) => s.leadUnit)
      .catch(() => undefined);

  // Evidence: to signed-in office staff and leaders (submitted for a measure of a plan they read;
  // another district's is not there: 404), and to a valid link of a measure it was submitted for.
  app.get('/evidence/:sha256', { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } }, async (req, reply) => {
    const { sha256 } = req.params as { sha256: string };
    const meta = await o.evidence.meta(sha256);
    const q = req.query as Record<string, unknown>;
    let name = meta?.owners.find((x) => readable(req, x.planId))?.name;
    if (req.account && name === undefined) {
      if (meta) req.log.warn({ reason: 'plan', sha256, account: req.account.name }, '佐证材料下载被拒绝');
      throw new PageError(404, '找不到材料', '没有这份佐证材料。');
    }
    if (!req.account) {
      const v = verifyLink(q.t, o.keys, now());
      const owner = v.ok && meta?.owners.find((x) => x.planId === v.claims.planId && x.measureId === v.claims.measureId);
      // A unit the measure has moved away from no longer sees its evidence.
      const moved = owner && v.ok && (await leadUnitNow(v.claims)) !== v.claims.unit;
      if (!owner || moved) {
        req.log.warn({ reason: !v.ok ? v.reason : moved ? 'superseded' : 'scope', sha256, ip: req.ip }, '佐证材料下载被拒绝');
        throw new PageError(403, '无权查看', '此材料只提供给巡察办、区领导和提交它的单位。', '请登录，或使用通知邮件中的链接。');
      }
      name = owner.name;
    }
    if (!meta) throw new PageError(404, '找不到材料', '没有这份佐证材料。');
    return reply
      .header('content-type', o.evidence.mime(meta.type))
      .header('content-disposition', `attachment; filename="evidence.${meta.type}"; filename*=UTF-8''${encodeURIComponent(name ?? sha256)}`)
      .header('cache-control', 'private, no-store')
      .send(await o.evidence.open(sha256));
  });
}
