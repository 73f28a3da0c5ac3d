import type { SqlContext } from '../sql-context.js';
import type { OutboxStore } from './outbox-store.js';
import * as outbox from '../sql/outbox.js';

/** `store.outbox` on the SQL engines: each method calls its query in store/sql/outbox.ts. */
export function sqlOutboxStore({ db, skipLocked }: SqlContext): OutboxStore {
  return {
    claimDeliveries: (now, claim) => outbox.claimDeliveries(db, now, claim, skipLocked),
    completeDeliveries: (ids, token) => outbox.completeDeliveries(db, ids, token),
    retryDelivery: (id, token, nextAttemptAt, error) => outbox.retryDelivery(db, id, token, nextAttemptAt, error),
    abandonDelivery: (id, token, error) => outbox.abandonDelivery(db, id, token, error),
    listDeadDeliveries: (limit) => outbox.listDeadDeliveries(db, limit),
    countPendingDeliveries: () => outbox.countPendingDeliveries(db),
  };
}
