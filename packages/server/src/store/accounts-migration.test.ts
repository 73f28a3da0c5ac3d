import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTestSchema, postgresService, requireService, withPostgres } from '../../test/services.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

const describePostgres = await requireService(postgresService);

/** Runs SQL on the engine's database behind the store's back (as an older version left it). */
type Raw = (statement: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Migration 0013 on a database with users in it: as a version before issue 12 left it (no
 * account columns, emails not unique), users come through with their username keys and the
 * oldest holder of a duplicated address keeps it.
 */
function describeAccountsMigration(engine: string, open: () => Promise<{ store: Store; raw: Raw; dispose(): Promise<void> }>): void {
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
        expect(await store.getUser('u2')).toMatchObject({
          username: 'Alice',
          email: 'Same@Example.test',
          emailVerified: false,
          deletedAt: null,
        });
        expect(await store.getUser('u1')).toMatchObject({ username: 'bob', email: null });
        expect((await store.getUserByUsername('ALICE'))?.id).toBe('u2');
        expect((await store.getUserByEmail('same@example.test'))?.id).toBe('u2');
        expect(await store.setEmail('u0', 'carol@example.test')).toMatchObject({ email: 'carol@example.test' });
      } finally {
        await dispose();
      }
    });
  });
}

describeAccountsMigration('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-accounts-'));
  const file = path.join(dir, 'test.sqlite3');
  const store = openSqliteStore(file);
  await store.migrate();
  const connection = new SQLite(file);
  return {
    store,
    raw: async (statement, params = []) => {
      const prepared = connection.prepare(statement.replace(/\$\d+/g, '?'));
      return prepared.reader ? (prepared.all(...params) as Record<string, unknown>[]) : (prepared.run(...params), []);
    },
    dispose: async () => {
      connection.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('PostgreSQL', () => {
  describeAccountsMigration('postgres', async () => {
    const schema = await createTestSchema();
    const store = openPostgresStore(schema.url, { poolSize: 2 });
    await store.migrate();
    return {
      store,
      raw: (statement, params = []) => withPostgres(schema.url, async (client) => (await client.query(statement, params)).rows),
      dispose: async () => {
        await store.close();
        await schema.drop();
      },
    };
  });
});
