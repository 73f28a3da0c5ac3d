import type { Kysely, Migration } from 'kysely';

/**
 * Outbound notifications: the outbox of deliveries (webhook POSTs, Web Pushes), each written in
 * the transaction that stores its notification; the users' push subscriptions; and keys a
 * deployment generates once and every node must share (the VAPID pair on PostgreSQL).
 */
export const outbound: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notification_outbox')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('notification_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('channel', 'varchar(16)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      // A push's subscription endpoint (null for the webhook).
      .addColumn('endpoint', 'varchar(2048)')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      // A node delivering a row holds it until then (its lease), under its claim token.
      .addColumn('claimed_until', 'bigint')
      .addColumn('claim_token', 'varchar(64)')
      .addColumn('last_error', 'varchar(500)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // The claim's range: pending rows by when they are due.
    await db.schema.createIndex('notification_outbox_due').on('notification_outbox').columns(['status', 'next_attempt_at']).execute();

    await db.schema
      .createTable('push_subscriptions')
      .addColumn('endpoint', 'varchar(2048)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('p256dh', 'varchar(128)', (c) => c.notNull())
      .addColumn('auth', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('push_subscriptions_user').on('push_subscriptions').column('user_id').execute();

    await db.schema
      .createTable('server_keys')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
