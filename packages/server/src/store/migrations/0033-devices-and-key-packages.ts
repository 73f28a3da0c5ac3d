import type { Kysely, Migration } from 'kysely';

/**
 * Issue 39 (end-to-end encryption, part 1): each user's devices, the identity key that signs their
 * list, and each device's pool of MLS KeyPackages (decision 0027). Keys and packages are kept as
 * URL-safe base64 text, as they travel.
 */
export const devicesAndKeyPackages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('devices')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'varchar(400)', (c) => c.notNull())
      .addColumn('signature_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('credential', 'varchar(700)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    // A user's devices, oldest first (GET /api/v1/devices, the signed list's check).
    await db.schema.createIndex('devices_user').on('devices').columns(['user_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('identity_keys')
      .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('identity_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('device_list', 'text', (c) => c.notNull())
      .addColumn('signature', 'varchar(128)', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('key_packages')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id').onDelete('cascade'))
      // The SHA-256 of the package's bytes (hex): the same package uploaded twice is stored once.
      .addColumn('ref', 'varchar(64)', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('last_resort', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('key_packages_device_ref', ['device_id', 'ref'])
      .execute();
    // The oldest unclaimed package of a device first (claims); the last-resort one apart.
    await db.schema.createIndex('key_packages_pool').on('key_packages').columns(['device_id', 'last_resort', 'created_at', 'id']).execute();
  },
};
