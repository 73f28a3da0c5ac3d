import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createTestSchema, postgresService, requireService, withPostgres } from './services.js';

/** Runs SQL on the engine's database behind the store's back (as an older version left it); `$1`-style parameters on both. */
export type Raw = (statement: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** A migrated store, a way around it, and what removes both. */
export interface RawStore {
  store: Store;
  raw: Raw;
  dispose(): Promise<void>;
}

const describePostgres = await requireService(postgresService);

/**
 * Describes `body` once per engine, each with a fresh migrated store and raw SQL on its database:
 * for tests that put a database back the way an older version left it (migration tests).
 */
export function describeWithRawStore(body: (engine: 'sqlite' | 'postgres', open: () => Promise<RawStore>) => void): void {
  body('sqlite', openRawSqlite);
  describePostgres('PostgreSQL', () => body('postgres', openRawPostgres));
}

async function openRawSqlite(): Promise<RawStore> {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-raw-'));
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
}

async function openRawPostgres(): Promise<RawStore> {
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
}
