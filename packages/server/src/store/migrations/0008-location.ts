import type { Kysely, Migration } from 'kysely';

/**
 * Location messages (kind `location`): the shared place as JSON on the row. The search index is
 * each engine's own (sqlite/sqlite-search.ts, postgres/postgres-search.ts), in its migrations.
 */
export const location: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('location', 'text').execute();
  },
};
