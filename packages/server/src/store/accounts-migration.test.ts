import { describe, expect, it } from 'vitest';
import { type RawStore, describeWithRawStore } from '../../test/raw-stores.js';

/**
 * Migration 0013 on a database with users in it: as a version before issue 12 left it (no
 * account columns, emails not unique), users come through with their username keys and the
 * oldest holder of a duplicated address keeps it.
 */
function describeAccountsMigration(engine: string, open: () => Promise<RawStore>): void {
  describe(`migration 0013_accounts on existing users: ${engine}`, () => {
    it('keys existing usernames and keeps a duplicated address on its oldest account only', async () => {
      const { store, raw, dispose } = await open();
      try {
        // Back to the schema before 0013 (its PostgreSQL companion only re-collates what 0013 adds).
        await raw('drop table account_tokens');
        await raw('drop index users_email_lower');
        for (const column of ['email_lower', 'email_verified_at', 'deleted_at']) await raw(`alter table users drop column ${column}`);
        for (const column of ['last_used_at', 'user_agent', 'ip']) await raw(`alter table sessions drop column ${column}`);
        await raw(`delete from kysely_migration where name in ('0013_accounts', '0013_accounts_pg_bytewise')`);
        const insert = (id: string, username: string, email: string | null, createdAt: number) =>
          raw(
            'insert into users (id, username, username_lower, display_name, bio, email, is_admin, password_hash, created_at) values ($1, $2, $3, $4, $5, $6, 0, $7, $8)',
            [id, username, username.toLowerCase(), username, '', email, 'hash', createdAt],
          );
        // The older account has the larger id: age decides, not id order.
        await insert('u1', 'bob', 'same@example.TEST', 2000);
        await insert('u2', 'Alice', 'Same@Example.test', 1000);
        await insert('u0', 'carol', null, 3000);

        await store.migrate();
        expect(await store.users.getUser('u2')).toMatchObject({
          username: 'Alice',
          email: 'Same@Example.test',
          emailVerified: false,
          deletedAt: null,
        });
        expect(await store.users.getUser('u1')).toMatchObject({ username: 'bob', email: null });
        expect((await store.users.getUserByUsername('ALICE'))?.id).toBe('u2');
        expect((await store.accounts.getUserByEmail('same@example.test'))?.id).toBe('u2');
        expect(await store.accounts.setEmail('u0', 'carol@example.test')).toMatchObject({ email: 'carol@example.test' });
      } finally {
        await dispose();
      }
    });
  });
}

describeWithRawStore(describeAccountsMigration);
