/** Activities of the rectification worker: the I/O that workflows decide on. */
import type { CalendarAlert } from '../domain/calendar-alerts';
import type { DeliveryResult, Notice } from '../domain/notice';
import type { DigestBatch, NoticeDelivery } from './mail/delivery';

export interface ActivityDeps {
  /** Mail (SMTP or .eml files) in the worker; the JSON notice log in workflow tests. */
  delivery: NoticeDelivery & {
    sendDigest?(batch: DigestBatch): Promise<DeliveryResult>;
    reportUndelivered?(batch: DigestBatch & { reason: string }): Promise<void>;
  };
}

export function createActivities(deps: ActivityDeps) {
  return {
    /** Delivers one notice; idempotent by its key. Throws only for what a retry may cure. */
    async deliverNotice(notice: Notice): Promise<DeliveryResult> {
      return deps.delivery.deliver(notice);
    },
    /** Tells the office a year's holiday arrangement is missing; idempotent by the alert's key. */
    async alertOffice(alert: CalendarAlert): Promise<DeliveryResult> {
      return deps.delivery.alertOffice(alert);
    },
    /** One recipient's merged notices for one send time, as one mail. */
    async sendDigest(batch: DigestBatch): Promise<DeliveryResult> {
      if (!deps.delivery.sendDigest) throw new Error('this worker delivers no mail digests');
      return deps.delivery.sendDigest(batch);
    },
    /** A digest that could not go out in a day: the office is told which measures. */
    async reportUndelivered(batch: DigestBatch & { reason: string }): Promise<void> {
      if (!deps.delivery.reportUndelivered) throw new Error('this worker delivers no mail digests');
      return deps.delivery.reportUndelivered(batch);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
