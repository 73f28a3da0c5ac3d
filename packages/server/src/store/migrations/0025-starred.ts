import type { Kysely, Migration } from 'kysely';

/**
 * Issue 36 item 8: a member can star a conversation, pinning it to the top of their own list.
 * A column of the membership row beside `muted`, as the other settings of mine are.
 */
export const starred: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('members')
      .addColumn('starred', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
