/**
 * A measure's whole life in order, for its page and the CLI: every notice that went out (to whom,
 * by which channels, with its Message-ID), every action people took (progress, submission,
 * verification, extension, reassignment, urging, policy, calendar) and every look-back review and
 * its outcome. Read from the measure's state, which carries all of it across continue-as-new. Pure.
 */
import type { MeasureState } from './measure-state';
import type { SentCopy } from './notice';
import { AUDIENCE_LABELS, auditWords, channelWords, noticeLabel } from './vocabulary';
import { actorLabel } from './permissions';
import { officialText } from './typography';
import { plainDateZh } from './dates';
import { evidenceFiles } from './evidence';

export type TimelineKind = 'start' | 'notice' | 'action' | 'lookback';

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  /** What happened, in words. */
  what: string;
  /** Who acted (an action), or the system (a notice). */
  who?: string;
  /** Notices: each recipient, what carried it (邮件、企业微信), and the Message-ID of their mail or the digest it joined. */
  to?: TimelineCopy[];
  /** Recipients it could not reach. */
  problems?: string[];
  /** Stored files an action named (its note or evidence), to link them; the words name them without their digest. */
  files?: { name: string; sha256: string }[];
}

export interface TimelineCopy {
  label: string;
  /** The channels in words (CHANNEL_LABELS): 邮件, or 邮件、企业微信 when the recipient's robots had it too. */
  channels: string;
  messageId?: string;
  digest?: string;
}

function recipient(c: SentCopy): TimelineCopy {
  const who = c.email ? `${c.name} <${c.email}>` : c.name;
  return {
    label: `${AUDIENCE_LABELS[c.audience]}·${who}`,
    channels: channelWords(c.channels),
    ...(c.messageId ? { messageId: c.messageId } : {}),
    ...(c.digest ? { digest: c.digest } : {}),
  };
}

export function timeline(state: MeasureState): TimelineEntry[] {
  const entries: TimelineEntry[] = [{ at: state.startedAt, kind: 'start', what: '开始跟踪本措施（整改任务下达）' }];
  for (const a of state.audit) {
    const d = a.detail as Record<string, unknown>;
    const files = evidenceFiles([d.note, ...(Array.isArray(d.evidence) ? d.evidence : [])].filter((x) => typeof x === 'string').join('\n'));
    entries.push({ at: a.at, kind: 'action', what: auditWords(a), who: actorLabel(a.actor), ...(files.length ? { files } : {}) });
  }
  for (const d of state.deliveries ?? []) {
    const label = noticeLabel(d.kind, d.level);
    const audiences = d.audiences.map((x) => AUDIENCE_LABELS[x]).join('、');
    entries.push({
      at: d.at,
      kind: 'notice',
      what: `${d.review ? `第${d.review}次回头看·` : ''}发出“${label}”（致${audiences}）`,
      who: '系统',
      ...(d.to ? { to: d.to.map(recipient) } : {}),
      ...(d.problems ? { problems: d.problems.map(officialText) } : {}),
    });
  }
  for (const l of state.lookbacks ?? []) {
    const which = `第${l.round}次回头看${l.campaign ? `（“${l.campaign}”专项）` : ''}`;
    entries.push({
      at: l.startedAt,
      kind: 'lookback',
      what: `开展${which}${l.dueDate ? `，时限：${plainDateZh(l.dueDate)}` : ''}`,
      who: '系统',
    });
    // A relapse is on record as the action that reopened the measure; a sustained outcome only here.
    if (l.outcome === 'sustained' && l.recordedAt) {
      entries.push({
        at: l.recordedAt,
        kind: 'lookback',
        what: `${which}：整改成效巩固${l.notes ? `，核查说明：${officialText(l.notes)}` : ''}`,
        who: l.by ? actorLabel(l.by) : undefined,
      });
    }
  }
  // In time order; at the same instant, in the order above (an action before the notice it caused).
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
