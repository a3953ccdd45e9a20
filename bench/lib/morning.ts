/**
 * A 09:00 burst, set up and read as its recipients see it: N final reminders for R lead units
 * due at one instant (bench/lib/plans.ts burstPlan), and the mail the loopback SMTP server
 * accepted for them: which measure reached whom, when, and how many times. Shared by the burst
 * benchmark and the fault suite.
 */
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { startPlan } from '../../client/measures';
import { ofType, WORKFLOW } from '../../contracts/ids';
import type { ChatChannel } from '../../domain/chat/platforms';
import type { Plan } from '../../domain/plan/schema';
import { PREPARE_LEAD_MS } from '../../domain/planner';
import { sleep, untilIdle } from './harness';
import { type Accepted } from './smtp';
import { burstPlan, untilCount, ZONE } from './plans';
import { namedMeasureIds } from '../../domain/measure-words';

export interface Burst {
  plan: Plan;
  /** The instant every notice falls due. */
  T: DateTime;
  /** `<address> <measure id>`: each must arrive exactly once. */
  expected: Set<string>;
  startedMs: number;
  asleepMs: number;
  /** From the moment preparing began (T - 30 min when realistic) until the task queues were idle. */
  preparedIdleMs: number;
}

/** The burst plan's measures that are live: started, and past their first task (their light is set). */
export const BURST_LIVE = `PlanId = 'burst' AND ${ofType(WORKFLOW.measure)} AND TrafficLight IS NOT NULL`;

/** `address measure-id` for every notice of a burst plan. */
export function burstExpected(plan: Plan): Set<string> {
  return new Set(plan.measures.map((m) => `unit-${Number(m.leadUnit.replace('单位', ''))}@bench.example.org ${m.id}`));
}

/**
 * Starts `measures` measures due at T and waits until they are asleep and their notices prepared.
 * T is far enough ahead for that (realistic: more than PREPARE_LEAD_MS ahead, so that preparing is
 * a burst of its own at T - 30 min), or `leadSeconds` (then the minute after). `channels`: the units'
 * group robots.
 */
export async function setUpBurst(
  client: Client,
  options: { measures: number; units: number; realistic?: boolean; channels?: (unit: number) => ChatChannel[]; leadSeconds?: number },
): Promise<Burst> {
  const { measures, units, realistic } = options;
  const lead = options.leadSeconds ?? (realistic ? 32 * 60 + measures / 20 : Math.max(150, 90 + measures / 15));
  const T = DateTime.now().setZone(ZONE).plus({ seconds: lead }).startOf('minute').plus({ minutes: 1 });
  const plan = burstPlan(measures, units, T, options.channels);
  const began = Date.now();
  await startPlan(client, plan, { concurrency: 32 });
  const startedMs = Date.now() - began;
  const liveAt = await untilCount(client, BURST_LIVE, measures, T.toMillis() - Date.now());
  const preparing = realistic ? T.toMillis() - PREPARE_LEAD_MS : Date.now();
  if (realistic) await sleep(preparing - Date.now());
  const idleAt = await untilIdle(client, T.toMillis() - Date.now());
  return { plan, T, expected: burstExpected(plan), startedMs, asleepMs: liveAt - began, preparedIdleMs: idleAt - preparing };
}

export interface MorningMail {
  /** How many times each `address measure-id` arrived. */
  seen: Map<string, number>;
  /** Per notice, from T to the acceptance of its first mail (ms), sorted. */
  latencies: number[];
  mails: number;
  digests: number;
  /** Expected and never arrived; arrived more than once (extra copies). */
  lost: number;
  duplicates: number;
  /** Mails accepted again with a Message-ID already accepted: the same message sent twice. */
  duplicateMails: number;
  /** Who received a mail twice. */
  duplicatedTo: string[];
  /** Mails to other addresses (the office's reports), by subject. */
  others: { to: string; subject: string; at: number }[];
  /** When the last mail was accepted, ms after T. */
  lastMs: number;
}

/** Reads what SMTP accepted, as it arrives. */
export class MorningReader {
  readonly seen = new Map<string, number>();
  readonly latencies: number[] = [];
  readonly others: MorningMail['others'] = [];
  private readonly messageIds = new Set<string>();
  duplicateMails = 0;
  readonly duplicatedTo: string[] = [];
  digests = 0;
  lastAt = 0;

  constructor(
    private readonly accepted: Accepted[],
    private readonly T: number,
    private readonly expected: Set<string>,
    /** Mails accepted before this index are not the morning's (set-up mail). */
    private readonly from = 0,
  ) {
    this.parsed = from;
  }

  private parsed: number;

  async read(): Promise<void> {
    for (; this.parsed < this.accepted.length; this.parsed++) {
      const { at, raw } = this.accepted[this.parsed];
      this.lastAt = Math.max(this.lastAt, at);
      const mail = await simpleParser(raw);
      const to = (mail.to as { value: { address: string }[] }).value[0].address;
      if (mail.messageId && this.messageIds.has(mail.messageId)) {
        this.duplicateMails += 1;
        this.duplicatedTo.push(to);
      }
      if (mail.messageId) this.messageIds.add(mail.messageId);
      if (mail.subject?.startsWith('【整改提醒汇总】')) this.digests += 1;
      const measures = namedMeasureIds(mail.text ?? '');
      if (!measures.some((id) => this.expected.has(`${to} ${id}`))) {
        this.others.push({ to, subject: mail.subject ?? '', at });
        continue;
      }
      for (const id of measures) {
        const key = `${to} ${id}`;
        const n = (this.seen.get(key) ?? 0) + 1;
        this.seen.set(key, n);
        if (n === 1) this.latencies.push(at - this.T);
      }
    }
  }

  /** Every expected notice has arrived. */
  complete(except: (key: string) => boolean = () => false): boolean {
    return [...this.expected].every((k) => except(k) || this.seen.has(k));
  }

  summary(except: (key: string) => boolean = () => false): MorningMail {
    return {
      seen: this.seen,
      latencies: [...this.latencies].sort((a, b) => a - b),
      mails: this.parsed - this.from,
      digests: this.digests,
      lost: [...this.expected].filter((k) => !except(k) && !this.seen.has(k)).length,
      duplicates: [...this.seen.values()].reduce((n, c) => n + c - 1, 0),
      duplicateMails: this.duplicateMails,
      duplicatedTo: this.duplicatedTo,
      others: this.others,
      lastMs: this.lastAt - this.T,
    };
  }
}

/**
 * Reads the morning until every expected notice (but those `except` names) has arrived and
 * nothing more came for `settleMs` (a duplicate would come then), or until `giveUpAt`.
 */
export async function watchMorning(
  accepted: Accepted[],
  burst: Pick<Burst, 'T' | 'expected'>,
  giveUpAt: number,
  options: { settleMs?: number; except?: (key: string) => boolean; reader?: MorningReader } = {},
): Promise<MorningMail> {
  const reader = options.reader ?? new MorningReader(accepted, burst.T.toMillis(), burst.expected);
  const settleMs = options.settleMs ?? 20_000;
  while (Date.now() < giveUpAt) {
    await sleep(1000);
    await reader.read();
    if (reader.complete(options.except) && Date.now() > burst.T.toMillis()) {
      const before = accepted.length;
      await sleep(settleMs);
      if (accepted.length === before) break;
    }
  }
  await reader.read();
  return reader.summary(options.except);
}
