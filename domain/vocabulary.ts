/**
 * One table per vocabulary: what each notice kind is called and how it travels, and the labels
 * of statuses, lights, audiences, measure kinds and look-back states. Mail, CLI and web read
 * these; nothing else spells them.
 */
import type { TrafficLight, MeasureStatus } from './measure';
import type { NoticeKind } from './notice';
import type { Audience, MeasureKind } from './plan/schema';

/** Which date a notice chases (and so which calendar event its .ics carries). */
export type Track = 'deadline' | 'milestone' | 'report' | 'review' | 'none';

export interface NoticeKindInfo {
  /** The label in subjects, digests and the CLI. */
  label: string;
  /** Scheduled notices merge into a recipient's morning digest; events go at once, alone. */
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
  reassigned: { label: '调整分工', digest: false, track: 'none' },
  'lookback-request': { label: '回头看', digest: false, track: 'review' },
  'lookback-reminder': { label: '回头看提醒', digest: false, track: 'review' },
  'lookback-overdue': { label: '回头看逾期', digest: false, track: 'review' },
  relapsed: { label: '反弹回潮·重新整改', digest: false, track: 'deadline' },
};

/** 逾期督办·第2级 for the ladder, else the kind's label. */
export function noticeLabel(kind: NoticeKind, level?: number): string {
  return kind === 'overdue' ? `逾期督办·第${(level ?? 0) + 1}级` : NOTICE_KINDS[kind].label;
}

export const STATUS_LABELS: Record<MeasureStatus, string> = { active: '整改中', submitted: '已提交待核验', closed: '已销号' };

export const LIGHT_LABELS: Record<TrafficLight, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' };
export const LIGHT_COLORS: Record<TrafficLight, string> = { red: '#c62828', yellow: '#b58100', green: '#2e7d32' };

export const AUDIENCE_LABELS: Record<Audience, string> = {
  leadUnit: '牵头单位',
  leader: '负责区领导',
  office: '巡察办',
  leadershipGroup: '领导小组',
};

export const MEASURE_KIND_LABELS: Record<MeasureKind, string> = {
  immediate: '立行立改',
  deadline: '限期整改',
  phased: '分阶段整改',
  longterm: '长期坚持',
};

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
