/**
 * Who a notice goes to, resolved against the plan's directory when it is sent, so that a
 * corrected address takes effect without touching running workflows. Unknown names are
 * reported, never dropped in silence.
 */
import type { Notice } from '../notice';
import type { Audience, Directory } from '../plan/schema';

export interface Recipient {
  email: string;
  /** How the mail addresses them: the unit, the role title, or the group. */
  name: string;
  audience: Audience;
}

export interface Resolution {
  recipients: Recipient[];
  /** One line per audience that could not be reached, for the office. */
  problems: string[];
}

export function resolveRecipients(directory: Directory, notice: Pick<Notice, 'audiences' | 'measure'>): Resolution {
  const recipients: Recipient[] = [];
  const problems: string[] = [];
  const add = (audience: Audience, name: string, emails: string[]) => {
    for (const email of emails) {
      if (!recipients.some((r) => r.email.toLowerCase() === email.toLowerCase())) recipients.push({ email, name, audience });
    }
  };
  for (const audience of notice.audiences) {
    if (audience === 'leadUnit') {
      const unit = directory.units.find((u) => u.name === notice.measure.leadUnit);
      if (!unit) problems.push(`牵头单位「${notice.measure.leadUnit}」不在计划名录中`);
      else if (!unit.emails.length) problems.push(`牵头单位「${unit.name}」没有联系邮箱`);
      else add(audience, unit.name, unit.emails);
    } else if (audience === 'leader') {
      const leader = directory.leaders.find((l) => l.role === notice.measure.leader);
      if (!leader) problems.push(`负责区领导「${notice.measure.leader}」不在计划名录中`);
      else add(audience, leader.role, [leader.email]);
    } else if (audience === 'office') {
      add(audience, directory.office.name, directory.office.emails);
    } else {
      add(audience, directory.leadershipGroup.name, directory.leadershipGroup.emails);
    }
  }
  return { recipients, problems };
}
