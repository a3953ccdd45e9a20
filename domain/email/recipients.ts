/**
 * Who a notice goes to, resolved against the plan's directory when it is sent, so that a
 * corrected address takes effect without touching running workflows. Unknown names, and units
 * or leaders without an address, are reported to the office, never dropped in silence.
 */
import type { DeliveryChannel, Notice, NoticeAudience, NoticeMeasure } from '../notice';
import type { Directory } from '../plan/schema';
import { robotPlatforms, type ChatChannel } from '../chat/platforms';

export interface Recipient {
  email: string;
  /** How the mail addresses them: the unit, the role title, or the group. */
  name: string;
  audience: NoticeAudience;
}

export interface Resolution {
  recipients: Recipient[];
  /** One line per audience that could not be reached, for the office. */
  problems: string[];
}

/** What resolving needs of a notice: its audiences, and the unit and leader (and those it moved from) they name. */
export type Addressed = Pick<Notice, 'audiences' | 'event'> & { measure: Pick<NoticeMeasure, 'leadUnit' | 'leader'> };

export function resolveRecipients(directory: Directory, notice: Addressed): Resolution {
  const recipients: Recipient[] = [];
  const problems: string[] = [];
  const add = (audience: NoticeAudience, name: string, emails: string[]) => {
    for (const email of emails) {
      if (!recipients.some((r) => r.email.toLowerCase() === email.toLowerCase())) recipients.push({ email, name, audience });
    }
  };
  const unit = (audience: NoticeAudience, name: string | undefined, what: string) => {
    const found = directory.units.find((u) => u.name === name);
    if (!found) problems.push(`${what}“${name ?? ''}”不在计划名录中`);
    else if (!found.emails.length) problems.push(`${what}“${found.name}”没有联系邮箱（在计划名录中补充后，此后的通知会送达）`);
    else add(audience, found.name, found.emails);
  };
  const leader = (audience: NoticeAudience, role: string | undefined, what: string) => {
    const found = directory.leaders.find((l) => l.role === role);
    if (!found) problems.push(`${what}“${role ?? ''}”不在计划名录中`);
    else add(audience, found.role, [found.email]);
  };
  for (const audience of notice.audiences) {
    switch (audience) {
      case 'leadUnit':
        unit(audience, notice.measure.leadUnit, '牵头单位');
        break;
      case 'previousLeadUnit':
        unit(audience, notice.event?.previousLeadUnit, '原牵头单位');
        break;
      case 'leader':
        leader(audience, notice.measure.leader, '负责区领导');
        break;
      case 'previousLeader':
        leader(audience, notice.event?.previousLeader, '原负责区领导');
        break;
      case 'office':
        add(audience, directory.office.name, directory.office.emails);
        break;
      case 'leadershipGroup':
        add(audience, directory.leadershipGroup.name, directory.leadershipGroup.emails);
        break;
    }
  }
  return { recipients, problems };
}

/**
 * A recipient's group robots, from the directory entry its address is in; only for the entry's
 * first address, so that a unit with two mailboxes has its robots told once.
 */
export function recipientChannels(directory: Directory, r: Recipient): ChatChannel[] {
  const first = (emails: string[]) => emails[0]?.toLowerCase() === r.email.toLowerCase();
  switch (r.audience) {
    case 'leadUnit':
    case 'previousLeadUnit': {
      const u = directory.units.find((x) => x.name === r.name);
      return u && first(u.emails) ? (u.channels ?? []) : [];
    }
    case 'leader':
    case 'previousLeader': {
      const l = directory.leaders.find((x) => x.role === r.name);
      return l && first([l.email]) ? (l.channels ?? []) : [];
    }
    case 'office':
      return first(directory.office.emails) ? (directory.office.channels ?? []) : [];
    case 'leadershipGroup':
      return first(directory.leadershipGroup.emails) ? (directory.leadershipGroup.channels ?? []) : [];
  }
}

/**
 * The channels a notice goes by, as the directory stands (`rectify simulate`): mail when one of
 * its audiences has an address, then the platforms of their robots (as delivery tells them).
 */
export function noticeChannels(directory: Directory, notice: Addressed): DeliveryChannel[] {
  const { recipients } = resolveRecipients(directory, notice);
  const robots = robotPlatforms(recipients.flatMap((r) => recipientChannels(directory, r)));
  return [...(recipients.length ? (['mail'] as const) : []), ...robots];
}
