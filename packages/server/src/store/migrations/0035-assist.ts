import type { Kysely, Migration } from 'kysely';

/**
 * Issue 40 (Assist): each person's Assist switches (a row only once they change one: absent, all
 * on), the "Needs reply" items they dismissed, and an index of messages by sender, which the
 * needs-reply rule ("no answer from me after it") and frecency read.
 */
export const assist: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('assist_settings')
      .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('needs_reply', 'integer', (c) => c.notNull())
      .addColumn('catch_up', 'integer', (c) => c.notNull())
      .addColumn('reply_suggestions', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('assist_dismissals')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('dismissed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('assist_dismissals_pk', ['user_id', 'message_id'])
      .execute();
    // My messages, newest first: my latest answer in each conversation and thread, my recent interactions.
    await db.schema.createIndex('messages_sender').on('messages').columns(['sender_id', 'created_at']).execute();
  },
};
