import type { Kysely, Migration } from 'kysely';

/**
 * Issue 39: a device's revocation and each MLS message placed in the one event log, so members
 * tell "ordered before the revocation" without comparing clocks (docs/encryption.md, "A revoked
 * device's past"). `devices.revoked_pos`: the log's head when the revocation committed;
 * `messages.log_pos`: an MLS message's `message.created` position. Both null for rows from
 * before: members compare those by time, as they did.
 */
export const revocationPositions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('devices').addColumn('revoked_pos', 'bigint').execute();
    await db.schema.alterTable('messages').addColumn('log_pos', 'bigint').execute();
  },
};
