import type { Kysely, Migration } from 'kysely';

/**
 * Issue 37: drafts that follow me across devices, one row per (user, conversation). A cleared
 * draft keeps its row (body '') and its version, so a save based on a version from before the
 * clear is refused rather than bringing sent text back.
 */
export const drafts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('drafts')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('reply_to_id', 'varchar(64)')
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('drafts_pk', ['user_id', 'conversation_id'])
      .execute();
    // My drafts, newest first (GET /api/v1/drafts).
    await db.schema.createIndex('drafts_user_updated').on('drafts').columns(['user_id', 'updated_at']).execute();
  },
};
