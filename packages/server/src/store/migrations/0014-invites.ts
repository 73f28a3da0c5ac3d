import type { Kysely, Migration } from 'kysely';

/** Issue 12: single-use invites (REGISTRATION=invite), kept as hashes of their tokens. */
export const invites: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('invites')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      // Null: made with the CLI (`confab admin invite`), by whoever runs the server.
      .addColumn('created_by', 'varchar(64)', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('used_by', 'varchar(64)', (c) => c.references('users.id').onDelete('set null'))
      .execute();
  },
};
