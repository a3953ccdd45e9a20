/**
 * Who is at the web: office staff and leaders signed in with an account (a signed, HttpOnly,
 * SameSite=Strict session cookie with idle and absolute timeouts), or nobody. Sign-in is
 * rate-limited per address (the framework's plugin, on the route) and per account (here: a
 * few failures lock the account's sign-in for a while). What each may do is in
 * domain/permissions.ts; this module only says who they are.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkPassword, credentialVersion, type Account, type AccountStore } from '../../config/users';
import { LOCK_MS, lockRemaining, type SignInCounter } from '../../domain/sign-in';
import { ACCOUNT_ROLE_LABELS, type AccountRole, type AccountScope } from '../../domain/permissions';

export const SESSION_COOKIE = 'rectify_session';
/** A session ends after this long without a request… */
export const IDLE_MS = 2 * 60 * 60 * 1000;
/** …and in any case this long after sign-in. */
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export { LOCK_MS, MAX_FAILURES } from '../../domain/sign-in';

export interface SignedIn {
  name: string;
  role: AccountRole;
  roleLabel: string;
  /** The plans it reaches (client/web/scope.ts asks domain/permissions.ts); absent: every plan. */
  scope?: AccountScope;
}

interface SessionPayload {
  n: string;
  /** The account's credential version: a new password or a disabled account ends the session. */
  cv: string;
  iat: number;
  seen: number;
}

/** The session a request carries, if it is valid now; refreshes the idle clock (at most once a minute). */
export async function sessionOf(
  req: FastifyRequest,
  reply: FastifyReply,
  users: AccountStore,
  now: number,
  secure: boolean,
): Promise<SignedIn | undefined> {
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  let s: SessionPayload;
  try {
    s = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof s?.n !== 'string' || typeof s.iat !== 'number' || typeof s.seen !== 'number') return undefined;
  if (now - s.iat > ABSOLUTE_MS || now - s.seen > IDLE_MS || s.seen > now + 60_000) return undefined;
  const account = await users.find(s.n);
  if (!account || account.disabled || credentialVersion(account) !== s.cv) return undefined;
  if (now - s.seen > 60_000 || unsigned.renew) setSession(reply, { ...s, seen: now }, secure);
  return {
    name: account.name,
    role: account.role,
    roleLabel: ACCOUNT_ROLE_LABELS[account.role],
    ...(account.scope ? { scope: account.scope } : {}),
  };
}

function setSession(reply: FastifyReply, s: SessionPayload, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, Buffer.from(JSON.stringify(s)).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: Math.ceil(ABSOLUTE_MS / 1000),
  });
}

export function startSession(reply: FastifyReply, account: Account, now: number, secure: boolean): void {
  setSession(reply, { n: account.name, cv: credentialVersion(account), iat: now, seen: now }, secure);
}

export function endSession(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

/** Failed sign-ins per account name, in memory: the embedded default's one web process (a restart forgets; the address limit remains). */
export class MemorySignInCounter implements SignInCounter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  lockedFor(name: string): Promise<number> {
    return Promise.resolve(lockRemaining(this.recent(name), this.now()));
  }

  fail(name: string): Promise<void> {
    this.failures.set(name, [...this.recent(name), this.now()]);
    // Forget what no longer counts, so that the map does not grow with every name ever tried.
    if (this.failures.size > 1000) for (const key of [...this.failures.keys()]) if (!this.recent(key).length) this.failures.delete(key);
    return Promise.resolve();
  }

  succeed(name: string): Promise<void> {
    this.failures.delete(name);
    return Promise.resolve();
  }

  private recent(name: string): number[] {
    const at = this.now();
    return (this.failures.get(name) ?? []).filter((t) => at - t < LOCK_MS);
  }
}

/** The account, if the name and password match an enabled one; the same answer (and time) for an unknown name. */
export async function signIn(users: AccountStore, name: string, password: string): Promise<Account | undefined> {
  const account = await users.find(name);
  // An unknown name costs a hash check too: the answer's timing does not tell which names exist.
  const hash = account?.hash ?? DUMMY_HASH;
  const ok = await checkPassword(password, hash);
  return ok && account && !account.disabled ? account : undefined;
}

/** A valid scrypt hash of a random password nobody knows. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$rTc5MPFUHmEpCsHvCEa3FdXg1EEvEXtWy1WJ_5l7fno';
