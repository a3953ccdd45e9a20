/**
 * Which plans a request reaches on the desk (issue 26: many districts, one desk). The rule is
 * domain/permissions.ts's (`mayRead`, `mayAct`); here it becomes the web's answers. A plan outside
 * the account's reading scope answers 404 with the very page a plan that does not run gets, so
 * that its existence is not revealed; a plan it reads but may not act on answers an action with
 * 403. Without an account (an install without accounts, on loopback) every plan is read, as
 * before; lead units' signed links carry their own plan and are not asked here.
 */
import type { FastifyRequest } from 'fastify';
import { accountActor, actablePlans, mayAct, mayRead, visiblePlans } from '../../domain/permissions';
import { PLAN_ID_PATTERN } from '../../domain/plan/ids';
import { PageError } from './page-error';

/** Whether the request may read the plan. An id no plan can have is no plan: not there, not asked of Temporal. */
export const readable = (req: FastifyRequest, planId: string): boolean =>
  PLAN_ID_PATTERN.test(planId) && (!req.account || mayRead(req.account, planId));

/** Whether the request's account may act on the plan: an office account whose scope holds it. */
export const actable = (req: FastifyRequest, planId: string): boolean =>
  !!req.account && !!accountActor(req.account) && mayAct(req.account, planId);

/** The plans of `all` the request may read. */
export const visibleTo = <T extends string | { id: string }>(req: FastifyRequest, all: readonly T[]): T[] =>
  req.account ? visiblePlans(req.account, all) : [...all];

/** The plans of `all` the request's account may act on (by its scope; its role is the guard's). */
export const actableFor = <T extends string | { id: string }>(req: FastifyRequest, all: readonly T[]): T[] =>
  req.account ? actablePlans(req.account, all) : [];

/** The page for a plan that is not running, or not the reader's: the same words either way. */
export function noSuchPlan(planId: string, visible: readonly { id: string }[], heading = '没有这个计划'): PageError {
  return new PageError(
    404,
    heading,
    `没有运行中的计划“${planId}”。`,
    visible.length ? `运行中的计划：${visible.map((p) => p.id).join('、')}` : undefined,
  );
}

/** An office action on a plan the account reads but may not act on. */
export function notYourPlan(req: FastifyRequest, planId: string): PageError {
  req.log.warn({ account: req.account?.name, planId, url: req.url }, '账号尝试办理范围以外的计划');
  return new PageError(403, '无权办理', `本账号可以查看计划“${planId}”，但不能办理其中的事项。`, '办理请联系负责该计划的巡察办。');
}

/**
 * An action's gate: a plan outside the reading scope is not there (404, `missing`'s page); one
 * read but not the account's to act on is refused (403). Nothing has been read or changed yet.
 */
export function requireActable(req: FastifyRequest, planId: string, missing: () => PageError): void {
  if (!readable(req, planId)) throw missing();
  if (!actable(req, planId)) throw notYourPlan(req, planId);
}
