import type { SqlContext } from '../sql-context.js';
import type { PushStore } from './push-store.js';
import * as push from '../sql/push-subscriptions.js';

/**
 * `store.push` on the SQL engines: each method calls its query in store/sql/push-subscriptions.ts.
 */
export function sqlPushStore({ db }: SqlContext): PushStore {
  return {
    savePushSubscription: (subscription) => push.savePushSubscription(db, subscription),
    deletePushSubscription: (userId, endpoint) => push.deletePushSubscription(db, userId, endpoint),
    trimPushSubscriptions: (userId, keep) => push.trimPushSubscriptions(db, userId, keep),
    dropPushSubscription: (endpoint) => push.dropPushSubscription(db, endpoint),
    getPushSubscription: (endpoint) => push.getPushSubscription(db, endpoint),
    keepServerKey: (name, value, now) => push.keepServerKey(db, name, value, now),
  };
}
