/**
 * The live ledger from the workflows: each measure's record (visibility, or a query where the memo
 * cannot tell a past day) and its text, participants and stages (its getState), at most 16 queries
 * at a time. A past day's ledger is read with every note up to the end of that day.
 */
import { officialText } from '../domain/typography';
import type { Client } from '@temporalio/client';
import { getStateQuery } from '../contracts/messages';
import { chinaCalendar } from '../domain/calendar-data';
import { localDate, localInstant, plainDateZh, type IsoDate } from '../domain/dates';
import type { MeasureRecord } from '../domain/record';
import { exportRows, type ExportRow, type LedgerSpec } from '../domain/report/ledger-export';
import { InputError } from '../config/plan-files';
import { unknownPlan } from './actions';
import { mapBounded, readRecords } from './records';
import { choosePlan } from './report';

export interface LiveLedger {
  rows: ExportRow[];
  title: string;
  asOf: IsoDate;
}

/** The specs of these measures (what the ledger shows beyond the record). */
export async function ledgerSpecs(client: Client, records: MeasureRecord[]): Promise<Map<string, LedgerSpec>> {
  const specs = await mapBounded(records, 16, (r) =>
    client.workflow
      .getHandle(r.workflowId)
      .query(getStateQuery)
      .then((v) => v.spec),
  );
  return new Map(records.map((r, i) => [r.workflowId, specs[i]]));
}

export async function liveLedger(
  client: Client,
  o: { planId?: string; asOf?: IsoDate; now?: number; zone?: string; records?: MeasureRecord[] },
): Promise<LiveLedger> {
  const now = o.now ?? Date.now();
  const zone = o.zone ?? 'Asia/Shanghai';
  const today = localDate(now, zone);
  const past = o.asOf !== undefined && o.asOf < today;
  const at = past ? localInstant(o.asOf!, '23:59', zone) + 59_999 : now;
  if (o.asOf !== undefined && o.asOf > today)
    throw new InputError(`--as-of ${o.asOf}：${plainDateZh(o.asOf)}还没有到（今天是${plainDateZh(today)}）`);
  let records = o.records;
  let title = '巡视整改';
  if (!records) {
    const all = (await readRecords(client, { planId: o.planId, ...(past ? { notesAt: at } : {}) })).records;
    const plan = choosePlan(all, o.planId);
    if (!plan) throw await unknownPlan(client, o.planId!);
    records = all.filter((r) => r.planId === plan.id);
    title = plan.title;
  } else if (records.length) title = records[0].planTitle;
  const rows = exportRows(records, await ledgerSpecs(client, records), at, !past, chinaCalendar({ unpublishedYears: 'statutory' }));
  const asOf = past ? o.asOf! : today;
  return { rows, asOf, title: `${officialText(title)}整改台账（截至${plainDateZh(asOf)}）` };
}
