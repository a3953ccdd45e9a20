/**
 * What the desk's pages read: the running plans and one plan's compact records, from the
 * workflows at request time, one read serving the requests of the next moments (`cacheMs`); the
 * plan a request asks for (?plan=) or the first, a page in Chinese when there is none. Only the
 * plans the request may read (scope.ts): another's answers as a plan that does not run.
 */
import type { FastifyRequest } from 'fastify';
import { localInstant } from '../../domain/dates';
import type { MeasureRecord } from '../../domain/record';
import { listPlanIds, plansOf, readRecords } from '../records';
import type { WebOptions } from './desk';
import { PageError } from './page-error';
import { noSuchPlan, visibleTo } from './scope';

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
   * The running plans the request may read, from their plan workflows (one visibility page,
   * however many measures): a page reads only its own plan's records. Where plans run without one
   * (started before plans were stored in Temporal) the plans are read from every measure's
   * record, and `all` holds the readable plans' records.
   */
  const planIds = (): Promise<string[]> => cached('plans', () => listPlanIds(o.client));
  async function runningPlans(
    req: FastifyRequest,
    asOf?: string,
  ): Promise<{ plans: { id: string; title: string }[]; all?: MeasureRecord[] }> {
    const ids = await planIds();
    if (ids.length) return { plans: visibleTo(req, ids).map((id) => ({ id, title: id })) };
    const plans = visibleTo(req, plansOf(await records(asOf)));
    const all = (await records(asOf)).filter((r) => plans.some((p) => p.id === r.planId));
    return { plans, all };
  }

  /** The plan asked for (?plan=), or the first the request may read; the records of it. */
  async function planOf(req: FastifyRequest, asOf?: string) {
    const q = req.query as Record<string, string | undefined>;
    const { plans, all } = await runningPlans(req, asOf);
    const wanted = typeof q.plan === 'string' && q.plan ? q.plan : undefined;
    const chosen = wanted ? plans.find((p) => p.id === wanted) : plans[0];
    const recs = chosen ? (all ? all.filter((r) => r.planId === chosen.id) : await records(asOf, chosen.id)) : [];
    // The title as the plan's measures carry it.
    const plan = chosen && { id: chosen.id, title: recs[0]?.planTitle ?? chosen.title };
    if (!plan) {
      if (wanted) throw noSuchPlan(wanted, plans);
      if (req.account?.scope)
        throw new PageError(
          404,
          '还没有计划',
          '本账号可以查看的整改计划都还没有运行。',
          '计划启动后即可查看；账号的范围由 rectify user scope 设定。',
        );
      throw new PageError(404, '还没有计划', '还没有运行中的整改计划。', '用 rectify start <计划文件> 启动一个计划。');
    }
    return { plan, plans, records: recs, explicit: !!wanted };
  }

  return { records, runningPlans, planOf, invalidate: () => cache.clear() };
}
