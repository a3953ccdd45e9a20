/**
 * One reply by mail, taken as its lead unit's request: the reply address says which measure and
 * which unit (signed, reply-address.ts); the sender must be one of that unit's registered
 * addresses; the new text (the reply parser's, domain/email/inbound.ts) becomes a progress report
 * by 单位·X（经邮件回复）, its attachments evidence under the web's rules, and a reply whose
 * subject or first line says 已完成 / 申请销号 with files is offered to the office as a completion
 * to verify. Every refusal changes nothing and is answered in Chinese; automatic mail (auto-replies,
 * bounces) is never answered. A failure to reach Temporal throws, and the SMTP server answers
 * 451 so the sending server tries again.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import EmailReplyParser from 'email-reply-parser';
import { measureWorkflowId } from '../../contracts/ids';
import { getDetailsQuery, reportProgressUpdate, submitCompletionUpdate } from '../../contracts/messages';
import type { MeasureDetails } from '../../contracts/measure';
import { localDate } from '../../domain/dates';
import { evidenceRef, MAX_FILE_BYTES, MAX_FILES, sizeWords } from '../../domain/evidence';
import { leadSpells } from '../../domain/links';
import type { LinkKeys } from '../../domain/links';
import type { Actor } from '../../domain/notice';
import {
  acceptedWords,
  automaticReason,
  inboundAnswer,
  refusalWords,
  replyIntent,
  replyText,
  type InboundAccepted,
  type InboundRefusal,
} from '../../domain/email/inbound';
import { addressOf } from '../../domain/email/headers';
import { parseReplyAddress, verifyReply } from '../../domain/email/reply-address';
import type { PlanSource } from '../../activities/ports';
import type { Mailer } from '../../activities/mail/transport';
import { RequestRefused, sendRequest } from '../actions';
import { UploadError, type EvidenceStore, type StagedFile } from '../web/evidence-store';

export interface InboundDeps {
  client: Client;
  plans: PlanSource;
  evidence: EvidenceStore;
  keys: LinkKeys;
  /** How long a reply address lasts from its notice (the links' days). */
  days: number;
  /** RECTIFY_INBOUND_DOMAIN: the domain of reply addresses. */
  domain: string;
  /** Sends the answers (the outgoing mail the worker uses). */
  mailer: Mailer;
  /** MAIL_FROM: sends the answers (envelope and Sender); they come from the plan's office. */
  from: string;
  /** RECTIFY_SYSTEM_NAME: who answers a reply whose plan is unknown. */
  systemName: string;
  now: () => number;
}

export interface Envelope {
  from: string;
  to: string[];
}

/** What became of one mail: for the SMTP log and the tests. */
export type InboundOutcome =
  | { kind: 'ignored'; why: string }
  /** `unit`: the unit the reply address was signed for, once it is known (the answer greets it). */
  | { kind: 'refused'; refusal: InboundRefusal; planId?: string; measureId?: string; unit?: string }
  | { kind: 'accepted'; accepted: InboundAccepted; planId: string; measureId: string; title: string; unit: string };

const parser = new EmailReplyParser();

const firstAddress = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a[0] : a)?.value[0]?.address?.trim().toLowerCase() ?? '';

const header = (mail: ParsedMail, name: string): string | undefined => {
  const v = mail.headers.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'value' in v) return String((v as { value: unknown }).value);
  return String(v);
};

/** Files a person attached: inline pictures of a signature or a quoted mail are not evidence. */
const attachedFiles = (mail: ParsedMail) => mail.attachments.filter((a) => a.contentDisposition === 'attachment' || !a.related);

export class InboundReplies {
  constructor(private readonly deps: InboundDeps) {}

  async handle(raw: Buffer, envelope: Envelope): Promise<InboundOutcome> {
    const mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
    const subject = mail.subject ?? '';
    const automatic = automaticReason({
      envelopeFrom: envelope.from,
      autoSubmitted: header(mail, 'auto-submitted'),
      precedence: header(mail, 'precedence'),
      xAutoreply: header(mail, 'x-autoreply'),
      xAutorespond: header(mail, 'x-autorespond'),
      contentType: header(mail, 'content-type'),
      subject,
    });
    if (automatic) return { kind: 'ignored', why: automatic };
    const sender = firstAddress(mail.from);
    if (!sender) return { kind: 'ignored', why: 'no From' };
    const outcome = await this.take(mail, envelope, sender);
    await this.answer(mail, sender, outcome);
    return outcome;
  }

  private async take(mail: ParsedMail, envelope: Envelope, sender: string): Promise<InboundOutcome> {
    const { deps } = this;
    const parsed = envelope.to.map((to) => parseReplyAddress(to, deps.domain)).find((p) => p !== undefined);
    if (!parsed) return { kind: 'refused', refusal: { reason: 'address' } };
    const about = { planId: parsed.planId, measureId: parsed.measureId };
    let d: MeasureDetails;
    try {
      // The measure's details alone (its record and timeline are not needed to judge a reply).
      d = await deps.client.workflow.getHandle(measureWorkflowId(parsed.planId, parsed.measureId)).query(getDetailsQuery);
    } catch (e) {
      // An address for a measure that never ran is as unknown as a tampered one.
      if (e instanceof WorkflowNotFoundError) return { kind: 'refused', refusal: { reason: 'address' } };
      throw e;
    }
    const verified = verifyReply(parsed, leadSpells(d), deps.keys, deps.now(), deps.days);
    if (!verified.ok)
      return {
        kind: 'refused',
        ...about,
        refusal: verified.reason === 'expired' ? { reason: 'expired', days: deps.days } : { reason: 'address' },
      };
    const unit = verified.unit;
    const known = { ...about, unit };
    if (d.withdrawn) return { kind: 'refused', ...known, refusal: { reason: 'withdrawn' } };
    if (d.progress.status === 'closed') return { kind: 'refused', ...known, refusal: { reason: 'closed' } };
    if (d.leadUnit !== unit) return { kind: 'refused', ...known, refusal: { reason: 'reassigned', leadUnit: d.leadUnit } };
    const plan = await deps.plans.plan(parsed.planId);
    const registered = plan.directory.units.find((u) => u.name === unit)?.emails.map((e) => e.toLowerCase()) ?? [];
    if (!registered.includes(sender)) return { kind: 'refused', ...known, refusal: { reason: 'stranger', sender, unit } };

    const text = replyText(parser.parseReply(mail.text ?? ''));
    const attached = attachedFiles(mail);
    const staged: StagedFile[] = [];
    try {
      if (attached.length > MAX_FILES) throw new UploadError(413, `附件最多${MAX_FILES}个`);
      let budget = Number.MAX_SAFE_INTEGER;
      for (const a of attached) {
        const name = a.filename ?? '附件';
        if (a.size > MAX_FILE_BYTES) throw new UploadError(413, `“${name}”超过单个文件${sizeWords(MAX_FILE_BYTES)}的上限`);
        const file = await deps.evidence.stage(name, Readable.from(a.content), budget);
        staged.push(file);
        budget -= file.size;
      }
    } catch (e) {
      deps.evidence.discard(staged);
      if (e instanceof UploadError) return { kind: 'refused', ...known, refusal: { reason: 'file', message: e.message } };
      throw e;
    }
    const intent = replyIntent(mail.subject ?? '', text, staged.length);
    if (!text && !staged.length) return { kind: 'refused', ...known, refusal: { reason: 'empty' } };

    const actor: Actor = { role: 'unit', who: unit, via: 'mail' };
    const owner = { planId: parsed.planId, measureId: parsed.measureId, by: `unit:${unit}`, at: new Date(deps.now()).toISOString() };
    await deps.evidence.commit(staged, owner);
    const refs = staged.map(evidenceRef);
    // The same mail delivered twice (a sending server that did not see our answer) is one request.
    const updateId = `mail:${mailKey(mail).slice(0, 32)}`;
    const id = measureWorkflowId(parsed.planId, parsed.measureId);
    try {
      if (intent.kind === 'completion')
        await sendRequest(
          deps.client,
          id,
          submitCompletionUpdate,
          { actor, evidence: refs, ...(text ? { note: text } : {}) },
          { updateId },
        );
      else
        await sendRequest(deps.client, id, reportProgressUpdate, { actor, note: [text || '（见附件）', ...refs].join('\n') }, { updateId });
    } catch (e) {
      if (e instanceof RequestRefused) {
        await deps.evidence.rollback(staged, owner);
        return { kind: 'refused', ...known, refusal: { reason: 'request', message: e.message } };
      }
      throw e;
    }
    const accepted: InboundAccepted =
      intent.kind === 'completion'
        ? { kind: 'completion', files: staged.length }
        : { kind: 'progress', files: staged.length, completionWithoutFiles: intent.completionWithoutFiles };
    return { kind: 'accepted', accepted, planId: parsed.planId, measureId: parsed.measureId, title: d.spec.title, unit };
  }

  /** The sender's answer, from the office (sent by MAIL_FROM): what the reply became, or why it changed nothing. */
  private async answer(mail: ParsedMail, sender: string, outcome: InboundOutcome): Promise<void> {
    if (outcome.kind === 'ignored') return;
    const { deps } = this;
    const plan = outcome.planId ? await deps.plans.plan(outcome.planId).catch(() => undefined) : undefined;
    const office = plan?.directory.office;
    const lines =
      outcome.kind === 'accepted'
        ? acceptedWords(outcome.accepted, { id: outcome.measureId, title: outcome.title })
        : [refusalWords(outcome.refusal)];
    const words = inboundAnswer({
      // A stranger is not greeted as the unit it wrote for.
      to: outcome.kind === 'accepted' ? outcome.unit : outcome.unit && outcome.refusal.reason !== 'stranger' ? outcome.unit : '您好',
      subject: mail.subject ?? '',
      lines,
      refused: outcome.kind === 'refused',
      office: office ?? { name: deps.systemName, emails: [] },
      today: localDate(deps.now(), plan?.timeZone ?? 'Asia/Shanghai'),
    });
    const system = addressOf(deps.from)!;
    await deps.mailer.send({
      from: office ? { name: office.name, address: office.emails[0] } : { name: deps.systemName, address: system },
      ...(office ? { sender: deps.from, replyTo: office.emails.map((address) => ({ name: office.name, address })) } : {}),
      to: sender,
      envelope: { from: system, to: [sender] },
      subject: words.subject,
      text: words.text,
      messageId: `<answer.${mailKey(mail).slice(0, 24)}@${deps.domain}>`,
      ...(mail.messageId ? { inReplyTo: mail.messageId, references: [mail.messageId] } : {}),
      // RFC 3834: an answer by a program, which no one answers in turn.
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    });
  }
}

/** A mail's key: its Message-ID, or its content when it has none. */
function mailKey(mail: ParsedMail): string {
  const known = mail.messageId ?? `${mail.subject ?? ''}\n${mail.date?.toISOString() ?? ''}\n${mail.text ?? ''}`;
  return createHash('sha256').update(known).digest('hex');
}
