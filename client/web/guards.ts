/** Who may act on the desk: the office's signed-in staff; leaders read only, and nobody else acts. */
import type { FastifyRequest } from 'fastify';
import { accountActor } from '../../domain/permissions';
import type { Actor } from '../../domain/notice';
import { PageError } from './page-error';

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

/** A route's preHandler: only the office goes on. */
export const officeOnly = async (req: FastifyRequest): Promise<void> => {
  officeActor(req);
};
