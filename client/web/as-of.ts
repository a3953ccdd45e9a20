/** The day a report or roll-up stands on, as a request asks it (?asOf=): today or before, or a 400 that says how to write it. */
import { isIsoDate, plainDateZh, type IsoDate } from '../../domain/dates';
import { PageError } from './page-error';

export function requestedAsOf(q: Record<string, unknown>, today: IsoDate): IsoDate | undefined {
  const asOf = typeof q.asOf === 'string' && q.asOf ? q.asOf : undefined;
  if (asOf !== undefined && (!isIsoDate(asOf) || asOf > today))
    throw new PageError(400, '日期有误', `截至日期（asOf）应为今天（${plainDateZh(today)}）或以前的日期，格式为YYYY-MM-DD：${asOf}`);
  return asOf;
}
