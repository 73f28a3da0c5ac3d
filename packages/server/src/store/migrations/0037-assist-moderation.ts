import type { Kysely, Migration } from 'kysely';

/**
 * Issue 40 (Assist, reports and spam): reports of messages to the instance's admins, messages held
 * for review (the send's draft, delivered only when an admin releases it), and the spam model's
 * counts (per feature: how many spam and how many ordinary messages had it, from admins' decisions).
 */
export const assistModeration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('assist_reports')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('sender_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('reporter_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('reason', 'varchar(16)', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('resolved_by', 'varchar(64)')
      .addColumn('decision', 'varchar(16)')
      .execute();
    // One report per person and message: reporting again is the same report.
    await db.schema.createIndex('assist_reports_reporter').on('assist_reports').columns(['message_id', 'reporter_id']).unique().execute();
    // The trust rule reads the spam decisions against a sender.
    await db.schema.createIndex('assist_reports_sender').on('assist_reports').columns(['sender_id', 'decision']).execute();
    await db.schema
      .createTable('assist_held')
      .addColumn('message_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('sender_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('draft', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('assist_held_client').on('assist_held').columns(['sender_id', 'client_id']).unique().execute();
    await db.schema
      .createTable('assist_spam_features')
      .addColumn('feature', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('spam', 'integer', (c) => c.notNull())
      .addColumn('ham', 'integer', (c) => c.notNull())
      .execute();
  },
};
