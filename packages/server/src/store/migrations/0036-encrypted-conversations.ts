import type { Kysely, Migration } from 'kysely';

/**
 * Issue 39 (end-to-end encryption, part 2): whether a conversation is encrypted, and per encrypted
 * conversation its MLS group (decision 0027): the group id, ciphersuite, current epoch (the one the
 * next commit must be made in) and the GroupInfo the latest commit left. MLS messages themselves
 * are messages (kind `encrypted`, the envelope in `content`): no table of their own.
 */
export const encryptedConversations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('conversations')
      .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('mls_groups')
      .addColumn('conversation_id', 'varchar(64)', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
      .addColumn('group_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('ciphersuite', 'integer', (c) => c.notNull())
      .addColumn('epoch', 'bigint', (c) => c.notNull())
      .addColumn('group_info', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
