import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Issue 35 item 2: each user's own state of a thread. `read_seq` is the seq of the newest reply
 * the user has read (never moves back); `following` says whether the thread counts in the user's
 * `unreadThreads`. A row appears when the user is involved (the root's author, a replier, someone
 * mentioned in the thread: store/sql/threads.ts), reads the thread, or follows it by hand.
 */
export const threadReads: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('thread_reads')
      .addColumn('root_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('following', 'integer', (c) => c.notNull())
      .addColumn('read_seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('thread_reads_pk', ['root_id', 'user_id'])
      .execute();
    // My threads of a conversation (unreadThreads in the conversation list).
    await db.schema.createIndex('thread_reads_user').on('thread_reads').columns(['user_id', 'conversation_id', 'following']).execute();
    // A conversation's threads, newest reply first (GET …/threads): the roots alone, as in 0018.
    await db.schema
      .createIndex('messages_thread_roots')
      .on('messages')
      .columns(['conversation_id', 'last_reply_at', 'id'])
      .where(sql.ref('last_reply_at'), 'is not', null)
      .execute();
  },
};
