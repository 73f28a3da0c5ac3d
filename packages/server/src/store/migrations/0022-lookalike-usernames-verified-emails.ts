import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { usernameSkeleton } from '../username-skeleton.js';

interface Users {
  users: {
    id: string;
    username: string;
    username_lower: string;
    username_skeleton: string | null;
    created_at: number;
  };
}

/**
 * Issue 35, item 7 (what the hostile client found):
 *
 * - Look-alike usernames: `username_skeleton` (store/username-skeleton.ts), unique. Existing
 *   users get theirs oldest first; where two existing names already share a skeleton, the older
 *   account holds it and the newer ones keep their names with a null skeleton (NULLs never
 *   collide), so the migration cannot fail and nobody is renamed — only new look-alikes are refused.
 *   An erased account's held name (`username_lower` starting with `~`) holds no skeleton.
 * - Email squatting: an address is unique only among verified ones. An unverified claim blocks
 *   nobody (sign-up answers the same either way), and the first account to verify the address
 *   owns it (services/email-verification.ts drops the other claims).
 */
export const lookalikeUsernamesVerifiedEmails: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('username_skeleton', 'varchar(256)').execute();
    const users = db as unknown as Kysely<Users>;
    const seen = new Set<string>();
    for (let after = { createdAt: -1, id: '' }; ;) {
      const { createdAt, id } = after;
      const rows = await users
        .selectFrom('users')
        .select(['id', 'username', 'username_lower', 'created_at'])
        .where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]))
        .orderBy('created_at')
        .orderBy('id')
        .limit(500)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.username_lower.startsWith('~')) continue;
        const skeleton = usernameSkeleton(row.username);
        if (seen.has(skeleton)) continue;
        seen.add(skeleton);
        await users.updateTable('users').set({ username_skeleton: skeleton }).where('id', '=', row.id).execute();
      }
      const last = rows.at(-1)!;
      after = { createdAt: Number(last.created_at), id: last.id };
    }
    await db.schema.createIndex('users_username_skeleton').on('users').column('username_skeleton').unique().execute();

    await db.schema.dropIndex('users_email_lower').execute();
    await db.schema.createIndex('users_email_lower').on('users').column('email_lower').execute();
    await db.schema
      .createIndex('users_email_verified')
      .on('users')
      .column('email_lower')
      .unique()
      .where(sql.ref('email_verified_at'), 'is not', null)
      .execute();
  },
};
