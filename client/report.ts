/**
 * The progress report from live state: the plan's measure records (visibility, or a query each for
 * a past date), counted as they stood at the end of the day asked for. Shared by `rectify report`
 * and the web; the renderers are in documents/.
 */
import type { Client } from '@temporalio/client';
import { InputError } from '../config/plan-files';
import { chinaCalendar } from '../domain/calendar-data';
import { localDate, localInstant, plainDateZh, type IsoDate } from '../domain/dates';
import { beforePlanBegan, buildReport, type ProgressReport } from '../domain/report/model';
import type { MeasureRecord } from '../domain/record';
import { unknownPlan } from './actions';
import { plansOf, readRecords } from './records';

export const DEFAULT_ZONE = 'Asia/Shanghai';

export interface ReportRequest {
  planId?: string;
  /** The day the figures stand on; today when absent. */
  asOf?: IsoDate;
  preface?: string;
  nextSteps?: string;
  now?: number;
}

/** The one plan a request is about: the one named, or the only one running. */
export function choosePlan(records: MeasureRecord[], planId?: string): { id: string; title: string } | undefined {
  const plans = plansOf(records);
  if (planId) return plans.find((p) => p.id === planId);
  if (plans.length === 1) return plans[0];
  if (!plans.length) throw new InputError('还没有运行中的计划（用 rectify start 启动一个计划）');
  throw new InputError(`有多个运行中的计划，请用 --plan 指定：${plans.map((p) => `${p.id}（${p.title}）`).join('、')}`);
}

export async function progressReport(client: Client, request: ReportRequest = {}): Promise<ProgressReport> {
  const now = request.now ?? Date.now();
  const today = localDate(now, DEFAULT_ZONE);
  if (request.asOf && request.asOf > today)
    throw new InputError(`--as-of ${request.asOf}：${plainDateZh(request.asOf)}还没有到（今天是${plainDateZh(today)}）`);
  // Visibility's compact records, and by query the measures whose latest note as of the date they
  // cannot give (written since, or cut short).
  const zoneOfPlan = DEFAULT_ZONE;
  const end = request.asOf ? localInstant(request.asOf, '23:59', zoneOfPlan) + 59_999 : now;
  const { records } = await readRecords(client, { planId: request.planId, notesAt: end });
  const plan = choosePlan(records, request.planId);
  if (!plan) throw await unknownPlan(client, request.planId!);
  const mine = records.filter((r) => r.planId === plan.id);
  const zone = mine[0]?.timeZone ?? DEFAULT_ZONE;
  const early = request.asOf === undefined ? undefined : beforePlanBegan(mine, request.asOf);
  if (early) throw new InputError(`--as-of ${request.asOf}：${early.problem}${early.hint}`);
  return buildReport(mine, {
    planId: plan.id,
    planTitle: plan.title,
    asOf: request.asOf ?? localDate(now, zone),
    timeZone: zone,
    calendar: chinaCalendar({ unpublishedYears: 'statutory' }),
    preface: request.preface,
    nextSteps: request.nextSteps,
  });
}
