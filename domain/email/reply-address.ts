/**
 * The address a lead unit's reply goes to, like code review and issue trackers do:
 * `reply+<plan>.<problem>.<no>.<issued>.<signature>@<inbound domain>`. It names the measure and
 * when its notice was decided, and is signed with the link keys (links.ts) for the unit that led
 * the measure then, so a reply is taken for what its address says and the sender's From alone is
 * never trusted. Only lowercase letters, digits, hyphens and dots: nothing to quote, and a mail
 * system that changes a local part's case changes nothing. Pure (node:crypto's HMAC is a function
 * of its input); never imported by workflow code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LeadSpell, LinkKeys } from '../links';

export const REPLY_PREFIX = 'reply+';

/** What a reply address says: the measure, and when the notice it came with was decided (ms, to the second). */
export interface ReplyClaims {
  planId: string;
  measureId: string;
  issuedAt: number;
}

/** RFC 4648 base32, lowercase, without padding. */
function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** 80 bits of HMAC-SHA256 over the claims and the unit: 16 characters. */
function signature(key: string, c: ReplyClaims, unit: string): string {
  const signed = `reply1|${c.planId}|${c.measureId}|${unit}|${Math.floor(c.issuedAt / 1000)}`;
  return base32(createHmac('sha256', key).update(signed).digest().subarray(0, 10));
}

/** The reply address of a notice decided at `issuedAt` for the unit that led the measure then. */
export function replyAddress(c: ReplyClaims, unit: string, key: string, domain: string): string {
  const issued = Math.floor(c.issuedAt / 1000).toString(36);
  return `${REPLY_PREFIX}${c.planId}.${c.measureId}.${issued}.${signature(key, c, unit)}@${domain.toLowerCase()}`;
}

export interface ParsedReplyAddress extends ReplyClaims {
  signature: string;
}

/**
 * The claims of an address of this form at `domain` (any case), or undefined: the plan id has no
 * dots, so the measure's number, the issue time and the signature are read from the right.
 */
export function parseReplyAddress(address: string, domain: string): ParsedReplyAddress | undefined {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 0 || a.slice(at + 1) !== domain.toLowerCase() || a.length > 254) return undefined;
  const local = a.slice(0, at);
  if (!local.startsWith(REPLY_PREFIX)) return undefined;
  const parts = local.slice(REPLY_PREFIX.length).split('.');
  if (parts.length !== 5) return undefined;
  const [planId, problem, no, issued, sig] = parts;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(planId) || !/^\d+$/.test(problem) || !/^\d+$/.test(no)) return undefined;
  if (!/^[0-9a-z]{1,10}$/.test(issued) || !/^[a-z2-7]{16}$/.test(sig)) return undefined;
  const seconds = parseInt(issued, 36);
  if (!Number.isSafeInteger(seconds)) return undefined;
  return { planId, measureId: `${problem}.${no}`, issuedAt: seconds * 1000, signature: sig };
}

export type ReplyRefusal = 'signature' | 'expired';

/**
 * The unit a parsed address was signed for, judged against who led the measure when (`leads`,
 * links.ts leadSpells) and the keys still accepted; refused when no key signs it for a unit that
 * led the measure at its issue time, or when it is `days` old.
 */
export function verifyReply(
  p: ParsedReplyAddress,
  leads: LeadSpell[],
  keys: LinkKeys,
  now: number,
  days: number,
): { ok: true; unit: string } | { ok: false; reason: ReplyRefusal } {
  const t = p.issuedAt;
  // Spells are compared from the start of their second, as issue times are kept to the second.
  const units = leads.filter((s) => Math.floor(s.from / 1000) * 1000 <= t && (s.until === undefined || t <= s.until)).map((s) => s.unit);
  const given = Buffer.from(p.signature);
  const unit = units.find((u) =>
    [keys.current, ...keys.old].some((k) => {
      const expected = Buffer.from(signature(k, p, u));
      return expected.length === given.length && timingSafeEqual(expected, given);
    }),
  );
  if (unit === undefined) return { ok: false, reason: 'signature' };
  if (now >= t + days * 86_400_000) return { ok: false, reason: 'expired' };
  return { ok: true, unit };
}
