/**
 * The contract between a measure workflow and delivery: everything a message needs, decided
 * by the workflow, with a business idempotency key. Recipients are named by audience and
 * resolved against the plan's directory at send time, so a corrected address needs no restart.
 */
import type { IsoDate } from './dates';
import type { MeasureKind, Audience } from './plan/schema';
import type { MeasureStatus, TrafficLight } from './measure';
import type { ScheduledKind } from './planner';
import type { ChatPlatform } from './chat/names';

/** Who a notice is for: the plan's audiences, and after a reassignment the unit and leader it moved from. */
export type NoticeAudience = Audience | 'previousLeadUnit' | 'previousLeader';

export type EventKind =
  | 'submitted'
  | 'verification-result'
  | 'extension-requested'
  | 'extension-decided'
  | 'deadline-changed'
  | 'reassigned'
  | 'lookback-request'
  | 'relapsed'
  | 'urged'
  | 'link-sent';
export type NoticeKind = ScheduledKind | EventKind;

export const ROLES = ['unit', 'leader', 'office', 'leadership'] as const;
export type Role = (typeof ROLES)[number];

/** Who acts: a lead unit by name, a leader by role title, the office or leadership by a label. */
export interface Actor {
  role: Role;
  who: string;
  /** How they reached the measure: a mail's signed link, the web, or a reply by mail (absent: the CLI). */
  via?: 'link' | 'web' | 'mail';
}

export interface NoticeMeasure {
  planId: string;
  id: string;
  problem: { no: number; title: string };
  title: string;
  kind: MeasureKind;
  status: MeasureStatus;
  leadUnit: string;
  leader: string;
  participants: string[];
  deadline?: IsoDate;
  deadlineVersion: number;
  /** ISO instant the measure falls due. */
  dueAt?: string;
  trafficLight: TrafficLight;
  timeZone: string;
  /** Working days from the day it was decided to the deadline (negative: overdue), as the workflow counts them. */
  workdaysLeft?: number;
  /** That count passes through a year whose arrangement is not published (按临时日历计算). */
  provisionalCount?: boolean;
}

export interface Notice {
  /** `${workflowId}:v${deadlineVersion}:${stage}`: the same notice never goes out twice. */
  idempotencyKey: string;
  workflowId: string;
  stage: string;
  kind: NoticeKind;
  audiences: NoticeAudience[];
  measure: NoticeMeasure;
  /** ISO instant it was planned for; catch-ups go out later, in the next send window. */
  plannedAt: string;
  /** ISO instant the workflow decided to send it (workflow time). */
  decidedAt: string;
  catchUp: boolean;
  /** Counted on a provisional Mon–Fri calendar: the year's holiday arrangement is not published yet. */
  provisionalCalendar?: boolean;
  /** What is chased: the deadline, a milestone's or a report period's end. */
  dueDate?: IsoDate;
  /** ISO instant that date falls due (the policy's due time in the plan's zone). */
  dueAt?: string;
  workdaysBefore?: number;
  workdaysOverdue?: number;
  level?: number;
  repeat?: number;
  milestone?: { index: number; title: string; deadline: IsoDate };
  period?: IsoDate;
  /** 催办: the office urges now, with the stage the measure is at (its reminder or its rung of the ladder). */
  urge?: { kind: ScheduledKind };
  /** Look-back reviews (回头看): which round, when the measure was closed, when the review is due. */
  lookback?: { round: number; closedOn: IsoDate; dueDate: IsoDate; campaign?: string };
  event?: {
    actor: Actor;
    reason?: string;
    note?: string;
    evidence?: string[];
    accepted?: boolean;
    approved?: boolean;
    previousDeadline?: IsoDate;
    requestedDeadline?: IsoDate;
    previousLeadUnit?: string;
    previousLeader?: string;
    outcome?: 'sustained' | 'relapsed';
  };
}

/** What carries a notice to someone: mail, or a group robot of 企业微信, 钉钉 or 飞书 (labels: CHANNEL_LABELS in vocabulary.ts). */
export type DeliveryChannel = 'mail' | ChatPlatform;

/** One recipient's copy of a notice: its own mail (with its Message-ID), or a place in a digest. */
export interface SentCopy {
  name: string;
  /** Absent where no address is involved (the file outbox of workflow tests). */
  email?: string;
  audience: NoticeAudience;
  /** The mail's Message-ID, when the notice went out alone. */
  messageId?: string;
  /** The digest workflow it joined (its mail merges the morning's notices). */
  digest?: string;
  /**
   * What carried it, when group robots did: ['mail', 'wecom'] (the mail and the recipient's robot),
   * ['wecom'] (the mail was refused, the robot took it); for a digest's place, what the digest
   * goes by. Absent: by mail alone (every copy before group robots, and recipients without any).
   */
  channels?: DeliveryChannel[];
}

export interface DeliveryResult {
  /** True when it went out (now, or on an earlier attempt). */
  delivered: boolean;
  /** Recipients it could not reach and why; the office has been told. */
  problems?: string[];
  /** Who got it, and how (absent in results recorded before copies were reported). */
  sent?: SentCopy[];
}
