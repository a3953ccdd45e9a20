/**
 * What goes wrong, as a page in Chinese: not found, a page's own refusal (PageError), a stale
 * form (CSRF), too many requests, too large a submission, a bad filter or input, and anything
 * else (500, logged).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InputError } from '../../config/plan-files';
import { LedgerQueryError } from '../../domain/report/ledger';
import { PageError } from './page-error';

const errorPage = (
  reply: FastifyReply,
  status: number,
  heading: string,
  message: string,
  hint?: string,
  action?: { href: string; text: string },
) =>
  reply
    .code(status)
    .viewAsync('error', { nav: '', title: heading, planQuery: '', heading, message, hint, action, bare: !reply.locals?.account });

/** The ledger with the suggested value in place of the one that matched nothing, the other filters kept. */
function suggested(url: string, field: string, value: string): { href: string; text: string } {
  const search = new URL(url, 'http://desk').searchParams;
  search.set(field, value);
  return { href: `/measures?${search}`, text: `查看“${value}”的措施` };
}

export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => errorPage(reply, 404, '页面不存在', `没有这个页面：${req.url}`, '可以从总览或台账进入。'));
  app.setErrorHandler((error, req, reply) => {
    if (error instanceof PageError) return errorPage(reply, error.status, error.heading, error.message, error.hint);
    const code = (error as { code?: string }).code;
    if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET') {
      req.log.warn({ route: req.routeOptions.url, code }, 'CSRF 校验未通过');
      return errorPage(reply, 403, '表单已失效', '表单已过期或不是从本系统页面提交的，未作任何更改。', '请返回上一页，刷新后重新提交。');
    }
    if ((error as { statusCode?: number }).statusCode === 429) return errorPage(reply, 429, '操作过于频繁', '请求过于频繁，请稍后再试。');
    if ((error as { statusCode?: number }).statusCode === 413)
      return errorPage(reply, 413, '提交的内容过大', '提交的内容超过了上限，未作任何更改。');
    if (error instanceof LedgerQueryError && error.suggestion !== undefined)
      return errorPage(reply, 400, '筛选条件有误', error.message, undefined, suggested(req.url, error.field, error.suggestion));
    if (error instanceof LedgerQueryError)
      return errorPage(reply, 400, '筛选条件有误', error.message, '请修改地址中的这一项，或点“清除”重新筛选。');
    if (error instanceof InputError) return errorPage(reply, 400, '请求有误', error.message);
    req.log.error(error);
    return errorPage(reply, 500, '暂时无法显示', '读取整改数据时出错，请稍后刷新。', (error as Error).message);
  });
}
