export { measureWorkflow } from './measure';
export { digestWorkflow } from './digest';
