/** Activities of the rectification worker: the I/O that workflows decide on, behind contracts/activities.ts. */
import type { Activities } from '../contracts/activities';
import type { NoticeDelivery } from './ports';

export interface ActivityDeps {
  /** Mail (SMTP or .eml files) in the worker; the JSON notice log in workflow tests. */
  delivery: NoticeDelivery;
}

export function createActivities({ delivery }: ActivityDeps): Activities {
  return {
    deliverNotice: (notice) => delivery.deliver(notice),
    sendDigest: (batch) => delivery.sendDigest(batch),
    reportUndelivered: (batch) => delivery.reportUndelivered(batch),
    alertOffice: (alert) => delivery.alertOffice(alert),
  };
}

export type { Activities };
