import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import {
  createPostgresTemplate,
  createTestSchema,
  migratedCopies,
  postgresService,
  requireService,
  type TestSchema,
  withPostgres,
} from '../../../test/services.js';
import { Fixture, sendPlan } from '../conformance/fixtures.js';
import { newRecord } from '../sql/append-steps.js';
import { messageRow } from '../sql/rows.js';
import type { AppendResult } from '../store.js';
import { describeStoreConformance } from '../store.conformance.js';
import { StoreUnavailable } from '../unavailable.js';
import { createPostgresDb, openPostgresStore } from './postgres-store.js';

const describePostgres = await requireService(postgresService);

describePostgres('PostgreSQL store', () => {
  // Each test works in a database of its own, a copy of one migrated once (the tests below that
  // are about schemas make their own).
  const migrated = migratedCopies(createPostgresTemplate, (url) => openPostgresStore(url, { poolSize: 1 }));

  describeStoreConformance('postgres', async () => {
    const database = await migrated();
    const store = openPostgresStore(database.url, { poolSize: 4 });
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
  const freshSchema = async (): Promise<TestSchema> => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    return schema;
  };

  it('migrates one fresh schema from three nodes starting at once, each migration once', async () => {
    const schema = await freshSchema();
    const stores = [1, 2, 3].map(() => openPostgresStore(schema.url, { poolSize: 2 }));
    cleanups.push(() => Promise.all(stores.map((s) => s.close())));
    await Promise.all(stores.map((s) => s.migrate()));
    const applied = await withPostgres(schema.url, (c) => c.query<{ name: string }>('select name from kysely_migration order by name'));
    const names = applied.rows.map((r) => r.name);
    expect(names).toContain('0001_core');
    expect(new Set(names).size).toBe(names.length);
    for (const store of stores) await expect(store.ping()).resolves.toBeUndefined();
  });

  it('keeps its migration bookkeeping in its own schema when another schema already has some', async () => {
    const [first, second] = [await freshSchema(), await freshSchema()];
    for (const schema of [first, second]) {
      const store = openPostgresStore(schema.url, { poolSize: 1 });
      cleanups.push(() => store.close());
      await store.migrate();
    }
    const tables = await withPostgres(second.url, (c) =>
      c.query<{ n: string }>(`select count(*) as n from pg_tables where schemaname = $1 and tablename = 'kysely_migration'`, [second.name]),
    );
    expect(Number(tables.rows[0]!.n)).toBe(1);
  });

  it('sets synchronous_commit=on and jit=off on every connection, even when the URL asks otherwise', async () => {
    const schema = await freshSchema();
    const url = new URL(schema.url);
    url.searchParams.set('options', `-c synchronous_commit=off -c jit=on -c search_path=${schema.name}`);
    const asked = await withPostgres(url.toString(), (c) =>
      c.query<{ synchronous_commit: string; jit: string }>(
        "select current_setting('synchronous_commit') as synchronous_commit, current_setting('jit') as jit",
      ),
    );
    expect(asked.rows[0]).toEqual({ synchronous_commit: 'off', jit: 'on' });

    const db = createPostgresDb(url.toString(), { poolSize: 3 });
    cleanups.push(() => db.destroy());
    // Three overlapping transactions hold three different connections.
    const settings = await Promise.all(
      [1, 2, 3].map(() =>
        db.transaction().execute(async (trx) => {
          await sql`select pg_sleep(0.05)`.execute(trx);
          const { rows } = await sql<{
            synchronous_commit: string;
            jit: string;
            pid: number;
          }>`select current_setting('synchronous_commit') as synchronous_commit, current_setting('jit') as jit, pg_backend_pid() as pid`.execute(
            trx,
          );
          return rows[0]!;
        }),
      ),
    );
    expect(settings.map((s) => s.synchronous_commit)).toEqual(['on', 'on', 'on']);
    expect(settings.map((s) => s.jit)).toEqual(['off', 'off', 'off']);
    expect(new Set(settings.map((s) => s.pid)).size).toBe(3);
  });

  it('leaves the null rows out of the indexes of mostly-null columns (migration 0018)', async () => {
    const schema = await freshSchema();
    const store = openPostgresStore(schema.url, { poolSize: 1 });
    cleanups.push(() => store.close());
    await store.migrate();
    const { rows } = await withPostgres(schema.url, (c) =>
      c.query<{ indexname: string; indexdef: string }>(
        `select indexname, indexdef from pg_indexes where schemaname = $1
         and indexname in ('messages_pinned', 'messages_thread', 'events_subject_pos') order by indexname`,
        [schema.name],
      ),
    );
    expect(rows.map((r) => [r.indexname, /WHERE \((\w+) IS NOT NULL\)$/.exec(r.indexdef)?.[1]])).toEqual([
      ['events_subject_pos', 'subject_user_id'],
      ['messages_pinned', 'pinned_at'],
      ['messages_thread', 'thread_root_id'],
    ]);
  });

  it('makes every text column byte-wise (COLLATE "C"), so ordering matches SQLite', async () => {
    const schema = await freshSchema();
    const store = openPostgresStore(schema.url, { poolSize: 1 });
    cleanups.push(() => store.close());
    await store.migrate();
    // A shared migration that adds text columns needs its companion in postgres-migrations.ts.
    const { rows } = await withPostgres(schema.url, (c) =>
      c.query<{ column: string }>(
        `select c.relname || '.' || a.attname as column
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relkind = 'r' and c.relname not like 'kysely_%'
           and a.attnum > 0 and not a.attisdropped and a.atttypid in ('text'::regtype, 'varchar'::regtype)
           and a.attcollation <> (select oid from pg_collation where collname = 'C')`,
        [schema.name],
      ),
    );
    expect(rows.map((r) => r.column)).toEqual([]);
  });

  it("introspects its own schema only, so another schema's tables coming and going cannot fail a migration", async () => {
    const [mine, theirs] = [await freshSchema(), await freshSchema()];
    const store = openPostgresStore(mine.url, { poolSize: 1 });
    cleanups.push(() => store.close());
    await store.migrate();
    const other = createPostgresDb(theirs.url, { poolSize: 1 });
    cleanups.push(() => other.destroy());
    await sql`create table elsewhere (id int)`.execute(other);
    const db = createPostgresDb(mine.url, { poolSize: 1 });
    cleanups.push(() => db.destroy());
    const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([mine.name]));
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'messages', 'events']));
    expect(tables.map((t) => t.name)).not.toContain('elsewhere');
  });

  it('reads int8 as a number and refuses one a number cannot hold exactly', async () => {
    const db = createPostgresDb(postgresService.url, { poolSize: 1 });
    cleanups.push(() => db.destroy());
    const { rows } = await sql<{ ms: unknown }>`select 1700000000000::int8 as ms`.execute(db);
    expect(rows[0]!.ms).toBe(1_700_000_000_000);
    await expect(sql`select 9007199254740993::int8 as n`.execute(db)).rejects.toThrow(RangeError);
  });

  it('reports a database that cannot be reached as StoreUnavailable (503 unavailable)', async () => {
    const url = new URL(postgresService.url);
    url.port = '1'; // nothing listens there
    const store = openPostgresStore(url.toString(), { poolSize: 1 });
    cleanups.push(() => store.close());
    const failure = await store.users.getUser('someone').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailable);
    expect(failure).toMatchObject({ code: 'unavailable', status: 503 });
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('reports a connection the server terminated as StoreUnavailable, then reconnects', async () => {
    const idleErrors: Error[] = [];
    const db = createPostgresDb(postgresService.url, { poolSize: 1, onIdleError: (e) => idleErrors.push(e) });
    cleanups.push(() => db.destroy());
    await db.connection().execute(async (connection) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection);
      await withPostgres(postgresService.url, async (c) => {
        await c.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        // pg_terminate_backend only signals: wait until the backend is gone, or the next query may still be served.
        const deadline = Date.now() + 10_000;
        while ((await c.query('select 1 from pg_stat_activity where pid = $1', [rows[0]!.pid])).rowCount! > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
      });
      await expect(sql`select 1`.execute(connection)).rejects.toBeInstanceOf(StoreUnavailable);
    });
    // The pool dropped the dead connection: the next query gets a new one.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows[0]!.one).toBe(1);
  });
  it("gives the append function every column of messages: messageRow's and the search vector, nothing defaulted", async () => {
    // The function inserts whole rows typed by the table (json_populate_recordset): a column the
    // node does not send would be null there, where the statement-by-statement insert takes its default.
    const schema = await freshSchema();
    const store = openPostgresStore(schema.url, { poolSize: 1 });
    cleanups.push(() => store.close());
    await store.migrate();
    const columns = await withPostgres(schema.url, (c) =>
      c.query<{ name: string }>(
        `select column_name as name from information_schema.columns where table_schema = $1 and table_name = 'messages'`,
        [schema.name],
      ),
    );
    const sent = Object.keys(
      messageRow(newRecord({ id: 'm', conversationId: 'c', senderId: 'u', clientId: 'k', body: 'b', createdAt: 1 }, 1)),
    );
    expect([...sent, 'search_vector'].sort()).toEqual(columns.rows.map((r) => r.name).sort());
  });

  it('stores a batch of new plain messages in one round trip; one resending a stored pair in five, writing nothing on the first', async () => {
    const schema = await freshSchema();
    // What the pool's connections send: the append function's calls, and the rest by first word.
    let sent: string[] = [];
    const store = openPostgresStore(schema.url, {
      poolSize: 1,
      observePool: (pool) =>
        pool.on('connect', (client) => {
          const query = client.query.bind(client) as (...args: unknown[]) => unknown;
          (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
            if (typeof args[0] === 'string')
              sent.push(args[0].startsWith('select * from confab_append_fresh(') ? 'append' : args[0].split(/\s/)[0]!);
            return query(...args);
          };
        }),
    });
    cleanups.push(() => store.close());
    await store.migrate();
    const f = new Fixture();
    f.store = store;
    const [a, b] = [await f.user('ann'), await f.user('ben')];
    const conv = (await f.conversation('group', [a.id, b.id])).conversation;

    sent = [];
    const first = await store.messages.appendMessages([f.msg(conv.id, a.id, 'k1'), f.msg(conv.id, b.id, 'k2')], sendPlan);
    expect(sent).toEqual(['append']);
    const stored = first.results as AppendResult[];
    expect(stored.map((r) => r.message.seq)).toEqual([1, 2]);

    sent = [];
    const again = await store.messages.appendMessages([f.msg(conv.id, b.id, 'k3'), f.msg(conv.id, a.id, 'k1', 'resent')], sendPlan);
    expect(sent).toEqual(['append', 'begin', 'select', 'append', 'commit']);
    expect(again.results[1]).toEqual({ message: stored[0]!.message, created: false });
    expect(again.results[0]).toMatchObject({ created: true, message: { seq: 3 } });
    expect(again.events.map((e) => e.event.type)).toEqual(['message.created']);
    expect((await store.conversations.getConversation(conv.id))?.lastSeq).toBe(3);
  });
});
