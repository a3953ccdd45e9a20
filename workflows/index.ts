export { measureWorkflow } from './measure';
