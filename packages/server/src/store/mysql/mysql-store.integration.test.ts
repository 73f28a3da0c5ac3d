import { afterEach, expect, it } from 'vitest';
import { createTestDatabase, mysqlService, requireService, type TestDatabase, withMysql } from '../../../test/services.js';
import { describeStoreConformance } from '../store.conformance.js';
import { openMysqlStore } from './mysql-store.js';

const describeMysql = await requireService(mysqlService);

describeMysql('MySQL/MariaDB store', () => {
  // Each test works in a database of its own on the shared server.
  describeStoreConformance('mysql', async () => {
    const database = await createTestDatabase();
    const store = openMysqlStore(database.url, { poolSize: 4 });
    await store.migrate();
    return {
      store,
      dispose: async () => {
        await store.close();
        await database.drop();
      },
    };
  });

  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const freshDatabase = async (): Promise<TestDatabase> => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    return database;
  };

  it('migrates one fresh database from three nodes starting at once, each migration once', async () => {
    const database = await freshDatabase();
    const stores = [1, 2, 3].map(() => openMysqlStore(database.url, { poolSize: 2 }));
    cleanups.push(() => Promise.all(stores.map((s) => s.close())));
    await Promise.all(stores.map((s) => s.migrate()));
    const [rows] = await withMysql(database.url, (c) => c.query('select name from kysely_migration order by name'));
    const names = (rows as { name: string }[]).map((r) => r.name);
    expect(names).toContain('0001_core');
    expect(names).toContain('0008_search_mysql');
    expect(new Set(names).size).toBe(names.length);
  });
});
