/**
 * A plan's calendar watch (`calendar:<planId>`): tells the office once, ALERT_LEAD_DAYS ahead,
 * when the plan's measures are about to count working days in a year whose holiday arrangement
 * nobody has published (they plan it provisionally on the statutory holidays meanwhile).
 * `rectify calendar refresh` tells it of newly published years, as it tells the measures.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { calendarAlert, calendarAlertsDue } from '../domain/calendar-alerts';
import { addDays, localDate, localInstant } from '../domain/dates';
import { validateRefreshCalendar } from '../domain/requests';
import { calendarAlertKey } from '../contracts/ids';
import type { CalendarWatchInput } from '../contracts/inputs';
import { getCalendarWatchQuery, refreshCalendarWatchUpdate, type CalendarWatchView } from '../contracts/messages';
import { alertOffice } from './shared/proxies';
import { sleepUntilOrChanged } from './shared/timer';

export async function calendarWatchWorkflow(input: CalendarWatchInput): Promise<void> {
  const published = new Set(input.published);
  const alerted = new Set(input.alerted ?? []);
  let changed = false;
  let nextCheckAt: number | undefined;
  const view = (): CalendarWatchView => ({
    workflowId: workflowInfo().workflowId,
    planId: input.planId,
    published: [...published].sort(),
    alerted: [...alerted].sort(),
    nextCheckAt: nextCheckAt === undefined ? undefined : new Date(nextCheckAt).toISOString(),
  });
  /** When another year comes within reach: its alert day, at the send time. */
  const nextCheck = () =>
    localInstant(calendarAlertsDue(published, alerted, localDate(Date.now(), input.timeZone)).nextCheck, input.sendAt, input.timeZone);
  setHandler(getCalendarWatchQuery, view);
  setHandler(
    refreshCalendarWatchUpdate,
    (r) => {
      for (const year of Object.keys(r.years)) published.add(Number(year));
      changed = true;
      nextCheckAt = nextCheck();
      return view();
    },
    { validator: validateRefreshCalendar },
  );

  for (;;) {
    const today = localDate(Date.now(), input.timeZone);
    const due = calendarAlertsDue(published, alerted, today);
    // Told once it reached the office; a mail the office's server refused is tried again the next morning.
    let retryAt: number | undefined;
    for (const year of due.due) {
      const { delivered } = await alertOffice(calendarAlert(input.planId, year, today, calendarAlertKey(input.planId, year)));
      if (delivered) alerted.add(year);
      else retryAt = localInstant(addDays(today, 1), input.sendAt, input.timeZone);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof calendarWatchWorkflow>({ ...input, published: [...published], alerted: [...alerted] });
    }
    nextCheckAt = Math.min(nextCheck(), retryAt ?? Infinity);
    changed = false;
    await sleepUntilOrChanged(() => changed || workflowInfo().continueAsNewSuggested, nextCheckAt);
  }
}
