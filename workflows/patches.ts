/**
 * Named patch ids for patched(): one entry per change to a workflow that was running when the
 * change shipped, with what it guards and when it can go. To retire one: first replace
 * patched(id) with deprecatePatch(id) once no execution that started before the change is
 * running (`temporal workflow count` on its start time), ship that, then remove the call.
 */
export const PATCHES = {
  /**
   * Measures start look-back reviews after close-out (issue 5). Histories recorded before it
   * (test/histories/life-*.json but life-relapsed) replay without reviews. Deprecate when no
   * measure started before 2026-11 runs.
   */
  lookbackReviews: 'lookback-reviews',
  /**
   * A cancelled look-back campaign stops instead of swallowing the cancellation and completing
   * (issue 9). Cancelled campaigns recorded before it replay as they ran. Deprecate when no
   * campaign started before 2026-11 is open or will be queried.
   */
  campaignStopsOnCancel: 'campaign-stops-on-cancel',
  /**
   * One due rule (issue 10): a date falls due at the end of the last working day on or before it.
   * Measures started since carry it in their spec; earlier ones adopt it at their next live wake.
   * Deprecate when no measure started before 2026-11 runs.
   */
  dueOnWorkday: 'due-on-workday',
  /**
   * Measures publish their record in their memo (issue 11), so that reports and the ledger read
   * visibility instead of querying every measure. Histories recorded before it replay without the
   * memo commands; running measures publish from their next live wake (readers query those that
   * have not yet). Deprecate when no measure started before 2026-12 runs.
   */
  reportMemo: 'report-memo',
  /**
   * Scheduled notices are handed to their digests PREPARE_LEAD_MS before their send instant, which
   * send them at the instant (issue 14: the 09:00 burst). Histories recorded before it replay as
   * they ran (notices delivered at their instant); running measures prepare from their next live
   * wake. Deprecate when no measure started before 2026-12 runs.
   */
  preparedDigests: 'prepared-digests',
  /**
   * A deadline the plan moves (`plan apply`) is told to the lead unit and the leader, as an approved
   * extension is (issue 21). Amendments recorded before it replay without the notice. Deprecate
   * when no measure started before 2026-12 runs.
   */
  deadlineChangedNotice: 'deadline-changed-notice',
  /**
   * The calendar watch sends its alert within a working day's send window (issue 21: one reached
   * the office on a Sunday at 12:16, when the watch woke). Watches recorded before it
   * (test/histories/calendar-watch.json) replay sending at once; running ones wait for the send
   * window from their next alert on. Deprecate when no watch started before 2027-01 runs.
   */
  calendarAlertOnWorkday: 'calendar-alert-on-workday',
} as const;

// The plan workflow (workflows/plan.ts) is new in issue 13: none ran before it.
