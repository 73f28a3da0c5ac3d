import SQLite from 'better-sqlite3';
import { type Kysely, Kysely as KyselyClass, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestSchema, createTestSchema, postgresService, requireService } from '../../../test/services.js';
import { createPostgresDb } from '../postgres/postgres-store.js';
import type { Database } from '../schema.js';
import { onOneConnection } from './one-connection.js';

const describePostgres = await requireService(postgresService);

const sqliteDb = (): Kysely<Database> => new KyselyClass<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });

/** A session-local fact of the connection `conn` runs on: SQLite's temp tables live per connection. */
const noteOn = (conn: Kysely<Database>, value: number) => sql`insert into temp.note values (${value})`.execute(conn);

describe('onOneConnection on SQLite', () => {
  it('runs the work on one connection with a Kysely bound to it, the same instance every time', async () => {
    const db = sqliteDb();
    try {
      await sql`create temp table note (v integer)`.execute(db);
      const seen: Kysely<Database>[] = [];
      for (let i = 1; i <= 3; i++) {
        const answer = await onOneConnection(db, async (conn) => {
          seen.push(conn);
          await noteOn(conn, i);
          return i * 10;
        });
        expect(answer).toBe(i * 10);
      }
      expect(seen[1]).toBe(seen[0]);
      expect(seen[2]).toBe(seen[0]);
      const { rows } = await sql<{ v: number }>`select v from temp.note order by v`.execute(db);
      expect(rows.map((r) => r.v)).toEqual([1, 2, 3]);
    } finally {
      await db.destroy();
    }
  });

  it('holds the connection for the whole work: a query of the pool waits for it, then runs', async () => {
    const db = sqliteDb();
    try {
      await sql`create table log (step text)`.execute(db);
      await onOneConnection(db, async () => {}); // the connection's instance is known from now on
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const work = onOneConnection(db, async (conn) => {
        await sql`insert into log values ('work began')`.execute(conn);
        await held;
        await sql`insert into log values ('work ended')`.execute(conn);
      });
      const outside = sql`insert into log values ('outside')`.execute(db);
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      await Promise.all([work, outside]);
      const { rows } = await sql<{ step: string }>`select step from log order by rowid`.execute(db);
      expect(rows.map((r) => r.step)).toEqual(['work began', 'work ended', 'outside']);
    } finally {
      await db.destroy();
    }
  });

  it('passes the work’s failure on and lets the connection go, the first time and after', async () => {
    const db = sqliteDb();
    try {
      await expect(onOneConnection(db, () => Promise.reject(new Error('first')))).rejects.toThrow('first');
      await expect(onOneConnection(db, () => Promise.reject(new Error('later')))).rejects.toThrow('later');
      await expect(onOneConnection(db, async () => 'still usable')).resolves.toBe('still usable');
      await expect(sql`select 1 as one`.execute(db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await db.destroy();
    }
  });
});

describePostgres('onOneConnection on PostgreSQL', () => {
  const schemas: TestSchema[] = [];
  afterAll(async () => {
    for (const schema of schemas) await schema.drop();
  });

  it('keeps one bound instance per pooled connection, each used on its own connection', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const db = createPostgresDb(schema.url, { poolSize: 2 });
    try {
      const instances = new Map<number, Set<Kysely<Database>>>();
      // Two at a time, so both pooled connections are in use, several times over.
      for (let round = 0; round < 4; round++) {
        let bothIn!: () => void;
        let count = 0;
        const together = new Promise<void>((resolve) => (bothIn = resolve));
        await Promise.all(
          [0, 1].map(() =>
            onOneConnection(db, async (conn) => {
              const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn);
              const pid = rows[0]!.pid;
              if (!instances.has(pid)) instances.set(pid, new Set());
              instances.get(pid)!.add(conn);
              if (++count === 2) bothIn();
              await together;
            }),
          ),
        );
      }
      expect(instances.size).toBe(2);
      for (const perConnection of instances.values()) expect(perConnection.size).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
