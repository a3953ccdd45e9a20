/**
 * Notices as mail: recipients resolved from the plan's directory at send time, one message per
 * recipient with a Message-ID derived from the notice's idempotency key, a sent-ledger so that a
 * retried activity does not send again what SMTP already accepted, transient failures retried
 * by Temporal, permanent ones reported to the inspection office once. Mail to the office comes
 * from the system, the rest from the office (`sender`). One class because every kind of mail
 * (notice, digest, alert, the week, a report of what failed) goes through the same recipients,
 * sender, rendering context, sent-ledger and failure handling.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { WorkCalendar } from '../../domain/calendar';
import { chinaCalendar } from '../../domain/calendar-data';
import { SEND_WINDOW_MS } from '../../domain/planner';
import type { DigestBatch, PreparedNotice, RollupDigestResult, WeeklyDigestResult, WithdrawnNotice } from '../../contracts/activities';
import type { WeeklyDigest } from '../../domain/weekly';
import type { RollupWeek } from '../../domain/rollup-weekly';
import { digestWorkflowId, ROLLUP_DIGEST_SCHEDULE_ID, rollupDigestKey, weeklyDigestKey, WORKFLOW } from '../../contracts/ids';
import type { DigestInput, RollupDigestInput } from '../../contracts/inputs';
import { renderRollupDigest } from '../../domain/email/rollup-digest';
import { addToDigestSignal, withdrawFromDigestUpdate } from '../../contracts/messages';
import type { NoticeDelivery, PlanSource } from '../ports';
import { log } from '../log';
import { deadlineIcs } from '../../domain/email/ics';
import { addressOf, domainOf, listId, messageId, threadId } from '../../domain/email/headers';
import { recipientChannels, resolveRecipients, type Recipient } from '../../domain/email/recipients';
import { ApplicationFailure } from '@temporalio/common';
import { postToRobot, type RobotHosts } from '../chat/robots';
import { chatBody } from '../../domain/chat/payload';
import { PLATFORMS, robotPlatforms, type ChatPlatform, type SecretRef } from '../../domain/chat/platforms';
import { chatCalendarAlert, chatDeliveryProblem, chatDigest, chatNotice, chatWeekly, type ChatText } from '../../domain/chat/render';
import { countDelivery } from '../metrics';
import { DEFAULT_SYSTEM_NAME, fromSystem } from '../../domain/email/wording';
import {
  renderCalendarAlert,
  renderDeliveryProblem,
  renderDigest,
  renderNotice,
  renderWeeklyDigest,
  type MailLink,
  type RenderContext,
  type RenderedMail,
} from '../../domain/email/render';
import { linkActionLabel, linkUrl, signLink, unitActions, type LinkKeys } from '../../domain/links';
import { replyAddress } from '../../domain/email/reply-address';
import type { CalendarAlert } from '../../domain/calendar-alerts';
import type { DeliveryChannel, DeliveryResult, Notice, SentCopy } from '../../domain/notice';
import { digestSlot, NOTICE_KINDS } from '../../domain/vocabulary';
import type { StoredPlan as Plan } from '../../domain/plan/stored';
import type { SentLedger } from './sent-ledger';
import { classify, type MailMessage, type Mailer } from './transport';

export interface MailDeliveryDeps {
  mailer: Mailer;
  ledger: SentLedger;
  /** Where the plans' directories come from: the plans stored in Temporal (and files, for older plans). */
  plans: PlanSource;
  /** MAIL_FROM, e.g. "区委巡察办 整改提醒" <rectify@example.org>: sends every mail; mail to the office comes from its address. */
  from: string;
  /** RECTIFY_SYSTEM_NAME: the sender's name and the 落款 of mail to the office (default 巡视整改督办系统). */
  systemName?: string;
  /** RECTIFY_PUBLIC_URL: mail to the office links to the measure's page on its desk there; absent: no such link. */
  deskUrl?: string;
  /** Merge scheduled notices per recipient and send time into one mail, through digest workflows. */
  digests?: { client: Client; taskQueue: string };
  /** Signed links for lead units to act from their mail (RECTIFY_PUBLIC_URL, RECTIFY_LINK_SECRET); absent: none. */
  links?: MailLinks;
  /** Group robots beside mail: where each platform is reached and how a robot's secret is read; absent: mail only. */
  chat?: { hosts: RobotHosts; secret: (ref: SecretRef) => string };
}

export interface MailLinks {
  /** Where the web is reached from the recipients' side. */
  baseUrl: string;
  keys: LinkKeys;
  /** How long a link lasts from the moment its notice was decided (and a reply address). */
  days: number;
  /** RECTIFY_INBOUND_DOMAIN: a lead unit's mail carries a reply address there (`rectify inbound` takes the replies); absent: none. */
  replyDomain?: string;
}

/**
 * A lead unit's links for one notice: one per action it may take now, signed for this measure,
 * unit and deadline version. The expiry counts from when the notice was decided, so a retried
 * send renders the same mail.
 */
export function noticeLinks(n: Notice, links: MailLinks): MailLink[] {
  const m = n.measure;
  const actions = unitActions(m);
  if (!actions.length) return [];
  const claims = {
    planId: m.planId,
    measureId: m.id,
    unit: m.leadUnit,
    actions,
    deadlineVersion: m.deadlineVersion,
    expiresAt: Date.parse(n.decidedAt) + links.days * 86_400_000,
    // The unit led the measure when the notice was decided: a link is only ever its unit's.
    issuedAt: Date.parse(n.decidedAt),
  };
  const token = signLink(claims, links.keys.current);
  return actions.map((a) => ({ label: linkActionLabel(a), url: linkUrl(links.baseUrl, claims, token, a), action: a }));
}

/**
 * The address a lead unit replies to about one notice's measure (domain/email/reply-address.ts):
 * signed for the unit that leads it as the notice was decided; none once the unit can do nothing.
 */
export function noticeReplyAddress(n: Notice, links: MailLinks): string | undefined {
  const m = n.measure;
  if (!links.replyDomain || !unitActions(m).length) return undefined;
  const claims = { planId: m.planId, measureId: m.id, issuedAt: Date.parse(n.decidedAt) };
  return replyAddress(claims, m.leadUnit, links.keys.current, links.replyDomain);
}

/** A plan's overview on the desk (its ledger and report a click away); reading needs an account. */
export function planPageUrl(baseUrl: string, planId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/?plan=${encodeURIComponent(planId)}`;
}

/** The roll-up of every district on the desk (client/web/rollup-routes.ts); reading needs an account. */
export function rollupPageUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/rollup`;
}

/** A measure's page on the office's desk (client/web/server.ts serves it; acting there needs the office's sign-in). */
export function measurePageUrl(baseUrl: string, planId: string, measureId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/measures/${encodeURIComponent(planId)}/${encodeURIComponent(measureId)}`;
}

/** Whether a mail joins its measure's thread, and which notices' deadlines it carries as .ics. */
interface MailExtras {
  thread: boolean;
  ics: Notice[];
}

/** What a mail is about: the notice's key (X-Rectify-Key) and the measure whose thread it joins. */
interface MailSubject {
  key: string;
  measureId?: string;
}
const about = (n: Notice): MailSubject => ({ key: n.idempotencyKey, measureId: n.measure.id });

/** A recipient's robot as the office reads it in a report: 区发改委的企业微信群机器人. */
const robotName = (r: Recipient, platform: ChatPlatform): string => `${r.name}的${PLATFORMS[platform].label}群机器人`;

export class MailDelivery implements NoticeDelivery {
  private readonly domain: string;

  constructor(private readonly deps: MailDeliveryDeps) {
    const domain = domainOf(deps.from);
    if (!domain) throw new Error(`MAIL_FROM 无效：${deps.from}（应为 rectify@example.org 或“名称”<rectify@example.org>）`);
    this.domain = domain;
  }

  async deliver(notice: Notice): Promise<DeliveryResult> {
    const plan = await this.deps.plans.plan(notice.measure.planId);
    const { recipients, problems } = resolveRecipients(plan.directory, notice);
    const failures = [...problems];
    const sent: SentCopy[] = [];
    /** Recipients mailed now (not through a digest, which tells their robots itself), with the copy their mail made. */
    const robots: { recipient: Recipient; mailed?: SentCopy }[] = [];
    for (const recipient of recipients) {
      const copy = { name: recipient.name, email: recipient.email, audience: recipient.audience };
      const slot = this.deps.digests ? digestSlot(notice) : undefined;
      const digest = slot === undefined ? undefined : await this.handToDigest(notice, recipient, slot);
      if (digest) {
        sent.push({ ...copy, digest, ...this.digestChannels(plan, recipient) });
        continue;
      }
      const mail = renderNotice(notice, this.context(plan, recipient, notice));
      const outcome = await this.sendOnce(plan, about(notice), recipient, mail, `${notice.idempotencyKey}|${recipient.email}`, {
        thread: true,
        ics: [notice],
      });
      if (typeof outcome === 'string') failures.push(outcome);
      const mailed = typeof outcome === 'string' ? undefined : { ...copy, messageId: outcome.messageId };
      if (mailed) sent.push(mailed);
      robots.push({ recipient, mailed });
    }
    // The robots after every mail: a throttled robot retries the activity, never delays a mailbox.
    for (const { recipient, mailed } of robots) {
      const ctx = this.context(plan, recipient, notice);
      const told = await this.tellRobots(plan, recipient, (p) => chatNotice(notice, ctx, p), `${notice.idempotencyKey}|${recipient.email}`);
      failures.push(...told.problems);
      if (!told.posted.length) continue;
      // The copy says what carried it: its mail and robots, or its robots alone when the mail was refused.
      if (mailed) mailed.channels = ['mail', ...told.posted];
      else sent.push({ name: recipient.name, email: recipient.email, audience: recipient.audience, channels: told.posted });
    }
    if (failures.length) await this.reportToOffice(plan, notice, failures);
    return { delivered: sent.length > 0, problems: failures.length ? failures : undefined, sent };
  }

  /**
   * A scheduled notice into its recipients' digests before its send instant, which then send it at
   * that instant without waiting for it: the morning's mail no longer waits for every measure to
   * wake. Not prepared (delivered at its instant as usual) for a kind that goes alone, a catch-up,
   * an instant already past, or a digest of that instant already closed.
   */
  async prepare(notice: Notice): Promise<PreparedNotice> {
    const sendAt = Date.parse(notice.plannedAt);
    if (!this.deps.digests) return { prepared: false, reason: 'no-digests' };
    if (!NOTICE_KINDS[notice.kind].digest || notice.catchUp) return { prepared: false, reason: 'alone' };
    if (Date.now() >= sendAt) return { prepared: false, reason: 'late' };
    const plan = await this.deps.plans.plan(notice.measure.planId);
    const { recipients, problems } = resolveRecipients(plan.directory, notice);
    const sent: SentCopy[] = [];
    for (const recipient of recipients) {
      const digest = await this.handToDigest(notice, recipient, sendAt, sendAt);
      if (!digest) {
        // All or nothing: what was handed goes back, and the notice goes at its instant.
        await this.withdraw(notice.idempotencyKey, sent);
        return { prepared: false, reason: 'closed' };
      }
      sent.push({
        name: recipient.name,
        email: recipient.email,
        audience: recipient.audience,
        digest,
        ...this.digestChannels(plan, recipient),
      });
    }
    if (problems.length) await this.reportToOffice(plan, notice, problems);
    return { prepared: true, result: { delivered: sent.length > 0, problems: problems.length ? problems : undefined, sent } };
  }

  /**
   * A prepared notice back out of its digests: the copies that had already gone out (a change
   * that came too close to the send instant). A digest no longer running has sent what it had.
   */
  async withdraw(key: string, copies: SentCopy[]): Promise<WithdrawnNotice> {
    const { client } = this.deps.digests!;
    const sent: SentCopy[] = [];
    for (const copy of copies.filter((c) => c.digest)) {
      const outcome = await client.workflow
        .getHandle(copy.digest!)
        .executeUpdate(withdrawFromDigestUpdate, { args: [key] })
        .catch((e: Error) => {
          if (e instanceof WorkflowNotFoundError) return 'sent' as const;
          throw e;
        });
      if (outcome === 'sent') sent.push(copy);
    }
    return { sent };
  }

  /**
   * Into the digest of this recipient and send time `slot` (started if need be; digestSlot says
   * which): the digest's workflow id. Undefined when that digest has already closed (a late
   * notice): then the notice goes out on its own.
   * `sendAt`: a notice prepared ahead of its instant, which the digest holds until then.
   */
  private async handToDigest(notice: Notice, recipient: Recipient, slot: number, sendAt?: number): Promise<string | undefined> {
    const { client, taskQueue } = this.deps.digests!;
    // By name: activities do not import workflow code.
    const input: DigestInput = {
      planId: notice.measure.planId,
      recipient,
      windowEndsAt: new Date(slot + SEND_WINDOW_MS).toISOString(),
      ...(sendAt === undefined ? {} : { sendAt: new Date(sendAt).toISOString() }),
    };
    const workflowId = digestWorkflowId(notice.measure.planId, slot, recipient.email);
    // Measures of one morning hand to the same digest at once. A start that lost that race is told
    // "already started" (the time-skipping test server says so even for a running digest): asked
    // once more, a running digest takes the signal; a closed one refuses again.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.workflow.signalWithStart(WORKFLOW.digest, {
          workflowId,
          taskQueue,
          args: [input],
          signal: addToDigestSignal,
          signalArgs: [notice],
          // A digest that failed (or was terminated) may be started again; one that completed is closed.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        });
        return workflowId;
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
        if (attempt >= 2) return undefined;
      }
    }
  }

  /** One mail for a recipient's batch; a batch of one is the notice's own mail. */
  async sendDigest(batch: DigestBatch): Promise<DeliveryResult> {
    const plan = await this.deps.plans.plan(batch.planId);
    const [first] = batch.notices;
    const single = batch.notices.length === 1;
    const last = batch.notices.reduce((a, b) => (a.decidedAt >= b.decidedAt ? a : b));
    const mail = single
      ? renderNotice(first, this.context(plan, batch.recipient, first))
      : renderDigest(batch.notices, this.context(plan, batch.recipient, last));
    const key = single ? `${first.idempotencyKey}|${batch.recipient.email}` : `digest|${batch.digestKey}`;
    const outcome = await this.sendOnce(plan, about(first), batch.recipient, mail, key, { thread: single, ics: batch.notices });
    const ctx = this.context(plan, batch.recipient, last);
    const { problems: robots } = await this.tellRobots(
      plan,
      batch.recipient,
      (p) => (single ? chatNotice(first, ctx, p) : chatDigest(batch.notices, ctx, p)),
      key,
    );
    const measures = batch.notices.map((n) => n.measure.id).join('、');
    const report = [
      ...(typeof outcome === 'string' ? [`${outcome}（汇总邮件，涉及措施${measures}）`] : []),
      ...robots.map((r) => `${r}（涉及措施${measures}）`),
    ];
    if (report.length) await this.reportToOffice(plan, first, report);
    if (typeof outcome === 'string') return { delivered: false, problems: [outcome, ...robots] };
    return { delivered: true, ...(robots.length ? { problems: robots } : {}) };
  }

  /** To the office, once per plan and year: a year's holiday arrangement is missing (calendar watch). */
  async alertOffice(alert: CalendarAlert): Promise<DeliveryResult> {
    const plan = await this.deps.plans.plan(alert.planId);
    const office = plan.directory.office;
    const failures: string[] = [];
    let reached = 0;
    const recipients = office.emails.map((email): Recipient => ({ email, name: office.name, audience: 'office' }));
    const ctx = (recipient: Recipient) => ({ ...this.context(plan, recipient), now: Date.parse(`${alert.asOf}T12:00:00Z`) });
    for (const recipient of recipients) {
      const mail = renderCalendarAlert(alert, plan.title, ctx(recipient));
      const key = `${alert.idempotencyKey}|${recipient.email}`;
      const outcome = await this.sendOnce(plan, { key: alert.idempotencyKey }, recipient, mail, key, { thread: false, ics: [] });
      if (typeof outcome === 'string') failures.push(outcome);
      else reached++;
    }
    // The office's robots after its mail, as for a notice; one that refuses is in the log with the mail that failed.
    for (const recipient of recipients) {
      const key = `${alert.idempotencyKey}|${recipient.email}`;
      const told = await this.tellRobots(plan, recipient, () => chatCalendarAlert(alert, plan.title, ctx(recipient)), key);
      failures.push(...told.problems);
      reached += told.posted.length;
    }
    if (failures.length) log.error('节假日安排提醒未能送达巡察办', { planId: alert.planId, year: alert.year, failures });
    // Told once it reached a mailbox or a robot of the office; otherwise the watch tries again the next morning.
    return { delivered: reached > 0, problems: failures.length ? failures : undefined };
  }

  /** The week to the leadership group and the office: one mail per address, once per week (its key). */
  async sendWeekly(week: WeeklyDigest): Promise<WeeklyDigestResult> {
    const plan = await this.deps.plans.plan(week.planId);
    const { leadershipGroup, office } = plan.directory;
    const recipients: Recipient[] = [
      ...leadershipGroup.emails.map((email) => ({ email, name: leadershipGroup.name, audience: 'leadershipGroup' as const })),
      ...office.emails.map((email) => ({ email, name: office.name, audience: 'office' as const })),
    ].filter((r, i, all) => all.findIndex((x) => x.email.toLowerCase() === r.email.toLowerCase()) === i);
    const sent: string[] = [];
    const problems: string[] = [];
    for (const recipient of recipients) {
      const key = weeklyDigestKey(plan.id, week.to, recipient.email);
      const mail = renderWeeklyDigest(week, this.context(plan, recipient));
      const outcome = await this.sendOnce(plan, { key }, recipient, mail, key, { thread: false, ics: [] });
      if (typeof outcome === 'string') problems.push(outcome);
      else sent.push(recipient.email);
    }
    // Their robots after all the mail, as for a notice; one that refuses is in the log with the mail that failed.
    const robots: string[] = [];
    for (const recipient of recipients) {
      const key = weeklyDigestKey(plan.id, week.to, recipient.email);
      const ctx = this.context(plan, recipient);
      const told = await this.tellRobots(plan, recipient, (p) => chatWeekly(week, ctx, p), key);
      problems.push(...told.problems);
      robots.push(...told.posted.map((p) => robotName(recipient, p)));
    }
    if (problems.length) log.error('领导小组周报未能送达', { planId: plan.id, week: week.to, problems });
    return { sent, open: week.open, ...(robots.length ? { robots } : {}), ...(problems.length ? { problems } : {}) };
  }

  /**
   * The week of every district to the office that follows them (one mail per address, once per
   * week: its key). It is not any plan's mail: it comes from the system, as all mail to an office.
   */
  async sendRollupWeekly(week: RollupWeek, to: RollupDigestInput['recipients']): Promise<RollupDigestResult> {
    const emails = to.emails.filter((e, i, all) => all.findIndex((x) => x.toLowerCase() === e.toLowerCase()) === i);
    const sent: string[] = [];
    const problems: string[] = [];
    for (const email of emails) {
      const recipient: Recipient = { email, name: to.name, audience: 'office' };
      const ctx: RenderContext = {
        recipient,
        office: { name: to.name, emails },
        systemName: this.systemName,
        now: Date.now(),
        calendar: chinaCalendar({ unpublishedYears: 'statutory' }),
        timeZone: week.timeZone,
      };
      const mail = renderRollupDigest(week, ctx, this.deps.deskUrl ? rollupPageUrl(this.deps.deskUrl) : undefined);
      const key = rollupDigestKey(week.to, email);
      const outcome = await this.sendMessage(recipient, key, (id) => ({
        from: { name: this.systemName, address: addressOf(this.deps.from)! },
        envelope: { from: addressOf(this.deps.from), to: [email] },
        to: { name: to.name, address: email },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: id,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Rectify-Key': key },
        list: { id: listId(ROLLUP_DIGEST_SCHEDULE_ID, week.title || '各地区整改周报', this.domain) },
      }));
      if (typeof outcome === 'string') problems.push(outcome);
      else sent.push(email);
    }
    if (problems.length) log.error('各地区周报未能送达', { week: week.to, problems });
    return { sent, districts: week.rollup.districts.length, moved: week.moved.length, ...(problems.length ? { problems } : {}) };
  }

  async reportUndelivered(batch: DigestBatch & { reason: string }): Promise<void> {
    const plan = await this.deps.plans.plan(batch.planId);
    const measures = batch.notices.map((n) => n.measure.id).join('、');
    await this.reportToOffice(plan, batch.notices[0], [
      `${batch.recipient.name} <${batch.recipient.email}>: 一天内未能发出（${batch.reason}），涉及措施${measures}`,
    ]);
  }

  /** Sends one mail unless the ledger has it; its Message-ID, or the permanent failure as text. Transient failures throw. */
  private async sendOnce(
    plan: Plan,
    subject: MailSubject,
    recipient: Recipient,
    mail: RenderedMail,
    key: string,
    extras: MailExtras,
  ): Promise<{ messageId: string } | string> {
    return this.sendMessage(recipient, key, (id) => this.message(plan, subject, recipient, mail, id, extras));
  }

  /** The same for a message built from its Message-ID: sent unless the ledger has it. */
  private async sendMessage(
    recipient: Recipient,
    key: string,
    build: (id: string) => MailMessage,
  ): Promise<{ messageId: string } | string> {
    const id = messageId(key, this.domain);
    if (await this.deps.ledger.has(id)) return { messageId: id };
    let response: string;
    try {
      response = (await this.deps.mailer.send(build(id))).response;
    } catch (e) {
      if (classify(e) === 'transient') throw e;
      return `${recipient.name} <${recipient.email}>: ${(e as Error).message}`;
    }
    // Accepted: a failure to write the ledger now must not make a retry send it again.
    await this.deps.ledger
      .record(id, { to: recipient.email, key, channel: 'mail', response })
      .catch((e: Error) => log.error('已发送但未能记入发送台账', { messageId: id, key, error: e.message }));
    return { messageId: id };
  }

  /**
   * The recipient's group robots (its directory entry's, told once by its first address): each
   * message posted once — the post's key is kept like an SMTP acceptance (the attempt's heartbeat
   * details and the sent-ledger), so a retry skips it. A throttled robot retries the activity after
   * the platform's wait; one that refuses for good is a line for the office; a failure is retried.
   * What it says: those lines, and the platforms that have the message (now or on an earlier attempt).
   */
  private async tellRobots(
    plan: Plan,
    recipient: Recipient,
    text: (platform: ChatPlatform) => ChatText,
    key: string,
  ): Promise<{ problems: string[]; posted: ChatPlatform[] }> {
    const chat = this.deps.chat;
    if (!chat) return { problems: [], posted: [] };
    const problems: string[] = [];
    const posted: ChatPlatform[] = [];
    const channels = recipientChannels(plan.directory, recipient);
    for (const [i, channel] of channels.entries()) {
      const id = `chat|${key}|${i}`;
      if (await this.deps.ledger.has(id)) {
        posted.push(channel.platform);
        continue;
      }
      const robot = robotName(recipient, channel.platform);
      let answer;
      try {
        answer = await postToRobot(channel, chatBody(channel, text(channel.platform)), chat.secret, chat.hosts);
      } catch (e) {
        // A secret that cannot be read here is the machine's to fix: the office is told, the mail has gone.
        countDelivery(channel.platform, 'refused');
        problems.push(`${robot}：${(e as Error).message}`);
        continue;
      }
      countDelivery(channel.platform, answer.outcome);
      if (answer.outcome === 'accepted') {
        posted.push(channel.platform);
        await this.deps.ledger
          .record(id, { to: robot, key, channel: channel.platform })
          .catch((e: Error) => log.error('已发到群机器人但未能记入发送台账', { key: id, error: e.message }));
        continue;
      }
      if (answer.outcome === 'refused') problems.push(`${robot}：${answer.message}（${answer.code}）`);
      else if (answer.outcome === 'throttled')
        throw ApplicationFailure.create({
          message: `${robot}限流（${answer.code} ${answer.message}），${Math.round(answer.waitMs / 1000)}秒后再发`,
          type: 'ChatThrottled',
          nextRetryDelay: answer.waitMs,
        });
      else throw new Error(`${robot}暂时无法送达：${answer.message}（${answer.code}）`);
    }
    return { problems, posted: robotPlatforms(posted.map((platform) => ({ platform }))) };
  }

  /** What a digest this recipient's copy joined goes by: its mail, and its robots when it has any (absent: mail alone). */
  private digestChannels(plan: Plan, recipient: Recipient): { channels?: DeliveryChannel[] } {
    const robots = this.deps.chat ? robotPlatforms(recipientChannels(plan.directory, recipient)) : [];
    return robots.length ? { channels: ['mail', ...robots] } : {};
  }

  /**
   * To the office, by mail and then its robots, once per notice, failure and address. What fails
   * here is logged, never reported again: a report about the office's own robot must not start
   * another report to it.
   */
  private async reportToOffice(plan: Plan, notice: Notice, failures: string[]): Promise<void> {
    const office = plan.directory.office;
    // One report per notice, failure and office address: a different failure is reported too.
    const failure = createHash('sha256').update(failures.join('\n')).digest('hex').slice(0, 16);
    const recipients = office.emails.map((email): Recipient => ({ email, name: office.name, audience: 'office' }));
    const key = (r: Recipient) => `problem|${notice.idempotencyKey}|${failure}|${r.email}`;
    for (const recipient of recipients) {
      const mail = renderDeliveryProblem(notice, failures, this.context(plan, recipient, notice));
      const outcome = await this.sendOnce(plan, about(notice), recipient, mail, key(recipient), { thread: true, ics: [] });
      if (typeof outcome === 'string')
        log.error('无法通知巡察办', { planId: plan.id, measureId: notice.measure.id, email: recipient.email, outcome });
    }
    for (const recipient of recipients) {
      const ctx = this.context(plan, recipient, notice);
      const { problems } = await this.tellRobots(plan, recipient, (p) => chatDeliveryProblem(notice, failures, ctx, p), key(recipient));
      for (const outcome of problems) log.error('无法通知巡察办', { planId: plan.id, measureId: notice.measure.id, outcome });
    }
  }

  /** Mails speak of the time the workflow decided on (days left, today's date), not of when a retry ran. */
  /** One calendar per plan version (plan sources hand out the same object until the plan changes). */
  private readonly calendars = new WeakMap<Plan, WorkCalendar>();

  private calendar(plan: Plan): WorkCalendar {
    let calendar = this.calendars.get(plan);
    // Counted as the workflows count: statutory holidays in unpublished years, unless the plan asked for Mon–Fri.
    if (!calendar)
      this.calendars.set(
        plan,
        (calendar = chinaCalendar({
          ...plan.calendar,
          unpublishedYears: plan.calendar?.unpublishedYears === 'weekdays' ? 'weekdays' : 'statutory',
        })),
      );
    return calendar;
  }

  private context(plan: Plan, recipient: Recipient, notice?: Notice): RenderContext {
    const now = notice ? Date.parse(notice.decidedAt) : Date.now();
    const { links, deskUrl } = this.deps;
    return {
      recipient,
      office: plan.directory.office,
      systemName: this.systemName,
      now,
      calendar: this.calendar(plan),
      timeZone: plan.timeZone,
      ...(links
        ? { links: { days: links.days, of: (n: Notice) => noticeLinks(n, links), reply: (n: Notice) => noticeReplyAddress(n, links) } }
        : {}),
      ...(deskUrl
        ? { desk: { of: (n: Notice) => measurePageUrl(deskUrl, n.measure.planId, n.measure.id), plan: planPageUrl(deskUrl, plan.id) } }
        : {}),
    };
  }

  private get systemName(): string {
    return this.deps.systemName ?? DEFAULT_SYSTEM_NAME;
  }

  /**
   * To the office: from the system at MAIL_FROM's address (巡视整改督办系统 <rectify@…>), which
   * sends it; the office does not write to itself. To everyone else: from the plan's office
   * (区委巡察办 <xunchaban@…>, replies to it), sent by MAIL_FROM (SMTP envelope and Sender).
   */
  private sender(plan: Plan, recipient: Recipient): Pick<MailMessage, 'from' | 'sender' | 'replyTo' | 'envelope'> {
    const office = plan.directory.office;
    if (fromSystem(recipient.audience))
      return {
        from: { name: this.systemName, address: addressOf(this.deps.from)! },
        envelope: { from: addressOf(this.deps.from), to: [recipient.email] },
      };
    return {
      from: { name: office.name, address: office.emails[0] },
      sender: this.deps.from,
      replyTo: office.emails.map((address) => ({ name: office.name, address })),
      envelope: { from: addressOf(this.deps.from), to: [recipient.email] },
    };
  }

  /**
   * A lead unit's mail about one measure replies to its reply address (a reply becomes progress);
   * a digest about several carries one per item in its text, and replies to the office.
   */
  private replyTo(recipient: Recipient, notices: Notice[]): string | undefined {
    const links = this.deps.links;
    if (recipient.audience !== 'leadUnit' || !links || !notices.length) return undefined;
    if (new Set(notices.map((n) => n.measure.id)).size !== 1) return undefined;
    return noticeReplyAddress(notices[notices.length - 1], links);
  }

  private message(plan: Plan, subject: MailSubject, recipient: Recipient, mail: RenderedMail, id: string, extras: MailExtras): MailMessage {
    // A digest is about many measures: it threads with none of them, and carries all their deadlines.
    const thread = extras.thread && subject.measureId ? threadId(plan.id, subject.measureId, this.domain) : undefined;
    const ics = deadlineIcs(extras.ics, this.domain);
    const reply = this.replyTo(recipient, extras.ics);
    return {
      ...this.sender(plan, recipient),
      ...(reply ? { replyTo: reply } : {}),
      to: { name: recipient.name, address: recipient.email },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: id,
      inReplyTo: thread,
      references: thread ? [thread] : undefined,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Rectify-Key': subject.key },
      list: { id: listId(plan.id, plan.title, this.domain) },
      attachments: ics
        ? [{ filename: ics.filename, content: ics.content, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }]
        : undefined,
    };
  }
}
