/** Sign-in and sign-out of office staff and leaders. */
import { endSession, MemorySignInCounter, signIn, startSession } from './auth';
import type { Desk } from './desk';

/** Where to go after signing in: a path of this site only (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

export function registerAccountRoutes({ app, o, now }: Desk): void {
  // Shared by every web instance on a cluster (the database); this process's memory for the embedded default.
  const guard = o.signIns ?? new MemorySignInCounter(now);
  const secure = !!o.secureCookies;
  const page = async (reply: import('fastify').FastifyReply, next: string, error?: string, status = 200) => {
    const noAccounts = (await o.users.active()).length === 0;
    return reply.code(status).viewAsync('login', {
      nav: 'login',
      title: '登录',
      planQuery: '',
      csrf: reply.generateCsrf(),
      next,
      error,
      noAccounts,
    });
  };

  app.get('/login', async (req, reply) => {
    if (req.account) return reply.redirect(safeNext((req.query as Record<string, unknown>).next), 303);
    return page(reply, safeNext((req.query as Record<string, unknown>).next));
  });

  app.post(
    '/login',
    {
      // Per address: the framework's limiter; per account: the sign-in counter below.
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      preHandler: app.csrfProtection,
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      // Names are at most 40 characters (config/users.ts): a longer one is no account, and is not remembered at length.
      const name = typeof body.name === 'string' ? body.name.trim().slice(0, 41) : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const next = safeNext(body.next);
      const locked = await guard.lockedFor(name);
      if (locked > 0) {
        req.log.warn({ account: name, ip: req.ip }, '登录：账号因多次失败暂时锁定');
        return page(reply, next, `该账号登录失败次数过多，请${Math.ceil(locked / 60000)}分钟后再试。`, 429);
      }
      // The attempt counts before the password is checked: parallel guesses cannot slip past the lock.
      await guard.fail(name);
      const account = name && password ? await signIn(o.users, name, password) : undefined;
      if (!account) {
        req.log.warn({ account: name, ip: req.ip }, '登录失败');
        return page(reply, next, '账号或密码不正确，或账号已停用。', 401);
      }
      await guard.succeed(name);
      startSession(reply, account, now(), secure);
      req.log.info({ account: name, ip: req.ip }, '登录');
      return reply.redirect(next, 303);
    },
  );

  app.post('/logout', { preHandler: app.csrfProtection }, async (req, reply) => {
    endSession(reply, secure);
    return reply.redirect('/login', 303);
  });
}
