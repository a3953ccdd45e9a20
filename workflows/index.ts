export { measureWorkflow } from './measure';
export { digestWorkflow } from './digest';
export { lookbackReviewWorkflow } from './lookback';
export { lookbackCampaignWorkflow } from './campaign';
export { calendarWatchWorkflow } from './calendar-watch';
export { leadershipDigestWorkflow } from './leadership-digest';
export { rollupDigestWorkflow } from './rollup-digest';
export { planWorkflow } from './plan';
