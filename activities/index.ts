/** Activities of the rectification worker: the I/O that workflows decide on. */
import type { DeliveryResult, Notice } from '../domain/notice';
import { FileOutbox } from './outbox';

export interface ActivityDeps {
  outbox: FileOutbox;
}

export function createActivities(deps: ActivityDeps) {
  return {
    /** Delivers one notice; idempotent by its key (the email issue puts SMTP behind the same contract). */
    async deliverNotice(notice: Notice): Promise<DeliveryResult> {
      return deps.outbox.deliver(notice);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
