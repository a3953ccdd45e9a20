/** Signed links: what verifies, what does not, and what a link may still do. */
import fc from 'fast-check';
import { signLink, supersededLink, unitActions, verifyLink, linkUrl, type LinkClaims, type LinkKeys } from '../../domain/links';

const KEY = 'k'.repeat(24) + '0123456789abcdef';
const keys: LinkKeys = { current: KEY, old: [] };
const NOW = Date.parse('2026-11-30T02:00:00Z');
const claims: LinkClaims = {
  planId: 'liangxi-2023',
  measureId: '2.3',
  unit: '区发改委',
  actions: ['reportProgress', 'submitCompletion', 'requestExtension'],
  deadlineVersion: 2,
  expiresAt: NOW + 30 * 86_400_000,
};

/** A token whose payload says something else, re-encoded but signed by nobody. */
function withPayload(token: string, change: (p: Record<string, unknown>) => void): string {
  const [v, payload, sig] = token.split('.');
  const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(p);
  return [v, Buffer.from(JSON.stringify(p)).toString('base64url'), sig].join('.');
}

describe('signed links', () => {
  const token = signLink(claims, KEY);

  it('round trip: the claims come back (expiry to the second)', () => {
    expect(verifyLink(token, keys, NOW)).toEqual({ ok: true, claims });
  });

  it.each([
    ['plan', (p: Record<string, unknown>) => (p.p = 'other-plan')],
    ['measure', (p: Record<string, unknown>) => (p.m = '2.4')],
    ['unit', (p: Record<string, unknown>) => (p.u = '区财政局')],
    ['actions', (p: Record<string, unknown>) => (p.a = ['submitCompletion'])],
    ['deadline version', (p: Record<string, unknown>) => (p.dv = 3)],
    ['expiry', (p: Record<string, unknown>) => (p.exp = Number(p.exp) + 86_400)],
  ])('a tampered %s does not verify', (_what, change) => {
    expect(verifyLink(withPayload(token, change), keys, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it('expired at its expiry, valid a second before', () => {
    expect(verifyLink(token, keys, claims.expiresAt - 1000).ok).toBe(true);
    expect(verifyLink(token, keys, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('a wrong key does not verify; a rotated-out key is accepted while listed as old', () => {
    const other = 'z'.repeat(40);
    expect(verifyLink(token, { current: other, old: [] }, NOW)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyLink(token, { current: other, old: [KEY] }, NOW)).toEqual({ ok: true, claims });
    // New links are signed with the new key only.
    expect(verifyLink(signLink(claims, other), keys, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it.each([undefined, '', 'v1', 'v1.abc', 'v2.' + token.slice(3), 'x'.repeat(5000), token + '.x', 42])('malformed %p is refused', (t) => {
    expect(verifyLink(t, keys, NOW).ok).toBe(false);
  });

  it('no single-byte change to a token verifies', () => {
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const code = (token.charCodeAt(i) + delta) % 256;
        const changed = token.slice(0, i) + String.fromCharCode(code) + token.slice(i + 1);
        expect(verifyLink(changed, keys, NOW).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('every position, every other URL-safe character: refused (the signature compared as written)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    let tried = 0;
    for (let i = 0; i < token.length; i++)
      for (const c of alphabet) {
        if (c === token[i]) continue;
        tried++;
        expect(verifyLink(token.slice(0, i) + c + token.slice(i + 1), keys, NOW).ok).toBe(false);
      }
    expect(tried).toBeGreaterThan(token.length * 60);
  });

  it('the URL carries plan and measure (encoded) and the action', () => {
    expect(linkUrl('https://zg.example.org/', { planId: 'p 1', measureId: '2.3' }, 'TOK', 'submitCompletion')).toBe(
      'https://zg.example.org/u/p%201/2.3?t=TOK&do=completion',
    );
  });
});

describe('what a lead unit may do from a link', () => {
  it.each([
    [{ status: 'active', kind: 'deadline', deadline: '2026-12-31' }, ['reportProgress', 'submitCompletion', 'requestExtension']],
    [{ status: 'active', kind: 'deadline', deadline: '2026-12-31', pendingExtension: {} }, ['reportProgress', 'submitCompletion']],
    [{ status: 'active', kind: 'longterm' }, ['reportProgress']],
    [{ status: 'submitted', kind: 'deadline', deadline: '2026-12-31' }, ['reportProgress']],
    [{ status: 'closed', kind: 'deadline', deadline: '2026-12-31' }, []],
  ] as const)('%j → %j', (m, expected) => {
    expect(unitActions(m)).toEqual(expected);
  });

  it('a link is superseded by the close-out, a new lead unit, a later deadline version', () => {
    const open = { status: 'active' as const, leadUnit: '区发改委', deadlineVersion: 2 };
    expect(supersededLink(claims, open)).toBeUndefined();
    expect(supersededLink(claims, { ...open, status: 'closed' })?.heading).toBe('本措施已销号');
    expect(supersededLink(claims, { ...open, leadUnit: '区财政局' })?.message).toContain('区财政局');
    expect(supersededLink(claims, { ...open, deadlineVersion: 3 })?.heading).toBe('整改时限已调整');
  });
});
