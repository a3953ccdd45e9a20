/**
 * What a mail says, in the recipient's own terms: what happened, and what they are asked to do
 * and whom to contact. Lead units and leaders are never asked to run a command; the office is
 * asked to act "in the system" (its desk); the leadership group is asked to pay attention.
 * Pure: dates, names and the office's contacts come in; sentences go out.
 */
import { dateZh } from '../dates';

export { dateZh };
import { noteWords } from '../notes';
import type { LinkAction } from '../links';
import type { Notice, NoticeAudience } from '../notice';
import { PERMISSIONS } from '../permissions';
import { AUDIENCE_LABELS } from '../vocabulary';

/** The system's name (RECTIFY_SYSTEM_NAME): mail to the office comes from it and is signed by it. */
export const DEFAULT_SYSTEM_NAME = '巡视整改督办系统';

/**
 * Whether a mail comes from the system rather than from the office: mail to the office itself
 * (what to verify, decide, look back on; its digests; alerts). Everyone else hears from the office.
 */
export const fromSystem = (audience: NoticeAudience): boolean => audience === 'office';

/** How to reach the office: its name, and its phone, address and mailbox where the plan gives them. */
export interface Office {
  name: string;
  emails: string[];
  phone?: string;
  address?: string;
}

/** 区委巡察办，电话：…；地址：…；邮箱：… */
export function officeContact(o: Office): string {
  const parts = [
    o.phone && `电话：${o.phone}`,
    o.address && `地址：${o.address}`,
    o.emails.length && `邮箱：${o.emails.join('、')}`,
  ].filter(Boolean);
  // After a comma, not in brackets: the plan's phone or address may carry brackets of their own.
  return parts.length ? `${o.name}，${parts.join('；')}` : o.name;
}

export interface WordingContext {
  audience: NoticeAudience;
  office: Office;
  /**
   * When the measure (or the chased date) is due, in words: 2024年10月15日（周二）18:00. It holds brackets:
   * never put it inside brackets (GB/T 15834 has no brackets within brackets of one kind).
   */
  due?: string;
  /** What the mail's links let this reader do online (a lead unit's: report, submit, apply for an extension). */
  online?: LinkAction[];
}

/** What the notice is about, one or two sentences, the same for every recipient. */
export function whatHappened(n: Notice, due: string | undefined, audience: NoticeAudience): string[] {
  const m = n.measure;
  const lines: string[] = [];
  const others = n.audiences.filter((a) => a !== audience).map((a) => AUDIENCE_LABELS[a]);
  const alsoTold = () => others.length && lines.push(`本通知同时发送：${others.join('、')}。`);
  switch (n.kind) {
    case 'reminder':
      lines.push(`本措施将于${due}到期。`);
      break;
    case 'final-reminder':
      lines.push(`本措施于${due}到期，今天是最后一个工作日。`);
      break;
    case 'overdue':
      lines.push(`本措施的整改时限${due}已过，现为第${(n.level ?? 0) + 1}级督办${n.repeat ? `（第${n.repeat}次重复）` : ''}。`);
      alsoTold();
      break;
    case 'milestone-reminder':
    case 'milestone-overdue': {
      const ms = n.milestone!;
      const stage = `第${ms.index + 1}阶段“${ms.title}”`;
      lines.push(n.kind === 'milestone-overdue' ? `${stage}的节点时限${due}已过，尚未报送完成情况。` : `${stage}将于${due}到期。`);
      if (n.kind === 'milestone-overdue') alsoTold();
      break;
    }
    case 'report-reminder':
    case 'report-overdue':
      lines.push(
        n.kind === 'report-overdue'
          ? `截至${dateZh(n.period!)}的本期整改进展尚未报送，报送时限${due}已过。`
          : `截至${dateZh(n.period!)}的本期整改进展，应于${due}前报送。`,
      );
      if (n.kind === 'report-overdue') alsoTold();
      break;
    case 'submitted': {
      // Files by name and size (the store's hash means nothing to a reader); links on a line of their own.
      const items = (n.event?.evidence ?? []).map(noteWords);
      const note = n.event?.note ? noteWords(n.event.note) : undefined;
      const evidence = items
        .map((x) => x.text.replace(/[。；]$/, ''))
        .filter(Boolean)
        .join('、');
      lines.push(`${m.leadUnit}已提交整改完成情况。佐证材料：${evidence || '（未列）'}。`);
      if (note?.text) lines.push(`说明：${note.text}`);
      const links = [...items.flatMap((x) => x.links), ...(note?.links ?? [])];
      if (links.length) lines.push(`链接：${links.join(' ')}`);
      break;
    }
    case 'verification-result':
      // The office's words either way: why it was sent back, or what it noted on closing it.
      if (n.event?.accepted) {
        lines.push('巡察办已核验通过，本措施销号。');
        if (n.event.reason) lines.push(`核验说明：${n.event.reason}`);
      } else lines.push(`巡察办核验未通过，已退回整改。退回理由：${n.event?.reason ?? ''}`);
      break;
    case 'extension-requested':
      lines.push(
        `${m.leadUnit}申请将整改时限由${dateZh(n.event!.previousDeadline!)}延至${dateZh(n.event!.requestedDeadline!)}。理由：${n.event?.reason ?? ''}`,
      );
      break;
    case 'extension-decided':
      lines.push(
        n.event?.approved
          ? `延期申请已批准：整改时限由${dateZh(n.event.previousDeadline!)}调整为${dateZh(n.event.requestedDeadline!)}。`
          : `延期申请未获批准，整改时限仍为${dateZh(n.event!.previousDeadline!)}。理由：${n.event?.reason ?? ''}`,
      );
      break;
    case 'deadline-changed':
      lines.push(
        `巡察办按计划调整了本措施的整改时限：由${dateZh(n.event!.previousDeadline!)}调整为${dateZh(n.event!.requestedDeadline!)}。说明：${n.event?.reason ?? ''}`,
      );
      break;
    case 'reassigned': {
      const e = n.event!;
      const changes = [
        e.previousLeadUnit !== m.leadUnit && `牵头单位由${e.previousLeadUnit}调整为${m.leadUnit}`,
        e.previousLeader !== m.leader && `负责区领导由${e.previousLeader}调整为${m.leader}`,
      ].filter(Boolean);
      lines.push(`巡察办调整了本措施的分工：${changes.join('；')}。理由：${e.reason ?? ''}`);
      break;
    }
    case 'lookback-request':
    case 'lookback-reminder':
    case 'lookback-overdue': {
      const lb = n.lookback!;
      const which = `第${lb.round}次回头看${lb.campaign ? `（“${lb.campaign}”专项）` : ''}`;
      lines.push(
        n.kind === 'lookback-request'
          ? `本措施已于${dateZh(lb.closedOn)}销号，现开展${which}，${REVIEW_PURPOSE}。`
          : n.kind === 'lookback-reminder'
            ? `${which}将于${due}到期，尚未记录结论。`
            : `${which}的时限${due}已过，尚未记录结论${n.repeat ? `（第${n.repeat}次催办）` : ''}。`,
      );
      if (n.kind === 'lookback-overdue') alsoTold();
      break;
    }
    case 'relapsed':
      lines.push(`回头看发现本措施反弹回潮，已重新列入整改，新的整改时限为${due}。核查说明：${n.event?.reason ?? ''}`);
      alsoTold();
      break;
    case 'link-sent':
      lines.push(`应你单位在办理页面提出的申请，现发送本措施新的办理链接；此前邮件中的链接如已失效，请改用本邮件中的链接。`);
      break;
    case 'urged': {
      // Said as the stage urged says it (its date, its rung), after the office's words.
      lines.push(`巡察办对本措施进行催办${n.event?.note ? `：${n.event.note}` : '。'}`);
      const stage = whatHappened(urgedAs(n), due, audience).filter((l) => !l.startsWith('本通知同时发送'));
      lines.push(...stage);
      alsoTold();
      break;
    }
  }
  return lines;
}

/** An urging read as the stage it urges (a reminder, or a rung of the ladder). */
function urgedAs(n: Notice): Notice {
  return { ...n, kind: n.urge?.kind ?? 'reminder' };
}

/** What a look-back review is for, said in every request. */
const REVIEW_PURPOSE = '核查整改成效是否巩固、有无反弹回潮';

/** Above a campaign's merged requests: what the campaign is (the ask follows, once). */
export function campaignIntro(campaign: string, count: number): string {
  return `回头看专项“${campaign}”列入以下${count}项已销号的整改措施，${REVIEW_PURPOSE}。`;
}

/** A measure in a campaign's merged requests: the campaign and the ask are said once above it. */
export function campaignItemLine(n: Notice): string {
  const lb = n.lookback!;
  return `本措施已于${dateZh(lb.closedOn)}销号${lb.round > 1 ? `，本次为第${lb.round}次回头看` : ''}。`;
}

/** What this recipient is asked to do, in words; empty when the mail is for their information. */
export function whatToDo(n: Notice, c: WordingContext): string[] {
  if (n.kind === 'urged') return whatToDo(urgedAs(n), c);
  const m = n.measure;
  const office = c.office.name;
  const report = `向${office}报送整改完成情况及佐证材料`;
  // Next to the online 申请延期 link the mail says to use it; without one, a written application.
  const extension = c.online?.includes('requestExtension')
    ? `确需延期的，请在到期前通过下方“${PERMISSIONS.requestExtension.label}”链接提出申请，说明理由和拟完成时间。`
    : `确需延期的，请在到期前向${office}提出书面申请，说明理由和拟完成时间。`;
  switch (c.audience) {
    case 'leadUnit':
      switch (n.kind) {
        case 'reminder':
        case 'final-reminder':
          return [`请于${c.due}前完成整改，并${report}。`, extension];
        case 'overdue':
          return [`请立即完成整改，并${report}；如有特殊困难，请向${office}书面说明。`];
        case 'milestone-reminder':
        case 'milestone-overdue':
          return [`请于${c.due}前向${office}报送本阶段完成情况。`];
        case 'report-reminder':
        case 'report-overdue':
          return [`请于${c.due}前向${office}报送本期整改进展。`];
        case 'verification-result':
          return n.event?.accepted ? [] : [`请按退回理由继续整改，完成后再次${report}。`];
        case 'extension-decided':
        case 'deadline-changed':
          return [`请于${c.due}前完成整改，并${report}。`];
        case 'reassigned':
          return m.leadUnit !== n.event?.previousLeadUnit
            ? [`本措施今后由你单位牵头，请与原牵头单位${n.event?.previousLeadUnit}做好交接，按时限推进整改。`]
            : [];
        case 'relapsed':
          return [`请于${c.due}前重新完成整改，并${report}。`];
        case 'link-sent':
          return ['请通过下方链接办理本措施。如非你单位申请，请告知巡察办。'];
        default:
          return [];
      }
    case 'previousLeadUnit':
      return [`本措施已改由${m.leadUnit}牵头，你单位今后不再收到本措施的提醒；请将已有工作材料移交${m.leadUnit}。`];
    case 'leader':
      switch (n.kind) {
        case 'overdue':
        case 'milestone-overdue':
        case 'report-overdue':
          return [`请督促${m.leadUnit}抓紧整改，尽快${report}。`];
        case 'relapsed':
          return [`请督促${m.leadUnit}于${c.due}前重新完成整改。`];
        case 'deadline-changed':
          return [`请督促${m.leadUnit}于${c.due}前完成整改。`];
        case 'verification-result':
          return n.event?.accepted ? [] : [`请督促${m.leadUnit}按退回理由继续整改。`];
        case 'reassigned':
          return m.leader !== n.event?.previousLeader ? [`本措施今后由您负责，请督促${m.leadUnit}按时限推进整改。`] : [];
        default:
          return [];
      }
    case 'previousLeader':
      return [`本措施的负责区领导已调整为${m.leader}，此后的提醒不再发送给您。`];
    case 'office':
      switch (n.kind) {
        case 'submitted':
          return ['请核验佐证材料，在系统中办理销号；材料不足的，退回并说明理由。'];
        case 'extension-requested':
          return ['请审核延期申请，在系统中批准或不批准（不批准须说明理由）。'];
        case 'lookback-request':
        case 'lookback-reminder':
        case 'lookback-overdue':
          return [`请于${c.due}前完成核查，在系统中记录结论：整改成效巩固；或反弹回潮，并确定新的整改时限。`];
        case 'overdue':
        case 'milestone-overdue':
        case 'report-overdue':
          return [`请跟踪督办${m.leadUnit}；必要时提请领导小组督办。`];
        default:
          return [];
      }
    case 'leadershipGroup':
      switch (n.kind) {
        case 'relapsed':
          return [`请领导小组关注，督促${m.leadUnit}限期重新整改。`];
        case 'lookback-overdue':
          return ['请领导小组督促巡察办尽快完成回头看。'];
        default:
          return ['请领导小组关注，督促责任单位和负责区领导抓紧整改。'];
      }
  }
}
