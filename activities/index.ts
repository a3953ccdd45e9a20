/** Activities of the rectification worker: the I/O that workflows decide on, behind contracts/activities.ts. */
import type { Activities } from '../contracts/activities';
import { ApplicationFailure } from '@temporalio/common';
import { chinaCalendar } from '../domain/calendar-data';
import { digestSendAt, weeklyDigest } from '../domain/weekly';
import { rollupWeek } from '../domain/rollup-weekly';
import { officeSendAt } from '../domain/calendar-alerts';
import type { CampaignSource, NoticeDelivery, PlanRecords } from './ports';
import { heartbeating } from './attempt';
import { countDigest, countNotice, countPrepared } from './metrics';

export interface ActivityDeps {
  /** Mail (SMTP or .eml files) in the worker; the JSON notice log in workflow tests. */
  delivery: NoticeDelivery;
  /** The plans' measure records (the weekly digest counts from them); absent where no digest runs. */
  plans?: PlanRecords;
  /** Campaigns' selections, page by page; absent where no campaign runs by selection. */
  campaigns?: CampaignSource;
}

/** The deployment's calendar, as the CLI and the web count (installed years are published). */
const calendar = () => chinaCalendar({ unpublishedYears: 'statutory' });

export function createActivities({ delivery, plans, campaigns }: ActivityDeps): Activities {
  return {
    deliverNotice: (notice) => heartbeating(async () => countNotice(notice, await delivery.deliver(notice))),
    prepareNotice: async (notice) => {
      if (!delivery.prepare) return { prepared: false, reason: 'no-digests' };
      const outcome = await delivery.prepare(notice);
      if (outcome.prepared) countPrepared(notice);
      return outcome;
    },
    withdrawPrepared: async ({ key, copies }) => {
      // Only a delivery that prepares hands out digest copies; without one there is nothing to take back.
      if (!delivery.withdraw) throw ApplicationFailure.nonRetryable('这个 worker 不合并汇总邮件，无法撤回预备的通知', 'NoDigests');
      return delivery.withdraw(key, copies);
    },
    sendDigest: (batch) => heartbeating(async () => countDigest(await delivery.sendDigest(batch))),
    reportUndelivered: (batch) => heartbeating(() => delivery.reportUndelivered(batch)),
    alertOffice: (alert) => heartbeating(() => delivery.alertOffice(alert)),
    officeSendAt: async ({ now, at, timeZone }) => officeSendAt(now, at, timeZone, calendar()),
    weeklyDigestSendAt: async ({ firedAt, at, timeZone }) => digestSendAt(firedAt, { at }, timeZone, calendar()),
    sendWeeklyDigest: ({ planId, from, to }) =>
      heartbeating(async () => {
        if (!plans) throw ApplicationFailure.nonRetryable('这个 worker 没有读取措施的途径，无法生成周报', 'NoPlanRecords');
        const records = await plans.records(planId);
        const week = weeklyDigest(records, from, to, calendar());
        // Nothing open, nothing to tell: no mail.
        if (!week.open) return { sent: [], open: 0 };
        return delivery.sendWeekly(week);
      }),
    sendRollupDigest: ({ recipients, title, planIds, from, to }) =>
      heartbeating(async () => {
        if (!plans?.everyPlan)
          throw ApplicationFailure.nonRetryable('这个 worker 没有读取各计划措施的途径，无法生成各地区周报', 'NoPlanRecords');
        const week = rollupWeek(await plans.everyPlan(planIds), from, to, calendar(), title);
        const districts = week.rollup.districts.length;
        // Nothing open anywhere, nothing to tell: no mail.
        if (!week.open) return { sent: [], districts, moved: 0 };
        return delivery.sendRollupWeekly(week, recipients);
      }),
    campaignPage: async ({ select, pageToken, pageSize }) => {
      if (!campaigns) throw ApplicationFailure.nonRetryable('这个 worker 没有列出措施的途径，无法按条件开展回头看专项', 'NoCampaignSource');
      return campaigns.page(select, pageToken, pageSize);
    },
  };
}

export type { Activities };
