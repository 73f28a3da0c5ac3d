import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Store, openPostgresStore, openSqliteStore } from '../../packages/server/src/index.js';
import { createTestSchema, type TestSchema } from '../../packages/server/test/services.js';

/**
 * The set-up the seed tests share (grow and idle phases): a database the server's store migrated,
 * which the phase's own SQL then fills, and the server's store to read it back with, closed and
 * removed after the file's tests. Call inside a `describe`: it registers that block's hooks.
 */

/** A password hash in the stored format: the seeds write it, the store must hand it back unchanged. */
export const SEEDED_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

/** A SQLite file in a temporary directory of its own (`phase` names the directory). */
export function sqliteSeedTarget(phase: string) {
  let dir: string;
  let store: Store | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), `confab-${phase}-seed-`));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** The database file, migrated and closed again, for the seed to open. */
    async migratedFile(): Promise<string> {
      const file = path.join(dir, 'confab.sqlite3');
      const migrating = openSqliteStore(file);
      await migrating.migrate();
      await migrating.close();
      return file;
    },
    /** The server's store over the seeded file. */
    open(file: string): Store {
      store = openSqliteStore(file);
      return store;
    },
  };
}

/** A PostgreSQL schema of its own (the test service's database), dropped after the tests. */
export function postgresSeedTarget() {
  let schema: TestSchema;
  let store: Store | undefined;
  beforeAll(async () => {
    schema = await createTestSchema();
  });
  afterAll(async () => {
    await store?.close();
    await schema?.drop();
  });
  return {
    /** The schema's connection URL, for the seed. */
    get url(): string {
      return schema.url;
    },
    /** The server's store over the schema, migrated: the seed writes into its tables. */
    async migratedStore(): Promise<Store> {
      store = openPostgresStore(schema.url, { poolSize: 2 });
      await store.migrate();
      return store;
    },
  };
}
