import { describe, expect, it } from 'vitest';
import { type RawStore, describeWithRawStore } from '../../test/raw-stores.js';

/**
 * Migration 0013 on a database with users in it: as a version before issue 12 left it (no
 * account columns, emails not unique), users come through with their username keys and the
 * oldest holder of a duplicated address keeps it.
 */
/** Back to the schema before 0019 (look-alike usernames, verified emails). */
async function undo0019(raw: RawStore['raw']): Promise<void> {
  await raw('drop index users_username_skeleton');
  await raw('drop index users_email_verified');
  await raw('alter table users drop column username_skeleton');
  await raw(`delete from kysely_migration where name like '0022_lookalike_usernames_verified_emails%'`);
}

function describeAccountsMigration(engine: string, open: () => Promise<RawStore>): void {
  describe(`migration 0013_accounts on existing users: ${engine}`, () => {
    it('keys existing usernames and keeps a duplicated address on its oldest account only', async () => {
      const { store, raw, dispose } = await open();
      try {
        // Back to the schema before 0013 (its PostgreSQL companion only re-collates what 0013 adds),
        // and so before 0019, which indexes the columns 0013 adds.
        await undo0019(raw);
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
        // Unverified: the address names nobody yet (issue 35); the first to verify it will own it.
        expect(await store.accounts.getUserByEmail('same@example.test')).toBeUndefined();
        expect(await store.accounts.setEmail('u0', 'carol@example.test')).toMatchObject({ email: 'carol@example.test' });
      } finally {
        await dispose();
      }
    });
  });
}

/**
 * Migration 0019 on users that already collide: each keeps their name, the oldest holds the
 * skeleton, and from then on a new look-alike is refused.
 */
function describeSkeletonMigration(engine: string, open: () => Promise<RawStore>): void {
  describe(`migration 0019 on existing look-alike usernames: ${engine}`, () => {
    it('keeps both of two existing look-alikes, gives the skeleton to the older, refuses new ones', async () => {
      const { store, raw, dispose } = await open();
      try {
        await undo0019(raw);
        await raw('drop index users_email_lower');
        await raw('create unique index users_email_lower on users (email_lower)');
        const insert = (id: string, username: string, createdAt: number) =>
          raw(
            'insert into users (id, username, username_lower, display_name, bio, email, is_admin, password_hash, created_at) values ($1, $2, $3, $4, $5, null, 0, $6, $7)',
            [id, username, username.toLowerCase(), username, '', 'hash', createdAt],
          );
        await insert('latin', 'copex123456', 2000);
        await insert('cyrillic', 'сорех123456', 1000); // older
        await store.migrate();
        expect(await store.users.getUser('latin')).toMatchObject({ username: 'copex123456' });
        expect(await store.users.getUser('cyrillic')).toMatchObject({ username: 'сорех123456' });
        const user = { displayName: 'x', bio: '', email: null, isAdmin: false, passwordHash: 'h', createdAt: 3000 };
        await expect(store.users.insertUser({ ...user, id: 'new', username: 'COPEX123456'.replace('O', 'О') })).rejects.toThrow();
        expect(await store.users.insertUser({ ...user, id: 'other', username: 'copex654321' })).toMatchObject({ id: 'other' });
      } finally {
        await dispose();
      }
    });
  });
}

describeWithRawStore(describeAccountsMigration);
describeWithRawStore(describeSkeletonMigration);
