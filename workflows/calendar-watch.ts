/**
 * A plan's calendar watch (`calendar:<planId>`): tells the office once, ALERT_LEAD_DAYS ahead,
 * when the plan's measures are about to count working days in a year whose holiday arrangement
 * nobody has published (they plan it provisionally on the statutory holidays meanwhile), on a
 * working day at the plan's send time like any mail to the office.
 * `rectify calendar refresh` tells it of newly published years, as it tells the measures.
 */
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { calendarAlert, calendarAlertsDue } from '../domain/calendar-alerts';
import { addDays, localDate, localInstant } from '../domain/dates';
import { validateRefreshCalendar } from '../domain/requests';
import { calendarAlertKey } from '../contracts/ids';
import type { CalendarWatchInput } from '../contracts/inputs';
import { getCalendarWatchQuery, refreshCalendarWatchUpdate, type CalendarWatchView } from '../contracts/messages';
import { PATCHES } from './patches';
import { alertOffice, officeSendAt } from './shared/proxies';
import { HandOver } from './shared/handover';
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
  const continueAsNewIfSuggested = async () => {
    if (!workflowInfo().continueAsNewSuggested) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof calendarWatchWorkflow>(continuation());
  };
  const continuation = (): CalendarWatchInput => ({ ...input, held: undefined, published: [...published], alerted: [...alerted] });
  const move = new HandOver(continuation, () => (changed = true), input.held);
  setHandler(getCalendarWatchQuery, view);
  setHandler(
    refreshCalendarWatchUpdate,
    (r) => {
      for (const year of Object.keys(r.years)) published.add(Number(year));
      changed = true;
      nextCheckAt = nextCheck();
      return view();
    },
    {
      validator: (r) => {
        move.refuseWhileMoving();
        validateRefreshCalendar(r);
      },
    },
  );

  await move.waitUntilReleased();
  for (;;) {
    await move.parkIfAsked();
    let today = localDate(Date.now(), input.timeZone);
    let due = calendarAlertsDue(published, alerted, today);
    // On a working day at the send time, not whenever the watch woke (started, refreshed, a day off).
    if (due.due.length && patched(PATCHES.calendarAlertOnWorkday)) {
      const sendAt = await officeSendAt({ now: Date.now(), at: input.sendAt, timeZone: input.timeZone });
      if (sendAt > Date.now()) {
        nextCheckAt = sendAt;
        changed = false;
        await sleepUntilOrChanged(() => changed || workflowInfo().continueAsNewSuggested, sendAt);
        // Woken early: by a refresh (its years may be published now: look again), or to continue as new.
        if (Date.now() < sendAt) {
          await continueAsNewIfSuggested();
          continue;
        }
        today = localDate(Date.now(), input.timeZone);
        due = calendarAlertsDue(published, alerted, today);
      }
    }
    // Told once it reached the office; a mail the office's server refused is tried again the next morning.
    let retryAt: number | undefined;
    for (const year of due.due) {
      const { delivered } = await alertOffice(calendarAlert(input.planId, year, today, calendarAlertKey(input.planId, year)));
      if (delivered) alerted.add(year);
      else retryAt = localInstant(addDays(today, 1), input.sendAt, input.timeZone);
    }
    await continueAsNewIfSuggested();
    nextCheckAt = Math.min(nextCheck(), retryAt ?? Infinity);
    changed = false;
    await sleepUntilOrChanged(() => changed || workflowInfo().continueAsNewSuggested, nextCheckAt);
  }
}
