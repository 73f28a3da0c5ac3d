import type { Kysely, Migration } from 'kysely';

/**
 * Each member's own settings of a conversation (mute, archive, clear history), and each user's
 * private event stream (events addressed to them alone: its newest position, for `prev`).
 */
export const memberSettings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('members')
      .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Archived while the conversation's last seq is at most this (null: not archived), so a new
    // message un-archives it without a write on the send path.
    await db.schema.alterTable('members').addColumn('archived_seq', 'bigint').execute();
    await db.schema
      .alterTable('members')
      .addColumn('cleared_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('stream_pos', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
