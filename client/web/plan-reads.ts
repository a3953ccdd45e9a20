/**
 * What the desk's pages read: the running plans and one plan's compact records, from the
 * workflows at request time, one read serving the requests of the next moments (`cacheMs`); the
 * plan a request asks for (?plan=) or the only one, a page in Chinese when there is none.
 */
import type { FastifyRequest } from 'fastify';
import { localInstant } from '../../domain/dates';
import type { MeasureRecord } from '../../domain/record';
import { listPlanIds, plansOf, readRecords } from '../records';
import type { WebOptions } from './desk';
import { PageError } from './page-error';

const ZONE = 'Asia/Shanghai';

export function planReads(o: WebOptions) {
  // One read serves the requests of the next moments.
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < (o.cacheMs ?? 3000)) return hit.value as Promise<T>;
    const value = read();
    cache.set(key, { at: Date.now(), value });
    value.catch(() => cache.delete(key));
    return value;
  }
  /** One plan's compact records (every plan's without one); for a report, with the notes as they stood at the end of its day (`asOf`). */
  const records = (asOf?: string, planId?: string): Promise<MeasureRecord[]> =>
    cached(`records|${asOf ?? 'memo'}|${planId ?? '*'}`, () => {
      const notesAt = asOf === undefined ? undefined : localInstant(asOf, '23:59', ZONE) + 59_999;
      return readRecords(o.client, { notesAt, planId }).then((r) => r.records);
    });
  /**
   * The running plans, from their plan workflows (one visibility page, however many measures):
   * a page reads only its own plan's records. Empty where plans run without one (started before
   * plans were stored in Temporal): then the plans are read from every measure's record.
   */
  const planIds = (): Promise<string[]> => cached('plans', () => listPlanIds(o.client));
  async function runningPlans(asOf?: string): Promise<{ plans: { id: string; title: string }[]; all?: MeasureRecord[] }> {
    const ids = await planIds();
    if (ids.length) return { plans: ids.map((id) => ({ id, title: id })) };
    const all = await records(asOf);
    return { plans: plansOf(all), all };
  }

  /** The plan asked for (?plan=), or the only one; the records of it. */
  async function planOf(req: FastifyRequest, asOf?: string) {
    const q = req.query as Record<string, string | undefined>;
    const { plans, all } = await runningPlans(asOf);
    const wanted = typeof q.plan === 'string' && q.plan ? q.plan : undefined;
    const chosen = wanted ? plans.find((p) => p.id === wanted) : plans[0];
    const recs = chosen ? (all ? all.filter((r) => r.planId === chosen.id) : await records(asOf, chosen.id)) : [];
    // The title as the plan's measures carry it.
    const plan = chosen && { id: chosen.id, title: recs[0]?.planTitle ?? chosen.title };
    if (!plan) {
      if (wanted)
        throw new PageError(
          404,
          '没有这个计划',
          `没有运行中的计划“${wanted}”。`,
          plans.length ? `运行中的计划：${plans.map((p) => p.id).join('、')}` : undefined,
        );
      throw new PageError(404, '还没有计划', '还没有运行中的整改计划。', '用 rectify start <计划文件> 启动一个计划。');
    }
    return { plan, plans, records: recs, explicit: !!wanted };
  }

  return { records, runningPlans, planOf, invalidate: () => cache.clear() };
}
