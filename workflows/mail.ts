/** The mail lane's workflows (MAIL_TASK_QUEUE): the digests alone, a small bundle beside the main one. */
export { digestWorkflow } from './digest';
