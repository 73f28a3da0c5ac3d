import type { Kysely, Migration } from 'kysely';

/**
 * Messages people can work with (issue 10): edits with their earlier versions, tombstones,
 * replies and threads, reactions, mentions and pins.
 *
 * Reactions and mentions live on the message row as JSON (what every read of a message needs,
 * with no join per page); mentions are also kept one row per mentioned user in
 * `message_mentions`, so "mentions of me after my read marker" is an indexed count.
 */
export const messageLifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('messages')
      .addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('text'))
      .execute();
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    const columns: [string, 'bigint' | 'varchar(64)' | 'integer' | 'text', string | number | null][] = [
      ['edited_at', 'bigint', null],
      ['deleted_at', 'bigint', null],
      ['reply_to_id', 'varchar(64)', null],
      ['thread_root_id', 'varchar(64)', null],
      ['reply_count', 'integer', 0],
      ['last_reply_at', 'bigint', null],
      ['reactions', 'text', '[]'],
      ['mentions', 'text', '[]'],
      ['pinned_at', 'bigint', null],
      ['pinned_by', 'varchar(64)', null],
    ];
    for (const [name, type, fallback] of columns) {
      await db.schema
        .alterTable('messages')
        .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
        .execute();
    }
    await db.schema.createIndex('messages_thread').on('messages').columns(['thread_root_id', 'seq']).execute();
    await db.schema.createIndex('messages_pinned').on('messages').columns(['conversation_id', 'pinned_at']).execute();

    // Earlier bodies of edited messages; emptied when the message is deleted.
    await db.schema
      .createTable('message_edits')
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('edited_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('message_edits_pk', ['message_id', 'version'])
      .execute();

    await db.schema
      .createTable('message_mentions')
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('message_mentions_pk', ['message_id', 'user_id'])
      .execute();
    await db.schema.createIndex('message_mentions_user').on('message_mentions').columns(['user_id', 'conversation_id', 'seq']).execute();
  },
};
