import type { Kysely, Migration } from 'kysely';

/**
 * Issue 37: scheduled send. A row per message a user scheduled: `pending` until a node's
 * dispatcher claims it at `scheduled_at` (under a lease: `claim_token`, `claimed_until`, as the
 * notification outbox does) and sends it, then `sent` (with `message_id`) or `failed`. Finished
 * rows stay, so a repeat of the scheduling request (same `client_id`) answers the same schedule.
 */
export const scheduledMessages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('scheduled_messages')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('reply_to_id', 'varchar(64)')
      .addColumn('thread_root_id', 'varchar(64)')
      .addColumn('scheduled_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('pending'))
      .addColumn('message_id', 'varchar(64)')
      .addColumn('claim_token', 'varchar(64)')
      .addColumn('claimed_until', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('scheduled_messages_client', ['user_id', 'client_id'])
      .execute();
    // What is due, soonest first (every node's dispatcher, every poll).
    await db.schema.createIndex('scheduled_messages_due').on('scheduled_messages').columns(['status', 'scheduled_at']).execute();
    // My pending schedules, soonest first (GET /api/v1/scheduled).
    await db.schema
      .createIndex('scheduled_messages_user')
      .on('scheduled_messages')
      .columns(['user_id', 'status', 'scheduled_at', 'id'])
      .execute();
  },
};
