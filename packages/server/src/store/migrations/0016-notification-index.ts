import type { Kysely, Migration } from 'kysely';

/**
 * Issue 10's mixed workload: a notification's insert cost as much as the message it was about.
 * Its two per-user indexes, (user_id, id) and (user_id, read_at, id), each took a random page
 * per row, written to the log at every commit. One index now serves both pages and the unread
 * count: (user_id, id) carries read_at, so "unread only" and the count filter entries of the
 * index without reading the rows. The count walks the user's whole range: a fraction of a
 * millisecond for thousands of notifications (docs/decisions/0016-one-notification-index.md).
 */
export const notificationIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('notifications_user_unread').execute();
    await db.schema.dropIndex('notifications_user').execute();
    await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id', 'read_at']).execute();
  },
};
