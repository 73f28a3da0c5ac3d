import type { Kysely, Migration } from 'kysely';

/**
 * Issue 41: the event log's `created_at` index goes. Only pruning read it, to find the newest
 * event past the retention window, once a minute; every event written paid for it, a key and (on
 * SQLite) one more page in its commit: 15.3 → 14.2 WAL frames a one-message commit, up to 11 %
 * of its SQL (`bench/commit-pages.mjs`, variant `no-created-index`). Pruning now bisects positions
 * instead (`newestEventBefore` in event-log.ts), an event's time rising with its position.
 */
export const eventsWithoutCreatedAtIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('events_created_at').execute();
  },
};
