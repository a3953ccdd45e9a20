/**
 * Where workflows live and what they are called: the task queue, the workflow type names, every
 * workflow id and every notice key, defined once for workflows, activities, the CLI and the web.
 */

/** The task queue of rectify's workflows and activities. */
export const TASK_QUEUE = 'rectification';

/**
 * The morning mail's own lane: digests (and their sends) run here, on a worker of their own in the
 * same process, so that they do not queue behind thousands of measures waking at the same instant.
 */
export const MAIL_TASK_QUEUE = 'rectification-mail';

/** Workflow type names: the functions workflows/index.ts exports, for visibility queries and starts by name. */
export const WORKFLOW = {
  measure: 'measureWorkflow',
  lookbackReview: 'lookbackReviewWorkflow',
  campaign: 'lookbackCampaignWorkflow',
  digest: 'digestWorkflow',
  calendarWatch: 'calendarWatchWorkflow',
  leadershipDigest: 'leadershipDigestWorkflow',
  rollupDigest: 'rollupDigestWorkflow',
  plan: 'planWorkflow',
} as const;

/** A visibility query's clause for one workflow type. */
export function ofType(type: (typeof WORKFLOW)[keyof typeof WORKFLOW]): string {
  return `WorkflowType = '${type}'`;
}

/** `measure:<plan>:<measure>`: one workflow per measure of a plan. */
export function measureWorkflowId(planId: string, measureId: string): string {
  return `measure:${planId}:${measureId}`;
}

export function parseMeasureWorkflowId(workflowId: string): { planId: string; measureId: string } | undefined {
  const m = /^measure:([^:]+):([^:]+)$/.exec(workflowId);
  return m ? { planId: m[1], measureId: m[2] } : undefined;
}

/** The plan (and measure) a workflow id names, whatever its kind: for logs. */
export function aboutWorkflowId(workflowId: string): { planId?: string; measureId?: string } {
  const measure = parseMeasureWorkflowId(workflowId);
  if (measure) return measure;
  const lookback = /^lookback:([^:]+):([^:]+):\d+$/.exec(workflowId);
  if (lookback) return { planId: lookback[1], measureId: lookback[2] };
  const plan = /^(?:digest|campaign|plan|calendar|leadership-digest):([^:]+)/.exec(workflowId);
  return plan ? { planId: plan[1] } : {};
}

/** `lookback:<plan>:<measure>:<round>`: a look-back review (回头看), numbered per measure. */
export function lookbackWorkflowId(planId: string, measureId: string, round: number): string {
  return `lookback:${planId}:${measureId}:${round}`;
}

/** `campaign:<plan>:<name>`: a look-back campaign the office launched. */
export function campaignWorkflowId(planId: string, name: string): string {
  return `campaign:${planId}:${name}`;
}

/** `digest:<plan>:<send instant>:<address>`: one recipient's notices for one send time. */
export function digestWorkflowId(planId: string, sendAt: number, email: string): string {
  return `digest:${planId}:${new Date(sendAt).toISOString()}:${email.toLowerCase()}`;
}

/** `plan:<plan>`: what a plan keeps in Temporal (its directory, policy, calendar options), for every worker. */
export function planWorkflowId(planId: string): string {
  return `plan:${planId}`;
}

/** `calendar:<plan>`: a plan's calendar watch. */
export function calendarWatchWorkflowId(planId: string): string {
  return `calendar:${planId}`;
}

export function planOfCalendarWatch(workflowId: string): string | undefined {
  return /^calendar:(.+)$/.exec(workflowId)?.[1];
}

/** A notice's idempotency key: `<workflow id>:<stage>`; it becomes the mail's Message-ID. */
export function noticeKey(workflowId: string, stage: string): string {
  return `${workflowId}:${stage}`;
}

/** The key of the office's alert that a plan's year is unpublished: one per plan and year. */
export function calendarAlertKey(planId: string, year: number): string {
  return `calendar:${planId}:${year}`;
}

/** `leadership-digest:<plan>`: the Schedule of a plan's weekly digest, and the prefix of the runs it starts. */
export function leadershipDigestScheduleId(planId: string): string {
  return `leadership-digest:${planId}`;
}

/**
 * `rollup-digest`: the deployment's one Schedule of the weekly digest at city or province level
 * (every district it follows, to its office), and the prefix of the runs it starts.
 */
export const ROLLUP_DIGEST_SCHEDULE_ID = 'rollup-digest';

/** The key of one week's roll-up digest to one address: it becomes the mail's Message-ID. */
export function rollupDigestKey(week: string, email: string): string {
  return `${ROLLUP_DIGEST_SCHEDULE_ID}:${week}|${email.toLowerCase()}`;
}

/** The key of one week's digest to one address: it becomes the mail's Message-ID. */
export function weeklyDigestKey(planId: string, week: string, email: string): string {
  return `leadership-digest:${planId}:${week}|${email.toLowerCase()}`;
}
