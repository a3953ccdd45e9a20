/** Signed links: what verifies, what does not, and what a link may still do. */
import fc from 'fast-check';
import { leadSpells, linkStanding, signLink, unitActions, verifyLink, linkUrl, type LinkClaims, type LinkKeys } from '../../domain/links';

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
  issuedAt: NOW - 86_400_000,
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
    ['issue time', (p: Record<string, unknown>) => (p.iat = Number(p.iat) + 86_400)],
  ])('a tampered %s does not verify', (_what, change) => {
    expect(verifyLink(withPayload(token, change), keys, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it('a link from before issue times were written (no iat) still verifies, without one', () => {
    const { issuedAt: _none, ...old } = claims;
    expect(verifyLink(signLink(old, KEY), keys, NOW)).toEqual({ ok: true, claims: old });
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

  // 区发改委 led 2.3 from its start until the office gave it to 区财政局.
  const started = '2026-10-01T01:00:00.000Z';
  const movedAt = Date.parse('2026-11-20T02:00:00.000Z');
  const audit = [
    { at: '2026-10-10T02:00:00.000Z', action: 'progress', detail: { note: '推进中' } },
    {
      at: new Date(movedAt).toISOString(),
      action: 'reassign',
      detail: { leadUnit: '区财政局', previousLeadUnit: '区发改委', reason: '职责调整' },
    },
  ];
  const leads = leadSpells({ spec: { leadUnit: '区发改委' }, startedAt: started, audit });
  const open = {
    status: 'active' as const,
    leadUnit: '区发改委',
    deadlineVersion: 2,
    leads: leadSpells({ spec: { leadUnit: '区发改委' }, startedAt: started, audit: [] }),
  };
  const moved = { ...open, leadUnit: '区财政局', leads };

  it('who led the measure when: the unit it started with, then each reassignment’s', () => {
    expect(leads).toEqual([
      { unit: '区发改委', from: Date.parse(started), until: movedAt },
      { unit: '区财政局', from: movedAt },
    ]);
  });

  it('a link is superseded by the close-out, a new lead unit, a later deadline version', () => {
    expect(linkStanding(claims, open)).toEqual({ kind: 'acts' });
    expect(linkStanding(claims, { ...open, status: 'closed' })).toMatchObject({ kind: 'superseded', heading: '本措施已销号' });
    expect(linkStanding(claims, { ...open, deadlineVersion: 3 })).toMatchObject({ kind: 'superseded', heading: '整改时限已调整' });
    // Issued before the measure moved away from its unit: the page says where it went.
    expect(linkStanding({ ...claims, issuedAt: movedAt - 1000 }, moved)).toEqual({
      kind: 'superseded',
      heading: '牵头单位已调整',
      message: '本措施的牵头单位已调整为区财政局，此链接已失效。',
    });
    // The new unit's own links act.
    expect(linkStanding({ ...claims, unit: '区财政局', issuedAt: movedAt }, moved)).toEqual({ kind: 'acts' });
  });

  it('a link whose unit did not lead the measure when it was issued is refused, and learns nothing of it', () => {
    const never = { ...claims, unit: '区委组织部' };
    for (const m of [open, moved, { ...moved, status: 'closed' as const }, { ...open, deadlineVersion: 3 }])
      expect(linkStanding(never, m)).toEqual({ kind: 'refused' });
    // Signed after the measure moved away from 区发改委: never that unit's to act on.
    expect(linkStanding({ ...claims, issuedAt: movedAt + 60_000 }, moved)).toEqual({ kind: 'refused' });
    // Signed for 区财政局 before it led the measure.
    expect(linkStanding({ ...claims, unit: '区财政局', issuedAt: movedAt - 60_000 }, moved)).toEqual({ kind: 'refused' });
    // Without an issue time (links from before it was written): its unit must have led the measure at some time.
    const { issuedAt: _none, ...old } = claims;
    expect(linkStanding(old, moved)).toMatchObject({ kind: 'superseded', heading: '牵头单位已调整' });
    expect(linkStanding({ ...old, unit: '区委组织部' }, moved)).toEqual({ kind: 'refused' });
  });

  it('an issue time kept to the second still falls in a spell that began within that second', () => {
    const at = Date.parse('2026-11-20T02:00:00.000Z') + 700;
    const m = {
      ...open,
      leadUnit: '区财政局',
      leads: [
        { unit: '区发改委', from: 0, until: at },
        { unit: '区财政局', from: at },
      ],
    };
    const issued = verifyLink(signLink({ ...claims, unit: '区财政局', issuedAt: at }, KEY), keys, NOW);
    expect(issued.ok && issued.claims.issuedAt).toBe(at - 700);
    expect(issued.ok && linkStanding(issued.claims, m)).toEqual({ kind: 'acts' });
  });
});
