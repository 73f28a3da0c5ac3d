import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Issue 37: one JSON column for what a message kind or feature keeps on the row (`content`: a
 * poll with its votes, where a forwarded copy came from), read and written by store/sql/rows.ts
 * whatever the kind, so the next kind needs no migration (docs/adding-a-feature.md, "seams").
 * `due_at`: when the server has to look at the message again by itself (a poll's `closesAt`),
 * null once nothing is due; the partial index keeps the sweep's scan to the messages waiting.
 */
export const messageContent: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('content', 'text').execute();
    await db.schema.alterTable('messages').addColumn('due_at', 'bigint').execute();
    await db.schema.createIndex('messages_due').on('messages').columns(['due_at', 'id']).where(sql.ref('due_at'), 'is not', null).execute();
  },
};
