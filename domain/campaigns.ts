/**
 * Look-back campaigns (回头看专项) as the office follows them: each campaign of each plan with the
 * measures it asked, where each review stands, and the counts — read from the measures' records
 * (each measure keeps its reviews for its whole life), so a campaign reads the same after its
 * workflows have closed. Pure; the desk's campaign pages and `rectify lookback status` count here.
 */
import type { IsoDate } from './dates';
import type { MeasureRecord } from './record';
import { LOOKBACK_STATUS_LABELS } from './vocabulary';

/** One measure's review in a campaign. */
export interface CampaignReview {
  planId: string;
  measureId: string;
  title: string;
  leadUnit: string;
  round: number;
  dueDate?: IsoDate;
  /** When the review falls due (ISO instant). */
  dueAt?: string;
  outcome?: 'sustained' | 'relapsed';
  recordedAt?: string;
  /** Still to be recorded after its due instant. */
  overdue: boolean;
}

/** A campaign's reviews counted: done (sustained or relapsed), pending, and of those overdue. */
export interface CampaignCounts {
  reviews: number;
  done: number;
  pending: number;
  overdue: number;
  sustained: number;
  relapsed: number;
}

export interface CampaignTally extends CampaignCounts {
  planId: string;
  name: string;
  /** The campaign's due date: its reviews' (the latest, should they differ). */
  dueDate?: IsoDate;
  /** When its first review opened (ISO instant). */
  startedAt: string;
  /** Every review, those waiting first (oldest due first), then by measure number. */
  measures: CampaignReview[];
}

const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Every campaign the records hold, newest first; a plan's campaigns apart from another plan's of the same name. */
export function campaignTallies(records: MeasureRecord[], now: number): CampaignTally[] {
  const tallies = new Map<string, CampaignTally>();
  for (const r of records)
    for (const l of r.lookbacks) {
      if (!l.campaign) continue;
      const key = `${r.planId}\n${l.campaign}`;
      const t =
        tallies.get(key) ??
        tallies
          .set(key, {
            planId: r.planId,
            name: l.campaign,
            startedAt: l.startedAt,
            reviews: 0,
            done: 0,
            pending: 0,
            overdue: 0,
            sustained: 0,
            relapsed: 0,
            measures: [],
          })
          .get(key)!;
      const overdue = !l.outcome && !!l.dueAt && Date.parse(l.dueAt) < now;
      t.reviews++;
      if (l.outcome) {
        t.done++;
        t[l.outcome]++;
      } else t.pending++;
      if (overdue) t.overdue++;
      if (l.startedAt < t.startedAt) t.startedAt = l.startedAt;
      if (l.dueDate && (!t.dueDate || l.dueDate > t.dueDate)) t.dueDate = l.dueDate;
      t.measures.push({
        planId: r.planId,
        measureId: r.id,
        title: r.title,
        leadUnit: r.leadUnit,
        round: l.round,
        ...(l.dueDate ? { dueDate: l.dueDate } : {}),
        ...(l.dueAt ? { dueAt: l.dueAt } : {}),
        ...(l.outcome ? { outcome: l.outcome } : {}),
        ...(l.recordedAt ? { recordedAt: l.recordedAt } : {}),
        overdue,
      });
    }
  for (const t of tallies.values())
    t.measures.sort(
      (a, b) =>
        Number(!!a.outcome) - Number(!!b.outcome) ||
        (a.outcome ? 0 : (a.dueAt ?? '').localeCompare(b.dueAt ?? '')) ||
        byNumber(a.measureId, b.measureId),
    );
  return [...tallies.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.name.localeCompare(b.name, 'zh-CN'));
}

/** Where a review stands, in words: 待核查, 逾期未核查, 已巩固, 反弹回潮. */
export function reviewWords(r: Pick<CampaignReview, 'outcome' | 'overdue'>): string {
  if (r.outcome) return LOOKBACK_STATUS_LABELS[r.outcome];
  return r.overdue ? '逾期未核查' : LOOKBACK_STATUS_LABELS.pending;
}

/** Where a campaign stands, in a line: 共5项：已核查3项（已巩固2项、反弹回潮1项），待核查2项（逾期1项）. */
export function campaignWords(t: CampaignCounts): string {
  const done = t.done ? `已核查${t.done}项（已巩固${t.sustained}项、反弹回潮${t.relapsed}项）` : '尚无核查结论';
  const pending = t.pending ? `，待核查${t.pending}项${t.overdue ? `（逾期${t.overdue}项）` : ''}` : '';
  return `共${t.reviews}项：${done}${pending}`;
}
