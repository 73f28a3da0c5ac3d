import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestSchema, postgresService, requireService } from '../../../test/services.js';
import { createPostgresDb } from '../postgres/postgres-store.js';
import type { Database } from '../schema.js';
import { evenChunks, insertBulk, paddedIdLists, paddedLists, roundedChunks, shapedText, updateById } from './hot-statements.js';

const describePostgres = await requireService(postgresService);

/** The events table's columns, enough for these tests. */
async function eventsTable(db: Kysely<Database>): Promise<void> {
  await sql`create table events (pos bigint primary key, conversation_id varchar(64) not null, subject_user_id varchar(64),
    created_at bigint not null, payload text not null, message_id varchar(64))`.execute(db);
}

const row = (pos: number, subject: string | null = null) => ({
  pos,
  conversation_id: `c${pos % 3}`,
  subject_user_id: subject,
  created_at: 1000 + pos,
  payload: `{"pos":${pos},"quote":"it's"}`,
  message_id: pos % 2 === 0 ? `m${pos}` : null,
});

describe('statement sizes', () => {
  it('on SQLite, a multiple of 16 and then fewer than 16, never past the limit', () => {
    expect(roundedChunks(376, 500)).toEqual([368, 8]);
    expect(roundedChunks(15, 500)).toEqual([15]);
    expect(roundedChunks(16, 500)).toEqual([16]);
    expect(roundedChunks(1201, 500)).toEqual([496, 496, 208, 1]);
    expect(roundedChunks(30, 10)).toEqual([10, 10, 10]);
    expect(roundedChunks(0, 500)).toEqual([]);
    // Every size from 1 to 2,000 rows: the rows add up, and the texts stay few.
    const sizes = new Set<number>();
    for (let n = 1; n <= 2000; n++) {
      const chunks = roundedChunks(n, 500);
      expect(chunks.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...chunks)).toBeLessThanOrEqual(500);
      for (const c of chunks) sizes.add(c);
    }
    expect(sizes.size).toBe(46);
  });

  it('pads an `in` list with its last item to a multiple of 16 (below 16 a power of two), at most `max` per list', () => {
    expect(paddedLists([], 400)).toEqual([]);
    expect(paddedLists(['a'], 400)).toEqual([['a']]);
    expect(paddedLists(['a', 'b'], 400)).toEqual([['a', 'b']]);
    expect(paddedLists(['a', 'b', 'c'], 400)).toEqual([['a', 'b', 'c', 'c']]);
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(paddedLists(range(9), 400).map((l) => l.length)).toEqual([16]);
    expect(paddedLists(range(17), 400).map((l) => l.length)).toEqual([32]);
    // Every length up to 400 takes one of 1, 2, 4, 8 and the 25 multiples of 16: 29 texts.
    const sizes = new Set(range(400).map((n) => paddedLists(range(n + 1), 400)[0]!.length));
    expect(sizes.size).toBe(29);
    const items = Array.from({ length: 417 }, (_, i) => i);
    const lists = paddedLists(items, 400);
    expect(lists.map((l) => l.length)).toEqual([400, 32]);
    expect(lists.flat().filter((v, i, all) => all.indexOf(v) === i)).toEqual(items);
    // Ids: each once, before padding.
    expect(paddedIdLists(['u', 'v', 'w', 'u'])).toEqual([['u', 'v', 'w', 'w']]);
  });

  it('elsewhere, as many rows as allowed, then the rest', () => {
    expect(evenChunks(1201, 500)).toEqual([500, 500, 201]);
    expect(evenChunks(376, 500)).toEqual([376]);
  });
});

function behavesLikeTheBuilder(open: () => Promise<{ db: Kysely<Database>; close: () => Promise<void> }>) {
  it('stores every row and column as given, nulls included, in chunks of any size', async () => {
    const { db, close } = await open();
    try {
      await eventsTable(db);
      const rows = Array.from({ length: 7 }, (_, i) => row(i + 1, i === 3 ? 'u1' : null));
      await insertBulk(db, 'events', rows.slice(0, 5));
      await insertBulk(db, 'events', rows.slice(5));
      await insertBulk(db, 'events', []);
      const stored = await db.selectFrom('events').selectAll().orderBy('pos').execute();
      expect(stored.map((r) => ({ ...r, pos: Number(r.pos), created_at: Number(r.created_at) }))).toEqual(rows);
    } finally {
      await close();
    }
  });

  it('splits a batch larger than one statement takes (500 rows) into several, storing every row once', async () => {
    const { db, close } = await open();
    try {
      await eventsTable(db);
      const rows = Array.from({ length: 1201 }, (_, i) => row(i + 1));
      await insertBulk(db, 'events', rows);
      const stored = await db.selectFrom('events').select('pos').orderBy('pos').execute();
      expect(stored.map((r) => Number(r.pos))).toEqual(rows.map((r) => r.pos));
    } finally {
      await close();
    }
  });

  it('leaves a batch whose rows leave a column out to the builder, which stores it all the same', async () => {
    const { db, close } = await open();
    try {
      await eventsTable(db);
      const { message_id: _, ...withoutMessage } = row(2);
      await insertBulk(db, 'events', [row(1), withoutMessage, { ...row(3), subject_user_id: undefined }]);
      const stored = await db.selectFrom('events').select(['pos', 'message_id', 'subject_user_id']).orderBy('pos').execute();
      expect(stored.map((r) => [Number(r.pos), r.message_id, r.subject_user_id])).toEqual([
        [1, null, null],
        [2, null, null],
        [3, null, null],
      ]);
    } finally {
      await close();
    }
  });

  it('refuses a duplicate key like any insert, storing none of the batch', async () => {
    const { db, close } = await open();
    try {
      await eventsTable(db);
      await insertBulk(db, 'events', [row(1)]);
      await expect(insertBulk(db, 'events', [row(2), row(1)])).rejects.toThrow();
      expect((await db.selectFrom('events').select('pos').execute()).map((r) => Number(r.pos))).toEqual([1]);
    } finally {
      await close();
    }
  });
}

describe('insertBulk on SQLite', () => {
  behavesLikeTheBuilder(() => {
    const connection = new SQLite(':memory:');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
    return Promise.resolve({ db, close: () => db.destroy() });
  });
});

describePostgres('insertBulk on PostgreSQL', () => {
  const schemas: { drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const schema of schemas) await schema.drop();
  });
  behavesLikeTheBuilder(async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const db = createPostgresDb(schema.url, { poolSize: 1 });
    return { db, close: () => db.destroy() };
  });
});

describe('updateById on SQLite', () => {
  it('sets the given columns of the row with that id, nulls included, and no other row', async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      await sql`create table messages (id varchar(64) primary key, body text not null, reactions text, edited_at bigint)`.execute(db);
      await db
        .insertInto('messages')
        .values([
          { id: 'm1', body: 'one', reactions: '[]', edited_at: 5 },
          { id: 'm2', body: 'two', reactions: '[]', edited_at: 5 },
        ] as never)
        .execute();
      await updateById(db, 'messages', { reactions: '[{"emoji":"👍"}]', edited_at: null }, 'm1');
      await updateById(db, 'messages', { body: 'it\'s "two"', reactions: undefined }, 'm2');
      await updateById(db, 'messages', { body: 'nobody' }, 'missing');
      await updateById(db, 'messages', {}, 'm1');
      const rows = await sql<{
        id: string;
        body: string;
        reactions: string;
        edited_at: number | null;
      }>`select * from messages order by id`.execute(db);
      expect(rows.rows).toEqual([
        { id: 'm1', body: 'one', reactions: '[{"emoji":"👍"}]', edited_at: null },
        { id: 'm2', body: 'it\'s "two"', reactions: '[]', edited_at: 5 },
      ]);
    } finally {
      await db.destroy();
    }
  });
});

describe('shapedText', () => {
  it("numbers placeholders as each dialect binds them, and builds a shape's text once per dialect", async () => {
    const sqlite = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    // Not connected: the dialect's adapter is all shapedText reads.
    const postgres = createPostgresDb('postgres://nobody@127.0.0.1:1/none', { poolSize: 1 });
    try {
      let builds = 0;
      const build = (mark: (index: number) => string) => {
        builds += 1;
        return `select ${mark(0)} as a, ${mark(1)} as b`;
      };
      expect(shapedText(sqlite, 'test|two', build)).toBe('select ? as a, ? as b');
      expect(shapedText(postgres, 'test|two', build)).toBe('select $1 as a, $2 as b');
      expect(shapedText(sqlite, 'test|two', build)).toBe('select ? as a, ? as b');
      expect(shapedText(postgres, 'test|two', build)).toBe('select $1 as a, $2 as b');
      expect(builds).toBe(2);
      const { rows } = await sqlite.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(shapedText(sqlite, 'test|two', build), [1, 'a']),
      );
      expect(rows).toEqual([{ a: 1, b: 'a' }]);
    } finally {
      await sqlite.destroy();
      await postgres.destroy();
    }
  });
});
