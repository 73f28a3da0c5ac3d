import type { Kysely, Migration } from 'kysely';

/**
 * Issue 37: each user's saved messages ("save for later"). `conversation_id` is the message's,
 * kept here so the list can keep to the conversations the user is still a member of.
 */
export const savedMessages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('saved_messages')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('saved_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('saved_messages_pk', ['user_id', 'message_id'])
      .execute();
    // My saved messages, newest saved first (GET /api/v1/saved).
    await db.schema.createIndex('saved_messages_user').on('saved_messages').columns(['user_id', 'saved_at', 'message_id']).execute();
  },
};
