import type { Kysely, Migration } from 'kysely';

/**
 * Issue 39: a report of an end-to-end encrypted message may carry its text as the reporter's
 * device decrypted it (`assist_reports.shared_text`), the only way an admin can read it; null for a
 * plain message, whose text the admins read from the message itself.
 */
export const reportSharedText: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('assist_reports').addColumn('shared_text', 'text').execute();
  },
};
