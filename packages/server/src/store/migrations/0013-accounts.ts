import type { Kysely, Migration } from 'kysely';
import { usernameKey } from '@confab/protocol';

type Users = Kysely<{
  users: { id: string; username: string; username_lower: string; email: string | null; email_lower: string | null; created_at: number };
}>;

/**
 * Issue 12, accounts: email addresses unique ignoring case and verified, erased accounts (their
 * username held for a while), what a session was last used from, and the single-use tokens mails
 * carry (stored as SHA-256 hashes only).
 *
 * Existing users: their username key is recomputed with the new folding (NFKC + case fold; the
 * same for the ASCII names allowed until now), their email stays unverified, and where two
 * accounts gave the same address (not unique until now) the oldest keeps it and the later ones
 * lose it: an unverified address could not be used for anything yet.
 */
export const accounts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('email_lower', 'varchar(254)').execute();
    await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
    await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
    await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute();
    await db.schema.alterTable('sessions').addColumn('user_agent', 'varchar(512)').execute();
    await db.schema.alterTable('sessions').addColumn('ip', 'varchar(64)').execute();

    const users = db as unknown as Users;
    const seen = new Set<string>();
    // Oldest first (created_at, then id): the first holder of an address keeps it.
    for (let after = { createdAt: -1, id: '' }; ;) {
      const { createdAt, id } = after;
      const rows = await users
        .selectFrom('users')
        .select(['id', 'username', 'username_lower', 'email', 'created_at'])
        .where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]))
        .orderBy('created_at')
        .orderBy('id')
        .limit(500)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const emailLower = row.email?.toLowerCase() ?? null;
        const duplicate = emailLower !== null && seen.has(emailLower);
        if (emailLower !== null) seen.add(emailLower);
        await users
          .updateTable('users')
          .set({
            username_lower: usernameKey(row.username),
            email: duplicate ? null : row.email,
            email_lower: duplicate ? null : emailLower,
          })
          .where('id', '=', row.id)
          .execute();
      }
      const last = rows.at(-1)!;
      after = { createdAt: Number(last.created_at), id: last.id };
    }
    // NULLs do not collide: any number of users may have no address.
    await db.schema.createIndex('users_email_lower').on('users').column('email_lower').unique().execute();

    await db.schema
      .createTable('account_tokens')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('email', 'varchar(254)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'purpose']).execute();
  },
};
