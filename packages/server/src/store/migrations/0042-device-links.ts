import type { Kysely, Migration } from 'kysely';

/**
 * Issue 39 part 4: device linking. A new device's request for my identity key, answered by a
 * device of mine with the key sealed to the request's public key (decision 0027). Expiring and
 * single-use: the row says when it expires and whether it was answered and taken.
 */
export const deviceLinks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('device_links')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('device_name', 'varchar(400)', (c) => c.notNull())
      .addColumn('public_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('sealed', 'text')
      .addColumn('approved_by', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    // My pending requests, oldest first (the prompt on my other devices).
    await db.schema.createIndex('device_links_user').on('device_links').columns(['user_id', 'state', 'created_at']).execute();
  },
};
