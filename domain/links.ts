/**
 * Signed self-service links for lead units (no accounts): a token that names the plan, the
 * measure, the unit, the actions it may take, the deadline version it was issued under and when
 * it expires, signed with HMAC-SHA256. The web verifies it against the current key and the old
 * keys still accepted (rotation), then against the measure as it stands. Pure (node:crypto's
 * HMAC is a function of its input); never imported by workflow code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MeasureKind } from './plan/schema';
import type { MeasureStatus } from './measure';
import { PERMISSIONS } from './permissions';

/** What a lead unit may do from a link: the unit's own actions in the permissions table. */
export const LINK_ACTIONS = ['reportProgress', 'submitCompletion', 'requestExtension'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** The action's name in a link's URL (`?do=`) and in its form's address, and its label (the permissions table's). */
export const LINK_ACTION_PATHS: Record<LinkAction, string> = {
  reportProgress: 'progress',
  submitCompletion: 'completion',
  requestExtension: 'extension',
};
export const linkActionLabel = (a: LinkAction): string => PERMISSIONS[a].label;
export function linkActionOfPath(path: string): LinkAction | undefined {
  return LINK_ACTIONS.find((a) => LINK_ACTION_PATHS[a] === path);
}

/** Days a link stays valid unless RECTIFY_LINK_DAYS says otherwise. */
export const DEFAULT_LINK_DAYS = 30;

export interface LinkClaims {
  planId: string;
  measureId: string;
  unit: string;
  actions: LinkAction[];
  /** The deadline version the mail was written under: a later one (an extension, a relapse) supersedes the link. */
  deadlineVersion: number;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  /**
   * When the notice it came with was decided, ms since the epoch (to the second): the unit led the
   * measure then. Links issued before it was written carry none.
   */
  issuedAt?: number;
}

/** The current key signs; old keys are still accepted when verifying (rotation). */
export interface LinkKeys {
  current: string;
  old: string[];
}

const VERSION = 'v1';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const mac = (key: string, signed: string) => createHmac('sha256', key).update(signed).digest('base64url');

/** `v1.<claims>.<signature>`: URL-safe, the signature over the two parts before it exactly as written. */
export function signLink(claims: LinkClaims, key: string): string {
  const payload = b64(
    JSON.stringify({
      p: claims.planId,
      m: claims.measureId,
      u: claims.unit,
      a: claims.actions,
      dv: claims.deadlineVersion,
      exp: Math.floor(claims.expiresAt / 1000),
      ...(claims.issuedAt === undefined ? {} : { iat: Math.floor(claims.issuedAt / 1000) }),
    }),
  );
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${mac(key, signed)}`;
}

export type LinkRefusal = 'malformed' | 'signature' | 'expired';
export type Verified = { ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal };

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The claims of a token signed by one of `keys` and not expired at `now`. The signature is
 * compared as text (the canonical encoding of the MAC), so no other spelling of it verifies.
 */
export function verifyLink(token: unknown, keys: LinkKeys, now: number): Verified {
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return { ok: false, reason: 'malformed' };
  const signed = `${parts[0]}.${parts[1]}`;
  if (![keys.current, ...keys.old].some((k) => sameText(mac(k, signed), parts[2]))) return { ok: false, reason: 'signature' };
  let raw: { p?: unknown; m?: unknown; u?: unknown; a?: unknown; dv?: unknown; exp?: unknown; iat?: unknown };
  try {
    raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { p, m, u, a, dv, exp, iat } = raw ?? {};
  if (
    typeof p !== 'string' ||
    typeof m !== 'string' ||
    typeof u !== 'string' ||
    !Array.isArray(a) ||
    !a.every((x) => (LINK_ACTIONS as readonly unknown[]).includes(x)) ||
    !Number.isInteger(dv) ||
    !Number.isInteger(exp) ||
    (iat !== undefined && !Number.isInteger(iat))
  )
    return { ok: false, reason: 'malformed' };
  const claims: LinkClaims = {
    planId: p,
    measureId: m,
    unit: u,
    actions: a as LinkAction[],
    deadlineVersion: dv as number,
    expiresAt: (exp as number) * 1000,
    ...(iat === undefined ? {} : { issuedAt: (iat as number) * 1000 }),
  };
  if (now >= claims.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** What a lead unit may do with its measure as it stands (the validators have the last word). */
export function unitActions(m: { status: MeasureStatus; kind: MeasureKind; deadline?: string; pendingExtension?: unknown }): LinkAction[] {
  if (m.status === 'closed') return [];
  if (m.status === 'submitted') return ['reportProgress'];
  const actions: LinkAction[] = ['reportProgress'];
  if (m.kind !== 'longterm') actions.push('submitCompletion');
  if (m.kind !== 'longterm' && m.deadline && !m.pendingExtension) actions.push('requestExtension');
  return actions;
}

/** A lead unit's time at the head of a measure: from (ms) until it was reassigned away (absent: it still leads). */
export interface LeadSpell {
  unit: string;
  from: number;
  until?: number;
}

/**
 * Who led the measure when: the unit it started with, then each reassignment's (its audit keeps
 * them all; where an old measure's audit was cut short, the unit a kept reassignment moved from
 * is taken to have led from the start).
 */
export function leadSpells(m: {
  spec: { leadUnit: string };
  startedAt: string;
  audit: { at: string; action: string; detail: Record<string, unknown> }[];
}): LeadSpell[] {
  const spells: LeadSpell[] = [];
  let current: LeadSpell = { unit: m.spec.leadUnit, from: Date.parse(m.startedAt) };
  for (const e of m.audit) {
    const { leadUnit: to, previousLeadUnit: from } = e.detail;
    if (e.action !== 'reassign' || typeof to !== 'string' || to === from) continue;
    const at = Date.parse(e.at);
    if (typeof from === 'string' && from !== current.unit) spells.push({ unit: from, from: current.from, until: at });
    spells.push({ ...current, until: at });
    current = { unit: to, from: at };
  }
  spells.push(current);
  return spells;
}

/** What a verified link may do with its measure as it stands (the validators have the last word). */
export type LinkStanding =
  | { kind: 'acts' }
  /** Its page says what changed: the close-out, a new lead unit, a later deadline. */
  | { kind: 'superseded'; heading: string; message: string }
  /** Issued to a unit that did not lead the measure then: refused like any other bad link. */
  | { kind: 'refused' };

/**
 * A link stands for its unit while that unit led the measure when the link was issued (a link
 * without its issue time: at any time); only then may its page say what has changed since.
 */
export function linkStanding(
  claims: LinkClaims,
  m: { status: MeasureStatus; leadUnit: string; deadlineVersion: number; leads: LeadSpell[] },
): LinkStanding {
  const t = claims.issuedAt;
  // Issue times are kept to the second: a spell is compared from the start of its second.
  const led = m.leads.some(
    (s) =>
      s.unit === claims.unit && (t === undefined || (Math.floor(s.from / 1000) * 1000 <= t && (s.until === undefined || t <= s.until))),
  );
  if (!led) return { kind: 'refused' };
  if (m.status === 'closed')
    return { kind: 'superseded', heading: '本措施已销号', message: '本措施已核验销号，此链接不再办理事项。感谢配合。' };
  if (m.leadUnit !== claims.unit)
    return { kind: 'superseded', heading: '牵头单位已调整', message: `本措施的牵头单位已调整为${m.leadUnit}，此链接已失效。` };
  if (m.deadlineVersion > claims.deadlineVersion)
    return { kind: 'superseded', heading: '整改时限已调整', message: '本措施的整改时限已调整，此链接已失效，请使用最新通知邮件中的链接。' };
  return { kind: 'acts' };
}

/** The address of a link's page for one action: `<base>/u/<plan>/<measure>?t=…&do=…`. */
export function linkUrl(baseUrl: string, claims: Pick<LinkClaims, 'planId' | 'measureId'>, token: string, action?: LinkAction): string {
  const base = baseUrl.replace(/\/+$/, '');
  const path = `/u/${encodeURIComponent(claims.planId)}/${encodeURIComponent(claims.measureId)}`;
  return `${base}${path}?t=${token}${action ? `&do=${LINK_ACTION_PATHS[action]}` : ''}`;
}
