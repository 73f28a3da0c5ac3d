import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Fixture } from '../conformance/fixtures.js';
import {
  createMysqlTemplate,
  createTestDatabase,
  migratedCopies,
  mysqlService,
  requireService,
  type TestDatabase,
  withMysql,
} from '../../../test/services.js';
import { describeStoreConformance } from '../store.conformance.js';
import { describeSearch } from '../search/search.conformance.js';
import { createMysqlDb, openMysqlStore } from './mysql-store.js';
import { MigrationSteps, STEPS_TABLE } from './mysql-migration-steps.js';
import { MysqlTranslation } from './mysql-translation.js';

const describeMysql = await requireService(mysqlService);

describeMysql('MySQL/MariaDB store', () => {
  // Each test works in a database of its own on the shared server, a copy of one migrated once.
  const migrated = migratedCopies(createMysqlTemplate, (url) => openMysqlStore(url, { poolSize: 1 }));

  describeStoreConformance('mysql', async () => {
    const database = await migrated();
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

  // The search's other plans (mysql-search.ts): the FULLTEXT index alone, and a walk of 2 rows before it (the seam).
  describe.each([0, 2])('search conformance, walking %i rows before the FULLTEXT index', (walkRows) => {
    const f = new Fixture();
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      const database = await migrated();
      const store = openMysqlStore(database.url, { poolSize: 4, searchWalkRows: walkRows });
      await store.migrate();
      f.store = store;
      dispose = async () => {
        await store.close();
        await database.drop();
      };
    });
    afterEach(() => dispose());
    describeSearch(f);
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

  const freshStore = async () => {
    const database = await freshDatabase();
    const store = openMysqlStore(database.url, { poolSize: 2 });
    cleanups.push(() => store.close());
    await store.migrate();
    return { database, store };
  };

  it('stores a lone surrogate as one U+FFFD, the rest of the text intact', async () => {
    const { store } = await freshStore();
    const f = new Fixture();
    f.store = store;
    const a = await f.user('surrogate_a');
    const { conversation } = await f.conversation('group', [a.id]);
    const [sent] = await f.append([f.msg(conversation.id, a.id, 's1', 'half \uD83D of an emoji')]);
    expect((await store.messages.getMessage(sent!.message.id))?.body).toBe('half \uFFFD of an emoji');
  });

  it('fails loudly on a BIGINT beyond 2^53 instead of rounding it', async () => {
    const { database, store } = await freshStore();
    await withMysql(database.url, (c) => c.query('update stream_head set pos = 9007199254740993 where id = 1'));
    await expect(store.events.streamHead()).rejects.toThrow(/9007199254740993 is beyond Number.MAX_SAFE_INTEGER/);
  });

  it('runs a migration that failed halfway again from the first step it had not done, each step recorded', async () => {
    const database = await freshDatabase();
    const steps = new MigrationSteps();
    const db = createMysqlDb(database.url, { poolSize: 1 }, new MysqlTranslation(), steps) as unknown as Kysely<unknown>;
    cleanups.push(() => db.destroy());
    await steps.prepare(db, 'utf8mb4_nopad_bin');
    let fail = true;
    const migration = steps.resumable('9999_test', {
      async up(m) {
        await m.schema
          .createTable('first_table')
          .addColumn('id', 'varchar(8)', (c) => c.primaryKey())
          .execute();
        await m.schema
          .createTable('second_table')
          .addColumn('id', 'varchar(8)', (c) => c.primaryKey())
          .execute();
        if (fail) throw new Error('the connection was lost');
        await m.schema.createIndex('second_table_id').on('second_table').column('id').execute();
      },
    });
    await expect(migration.up(db)).rejects.toThrow('the connection was lost');
    const done = async () =>
      (await sql<{ step: number }>`select step from ${sql.table(STEPS_TABLE)} where name = '9999_test' order by step`.execute(db)).rows.map(
        (r) => Number(r.step),
      );
    expect(await done()).toEqual([0, 1]);
    fail = false;
    // Run again from the top, "create table first_table" would fail: the table exists.
    await migration.up(db);
    expect(await done()).toEqual([0, 1, 2]);
    const { rows } = await sql<{ n: number }>`select count(*) as n from information_schema.statistics
      where table_schema = database() and index_name = 'second_table_id'`.execute(db);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  // What differs from one run of the migrations to the next: times, the stream's random epoch.
  const RUN_DEPENDENT = new Set(['timestamp', 'done_at', 'finished_at', 'epoch']);
  it('copies the migrated template the conformance tests use into a database like a freshly migrated one', async () => {
    const { database: fresh } = await freshStore();
    const copy = await migrated();
    cleanups.push(() => copy.drop());
    // What `migrate` makes, as the catalog describes it, and the rows it seeds.
    const describe = (url: string) =>
      withMysql(url, async (c) => {
        const catalog = async (query: string) => (await c.query(query))[0];
        const rows: Record<string, unknown> = {};
        const tables = (await catalog(
          `select table_name as name from information_schema.tables where table_schema = database() order by table_name`,
        )) as { name: string }[];
        for (const { name } of tables) {
          const [found] = await c.query(`select * from \`${name}\``);
          rows[name] = (found as Record<string, unknown>[])
            .map((row) => JSON.stringify(row, (key, value: unknown) => (RUN_DEPENDENT.has(key) ? undefined : value)))
            .sort();
        }
        return {
          tables: await catalog(`select table_name, engine, row_format, table_collation, auto_increment, create_options
            from information_schema.tables where table_schema = database() order by table_name`),
          columns: await catalog(`select table_name, column_name, ordinal_position, column_default, is_nullable, column_type,
              collation_name, extra, is_generated, generation_expression
            from information_schema.columns where table_schema = database() order by table_name, ordinal_position`),
          indexes: await catalog(`select table_name, index_name, seq_in_index, column_name, non_unique, sub_part, index_type
            from information_schema.statistics where table_schema = database() order by table_name, index_name, seq_in_index`),
          foreignKeys: await catalog(`select k.table_name, k.constraint_name, k.column_name, k.referenced_table_name,
              k.referenced_column_name, r.update_rule, r.delete_rule
            from information_schema.key_column_usage k join information_schema.referential_constraints r
              on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name
            where k.table_schema = database() order by k.table_name, k.constraint_name, k.ordinal_position`),
          rows,
        };
      });
    const [expected, copied] = [await describe(fresh.url), await describe(copy.url)];
    expect((expected.foreignKeys as unknown[]).length).toBeGreaterThan(0);
    expect(copied).toEqual(expected);
  });

  it('compares keys byte for byte, with no padding, in every table it made', async () => {
    const { database } = await freshStore();
    const [rows] = await withMysql(database.url, (c) =>
      c.query(`select table_name, column_name, collation_name from information_schema.columns
        where table_schema = database() and collation_name is not null
          and collation_name not in ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'ascii_bin')`),
    );
    expect(rows).toEqual([]);
  });
});
