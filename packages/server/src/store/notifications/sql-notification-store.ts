import type { SqlContext } from '../sql-context.js';
import type { NotificationStore } from './notification-store.js';
import * as notifications from '../sql/notifications.js';

/**
 * `store.notifications` on the SQL engines: each method calls its query in
 * store/sql/notifications.ts.
 */
export function sqlNotificationStore({ db }: SqlContext): NotificationStore {
  return {
    createNotifications: (list, announce, deliveries) => notifications.createNotifications(db, list, announce, deliveries),
    listNotifications: (userId, page) => notifications.listNotifications(db, userId, page),
    markNotificationsRead: (userId, ids, now) => notifications.markNotificationsRead(db, userId, ids, now),
    countUnreadNotifications: (userId) => notifications.countUnreadNotifications(db, userId),
  };
}
