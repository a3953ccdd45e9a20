/**
 * Mail identity: a Message-ID derived from the business idempotency key (the same notice always
 * has the same id, so a retry is recognisable), one thread per measure, one list per plan.
 */
import { createHash } from 'node:crypto';

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

export function messageId(idempotencyKey: string, domain: string): string {
  return `<${hash(idempotencyKey)}@${domain}>`;
}

/** The thread root of a measure: every mail about it refers to this id. */
export function threadId(planId: string, measureId: string, domain: string): string {
  return `<measure.${hash(`${planId}:${measureId}`).slice(0, 16)}.${measureId}@${domain}>`;
}

/** List-Id of a plan: its id, and its title as the list's name. */
export function listId(planId: string, planTitle: string, domain: string): { url: string; comment: string } {
  return { url: `${planId}.rectify.${domain}`, comment: planTitle };
}

/** The address of a sender such as `"整改提醒" <rectify@example.org>`. */
export function addressOf(from: string): string | undefined {
  return /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? /([^\s<>()"]+@[^\s<>()"]+)/.exec(from)?.[1];
}

/** The domain of a sender such as `"整改提醒" <rectify@example.org>` or `rectify@example.org (整改提醒)`, for ids. */
export function domainOf(from: string): string | undefined {
  const address = /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? /([^\s<>()"]+@[^\s<>()"]+)/.exec(from)?.[1];
  const domain = address?.split('@')[1];
  return domain && /^[a-z0-9.-]+\.[a-z]{2,}$|^localhost$/i.test(domain) ? domain.toLowerCase() : undefined;
}
