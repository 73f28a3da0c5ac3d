import type { Kysely, Migration } from 'kysely';

/** System messages (kind `system`) record what changed — membership, title — as JSON. */
export const systemMessages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('system', 'text').execute();
  },
};
