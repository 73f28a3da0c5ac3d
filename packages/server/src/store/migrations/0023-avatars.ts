import type { Kysely, Migration } from 'kysely';

/**
 * Issue 36 item 2: a person's picture. `avatar_version` is null without one; otherwise the time
 * (epoch ms) it was set, which names its blobs (services/accounts/avatar-service.ts) and goes in
 * its URL, so a browser may cache each version for good.
 */
export const avatars: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('avatar_version', 'bigint').execute();
  },
};
