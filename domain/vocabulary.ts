/**
 * One table per vocabulary: what each notice kind is called and how it travels, and the labels
 * of statuses, lights, audiences, measure kinds and look-back states. Mail, CLI and web read
 * these; nothing else spells them.
 */
import { plainDateZh } from './dates';
import { noteWords } from './notes';
import { officialText } from './typography';
import type { TrafficLight, MeasureStatus } from './measure';
import type { AuditEntry } from './measure-state';
import type { DeliveryChannel, Notice, NoticeAudience, NoticeKind } from './notice';
import type { Cadence, MeasureKind } from './plan/schema';
import { PLATFORM_LABELS } from './chat/names';

/** Which date a notice chases (and so which calendar event its .ics carries). */
export type Track = 'deadline' | 'milestone' | 'report' | 'review' | 'none';

export interface NoticeKindInfo {
  /** The label in subjects, digests and the CLI. */
  label: string;
  /** Scheduled notices merge into a recipient's morning digest; events go at once, alone (but see digestSlot). */
  digest: boolean;
  /** The date it chases; 'none' carries no calendar event. */
  track: Track;
}

export const NOTICE_KINDS: Record<NoticeKind, NoticeKindInfo> = {
  reminder: { label: '整改提醒', digest: true, track: 'deadline' },
  'final-reminder': { label: '今日到期', digest: true, track: 'deadline' },
  overdue: { label: '逾期督办', digest: true, track: 'deadline' },
  'milestone-reminder': { label: '阶段节点提醒', digest: true, track: 'milestone' },
  'milestone-overdue': { label: '阶段节点逾期', digest: true, track: 'milestone' },
  'report-reminder': { label: '进展报送提醒', digest: true, track: 'report' },
  'report-overdue': { label: '进展报送逾期', digest: true, track: 'report' },
  submitted: { label: '待核验', digest: false, track: 'none' },
  'verification-result': { label: '核验结果', digest: false, track: 'none' },
  'extension-requested': { label: '延期申请', digest: false, track: 'deadline' },
  'extension-decided': { label: '延期审批结果', digest: false, track: 'deadline' },
  'deadline-changed': { label: '整改时限调整', digest: false, track: 'deadline' },
  reassigned: { label: '调整分工', digest: false, track: 'none' },
  'lookback-request': { label: '回头看', digest: false, track: 'review' },
  'lookback-reminder': { label: '回头看提醒', digest: false, track: 'review' },
  'lookback-overdue': { label: '回头看逾期', digest: false, track: 'review' },
  relapsed: { label: '反弹回潮·重新整改', digest: false, track: 'deadline' },
  urged: { label: '催办', digest: false, track: 'none' },
  'link-sent': { label: '办理链接', digest: false, track: 'none' },
};

/**
 * The send time whose digest a notice joins (one mail per recipient and send time), or undefined
 * when it goes alone. Scheduled kinds join their planned instant's (a catch-up: the minute it was
 * decided in). A look-back campaign's requests join the minute they were decided in, so the
 * office gets a mail or two for a campaign over hundreds of measures, not one per review.
 */
export function digestSlot(n: Pick<Notice, 'kind' | 'catchUp' | 'plannedAt' | 'decidedAt' | 'lookback'>): number | undefined {
  const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000) * 60_000;
  if (NOTICE_KINDS[n.kind].digest) return n.catchUp ? minute(n.decidedAt) : Date.parse(n.plannedAt);
  if (n.kind === 'lookback-request' && n.lookback?.campaign) return minute(n.decidedAt);
  return undefined;
}

/** 逾期督办·第2级 for the ladder, else the kind's label. */
export function noticeLabel(kind: NoticeKind, level?: number): string {
  return kind === 'overdue' ? `逾期督办·第${(level ?? 0) + 1}级` : NOTICE_KINDS[kind].label;
}

/** A verification's outcome, in its mail's subject: the office's decision, not just that there is one (核验结果). */
export const VERIFICATION_LABELS = { accepted: '核验通过', rejected: '核验退回' } as const;

/** A notice's label as its mail says it: noticeLabel, but a verification says which way it went. */
export function mailLabel(n: Pick<Notice, 'kind' | 'level' | 'event'>): string {
  if (n.kind === 'verification-result' && n.event?.accepted !== undefined)
    return VERIFICATION_LABELS[n.event.accepted ? 'accepted' : 'rejected'];
  return noticeLabel(n.kind, n.level);
}

export const STATUS_LABELS: Record<MeasureStatus, string> = { active: '整改中', submitted: '已提交待核验', closed: '已销号' };

export const LIGHT_LABELS: Record<TrafficLight, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' };
export const LIGHT_COLORS: Record<TrafficLight, string> = { red: '#c62828', yellow: '#b58100', green: '#2e7d32' };

/** Where a measure counts on the desk: closed measures apart (已销号), open ones by their light (domain/tally.ts). */
export type DeskLight = TrafficLight | 'closed';
export const DESK_LIGHT_LABELS: Record<DeskLight, string> = { ...LIGHT_LABELS, closed: STATUS_LABELS.closed };
export const DESK_LIGHT_COLORS: Record<DeskLight, string> = { ...LIGHT_COLORS, closed: '#607d8b' };

export const AUDIENCE_LABELS: Record<NoticeAudience, string> = {
  leadUnit: '牵头单位',
  leader: '负责区领导',
  office: '巡察办',
  leadershipGroup: '领导小组',
  previousLeadUnit: '原牵头单位',
  previousLeader: '原负责区领导',
};

/**
 * The channels that carry a notice: mail, and the group robots of the chat platforms
 * (domain/chat/platforms.ts has what each platform takes). Every surface names them by this table.
 */
export const CHANNEL_LABELS: Record<DeliveryChannel, string> = { mail: '邮件', ...PLATFORM_LABELS };

/** How a copy went, in words: 邮件、企业微信. A copy that names no channels went by mail alone (every copy before group robots). */
export function channelWords(channels: readonly DeliveryChannel[] | undefined): string {
  return (channels?.length ? channels : (['mail'] as const)).map((c) => CHANNEL_LABELS[c]).join('、');
}

export const MEASURE_KIND_LABELS: Record<MeasureKind, string> = {
  immediate: '立行立改',
  deadline: '限期整改',
  phased: '分阶段整改',
  longterm: '长期坚持',
};

/** How often a long-term measure reports. */
export const CADENCE_LABELS: Record<Cadence, string> = { monthly: '每月', quarterly: '每季度', semiannual: '每半年', annual: '每年' };

/** A measure's LookbackStatus values (a review's are pending and the outcomes). */
export const MEASURE_LOOKBACK_STATES = ['scheduled', 'in-review', 'sustained', 'relapsed'];

/** LookbackStatus: of a measure (scheduled, in-review, outcome) and of a review (pending, outcome). */
export const LOOKBACK_STATUS_LABELS: Record<string, string> = {
  scheduled: '待回头看',
  'in-review': '回头看中',
  pending: '待核查',
  sustained: '已巩固',
  relapsed: '反弹回潮',
};

/** What a person did to a measure, in words: 提交整改完成(佐证: …;说明: …), 核验退回(理由: …). */
export function auditWords(a: AuditEntry): string {
  // What people typed (notes, reasons) is printed in official punctuation too; links they gave follow
  // the words, never inside a sentence or a bracket.
  const links: string[] = [];
  const words = officialText(actionWords(a, links));
  return links.length ? `${words} 链接：${[...new Set(links)].join(' ')}` : words;
}

function actionWords(a: AuditEntry, links: string[]): string {
  const d = a.detail as Record<string, unknown>;
  const text = (v: unknown): string => {
    if (Array.isArray(v)) return v.map(text).filter(Boolean).join('、');
    const n = noteWords(String(v ?? ''));
    links.push(...n.links);
    return n.text.replace(/。$/, '');
  };
  const day = (v: unknown) => (typeof v === 'string' && v ? plainDateZh(v) : '');
  const parts = (...ps: (string | false | undefined)[]) => {
    const shown = ps.filter(Boolean);
    // After a comma, not in brackets: what people typed may hold brackets of its own, never nested.
    return shown.length ? `，${shown.join('；')}` : '';
  };
  switch (a.action) {
    case 'progress':
      return `${d.source === 'ledger' ? '台账所载进展' : '报送进展'}${d.milestone !== undefined ? `·完成第${Number(d.milestone) + 1}阶段` : ''}${d.period ? `·截至${plainDateZh(String(d.period))}的一期` : ''}${parts(`说明：${text(d.note)}`)}`;
    case 'submit':
      return `提交整改完成${parts(`佐证：${text(d.evidence)}`, !!d.note && `说明：${text(d.note)}`)}`;
    case 'verify':
      return d.accept ? `核验通过，销号${parts(!!d.reason && `说明：${text(d.reason)}`)}` : `核验退回${parts(`理由：${text(d.reason)}`)}`;
    case 'extension-request':
      return `申请延期至${day(d.newDeadline)}${parts(`理由：${text(d.reason)}`)}`;
    case 'extension-decision':
      return d.approve ? `批准延期至${day(d.newDeadline)}` : `不批准延期${parts(`理由：${text(d.reason)}`)}`;
    case 'reassign':
      return `调整分工${parts(!!d.leadUnit && `牵头单位：${text(d.previousLeadUnit)} → ${text(d.leadUnit)}`, !!d.leader && `负责区领导：${text(d.previousLeader)} → ${text(d.leader)}`, `理由：${text(d.reason)}`)}`;
    case 'calendar':
      return `更新节假日安排${parts(`已公布${text(d.years)}年`, !!d.provisionalYears && `临时${text(d.provisionalYears)}年`)}`;
    case 'relapse':
      return `第${text(d.round)}次回头看：反弹回潮${d.applied === false ? '（未改变措施：该回头看针对此前的销号，或措施已在整改中）' : `，重新整改至${day(d.newDeadline)}`}${parts(`核查说明：${text(d.notes)}`)}`;
    case 'policy':
      return `调整提醒规则${parts(`理由：${text(d.reason)}`)}`;
    case 'remind':
      return `催办${d.stage ? `（${noticeLabel(d.stage as NoticeKind, d.level as number | undefined)}）` : ''}${parts(!!d.note && `说明：${text(d.note)}`, !!d.force && '当日再次催办')}`;
    case 'relink':
      return '申请新的办理链接（发送至牵头单位在名录中登记的邮箱）';
    case 'amend':
      return `按计划调整${parts(!!d.deadline && `整改时限：${day(d.previousDeadline)} → ${day(d.deadline)}`, !!(d.changed as string[] | undefined)?.length && `变更：${text(d.changed)}`, `理由：${text(d.reason)}`)}`;
    case 'withdraw':
      return `撤销本措施（不再跟踪）${parts(`理由：${text(d.reason)}`)}`;
  }
}
