/**
 * Notices as mail: recipients resolved from the plan's directory at send time, one message per
 * recipient with a Message-ID derived from the notice's idempotency key, a sent-ledger so that a
 * retried activity does not send again what SMTP already accepted, transient failures retried
 * by Temporal, permanent ones reported to the inspection office once.
 */
import { chinaCalendar } from '../../domain/calendar-data';
import { deadlineIcs } from '../../domain/email/ics';
import { domainOf, listId, messageId, threadId } from '../../domain/email/headers';
import { resolveRecipients, type Recipient } from '../../domain/email/recipients';
import { renderDeliveryProblem, renderNotice, type RenderedMail } from '../../domain/email/render';
import type { DeliveryResult, Notice } from '../../domain/notice';
import type { Plan } from '../../domain/plan/schema';
import type { PlanDirectory } from './directory';
import type { SentLedger } from './sent-ledger';
import { classify, type MailMessage, type Mailer } from './transport';

export interface NoticeDelivery {
  deliver(notice: Notice): Promise<DeliveryResult>;
}

export interface MailDeliveryDeps {
  mailer: Mailer;
  ledger: SentLedger;
  plans: PlanDirectory;
  /** MAIL_FROM, e.g. "区委巡察办 整改提醒" <rectify@example.org>. */
  from: string;
  now?: () => number;
}

export class MailDelivery implements NoticeDelivery {
  private readonly domain: string;

  constructor(private readonly deps: MailDeliveryDeps) {
    this.domain = domainOf(deps.from);
  }

  async deliver(notice: Notice): Promise<DeliveryResult> {
    const plan = this.deps.plans.plan(notice.measure.planId);
    const { recipients, problems } = resolveRecipients(plan.directory, notice);
    const failures = [...problems];
    let delivered = 0;
    for (const recipient of recipients) {
      const mail = renderNotice(notice, this.context(plan, recipient));
      const outcome = await this.sendOnce(plan, notice, recipient, mail, `${notice.idempotencyKey}|${recipient.email}`);
      if (outcome === true) delivered++;
      else failures.push(outcome);
    }
    if (failures.length) await this.reportToOffice(plan, notice, failures);
    return { delivered: delivered > 0, problems: failures.length ? failures : undefined };
  }

  /** Sends one mail unless the ledger has it; true, or the permanent failure as text. Transient failures throw. */
  private async sendOnce(plan: Plan, notice: Notice, recipient: Recipient, mail: RenderedMail, key: string): Promise<true | string> {
    const id = messageId(key, this.domain);
    if (await this.deps.ledger.has(id)) return true;
    try {
      const result = await this.deps.mailer.send(this.message(plan, notice, recipient, mail, id));
      await this.deps.ledger.record(id, { to: recipient.email, key, response: result.response });
      return true;
    } catch (e) {
      if (classify(e) === 'transient') throw e;
      return `${recipient.name} <${recipient.email}>: ${(e as Error).message}`;
    }
  }

  private async reportToOffice(plan: Plan, notice: Notice, failures: string[]): Promise<void> {
    const office = plan.directory.office;
    for (const email of office.emails) {
      const recipient: Recipient = { email, name: office.name, audience: 'office' };
      const mail = renderDeliveryProblem(notice, failures, this.context(plan, recipient));
      const outcome = await this.sendOnce(plan, { ...notice, kind: notice.kind }, recipient, mail, `problem|${notice.idempotencyKey}|${email}`);
      if (outcome !== true) console.error(`rectify: 无法通知巡察办 ${email}: ${outcome}`);
    }
  }

  private context(plan: Plan, recipient: Recipient) {
    return { recipient, office: plan.directory.office, now: (this.deps.now ?? Date.now)(), calendar: chinaCalendar({ ...plan.calendar, unpublishedYears: 'weekdays' }) };
  }

  private message(plan: Plan, notice: Notice, recipient: Recipient, mail: RenderedMail, id: string): MailMessage {
    const thread = threadId(plan.id, notice.measure.id, this.domain);
    const ics = deadlineIcs(notice, this.domain);
    return {
      from: this.deps.from,
      to: { name: recipient.name, address: recipient.email },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: id,
      inReplyTo: thread,
      references: [thread],
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Rectify-Key': notice.idempotencyKey },
      list: { id: listId(plan.id, plan.title, this.domain) },
      attachments: ics ? [{ filename: ics.filename, content: ics.content, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] : undefined,
    };
  }
}
