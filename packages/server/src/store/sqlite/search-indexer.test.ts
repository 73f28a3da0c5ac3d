import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../schema.js';
import { startSearchIndexer } from './search-indexer.js';

/** An empty database: no notes' table, so every step fails until a test makes it. */
async function bareDatabase() {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
}

/**
 * The tables the indexer reads and writes, as the store's migrations leave them (0024, 0046, 0050),
 * on a connection of their own; `messages` with just the columns it reads.
 */
function indexedDatabase() {
  const raw = new SQLite(':memory:');
  raw.exec(`
    create table messages (conversation_id text not null, body text not null, search_tokens text);
    create table search_pending (message_rowid integer primary key);
    create virtual table messages_search using fts5(
      tokens, scope, content='', contentless_delete=1, tokenize='ascii', detail='column', prefix='2 3');
    insert into messages_search(messages_search, rank) values ('automerge', 0);
    insert into messages_search(messages_search, rank) values ('crisismerge', 64);
    insert into messages_search(messages_search, rank) values ('usermerge', 16);`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    raw,
    db,
    /** `count` messages sent and noted, as a send leaves them (tokens still to make). */
    send(count: number) {
      const insert = raw.prepare(`insert into messages (conversation_id, body) values ('c1', ?)`);
      const note = raw.prepare(`insert into search_pending (message_rowid) values (?)`);
      raw.transaction(() => {
        for (let i = 0; i < count; i++) note.run(insert.run(`standup notes ${i}`).lastInsertRowid);
      })();
    },
    /** A segment written straight into the index, as a search's own indexing writes one. */
    segment(rowid: number) {
      raw.prepare(`insert into messages_search (rowid, tokens, scope) values (?, 'retro', 'c1')`).run(rowid);
    },
    noted: () => (raw.prepare(`select count(*) as n from search_pending`).get() as { n: number }).n,
    segments: () => (raw.prepare(`select count(distinct segid) as n from messages_search_idx`).get() as { n: number }).n,
  };
}

describe('the search indexer', () => {
  afterEach(() => vi.useRealTimers());

  it('reports a failing step and tries again later each time, not every interval', async () => {
    vi.useFakeTimers();
    // No `search_pending` table: every step fails.
    const db = await bareDatabase();
    const errors: number[] = [];
    const indexer = startSearchIndexer(db, { intervalMs: 100, onError: () => errors.push(Date.now()) });
    const start = Date.now();
    for (let i = 0; i < 60; i++) await vi.advanceTimersByTimeAsync(1000);
    await indexer.close();
    await db.destroy();
    const gaps = errors.map((at, i) => at - (i === 0 ? start : errors[i - 1]!));
    // 100 ms, then 200, 400, … up to 30 s: nine failures in the first minute, not six hundred.
    expect(gaps.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(errors.length).toBeLessThan(12);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
  });

  it('stops failing once the store can be read again', async () => {
    vi.useFakeTimers();
    const db = await bareDatabase();
    const errors: unknown[] = [];
    const indexer = startSearchIndexer(db, { intervalMs: 100, onError: (error) => errors.push(error) });
    await vi.advanceTimersByTimeAsync(350); // fails at 100 and 300
    expect(errors).toHaveLength(2);
    // The notes' table and the index there (empty): the next step, 400 ms after the last failure, finds nothing to do.
    await db.schema
      .createTable('search_pending')
      .addColumn('message_rowid', 'integer', (c) => c.primaryKey())
      .execute();
    await sql`create virtual table messages_search using fts5(tokens, scope, content='', contentless_delete=1)`.execute(db);
    await vi.advanceTimersByTimeAsync(2000);
    await indexer.close();
    await db.destroy();
    expect(errors).toHaveLength(2);
  });

  it('takes small batches while it keeps up and twice as big each step while it is behind', async () => {
    const store = indexedDatabase();
    store.send(1000);
    const indexer = startSearchIndexer(store.db, { intervalMs: 10 });
    await expect.poll(store.noted, { timeout: 10_000, interval: 5 }).toBe(0);
    // A segment a step: 64 + 128 + 256 + 512, then the 40 left (in a batch of 1,024). At 64 a step: 16.
    expect(store.segments()).toBe(5);
    // Caught up: the next step's batch is small again.
    store.send(100);
    await expect.poll(store.noted, { timeout: 10_000, interval: 5 }).toBe(0);
    expect(store.segments()).toBe(7);
    await indexer.close();
    await store.db.destroy();
  });

  it('merges after it has indexed, a slice a step until none is left, and looks every 10 s for segments it did not write', async () => {
    vi.useFakeTimers();
    const store = indexedDatabase();
    for (let i = 1; i <= 20; i++) store.segment(i);
    const indexer = startSearchIndexer(store.db, { intervalMs: 100 });
    // On its start it looks at once: 20 segments on one level, merged.
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.segments()).toBe(1);
    // Written behind its back (a search's own indexing): left until its next look.
    for (let i = 21; i <= 40; i++) store.segment(i);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(store.segments()).toBe(21);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(store.segments()).toBeLessThan(21);
    await indexer.close();
    await store.db.destroy();
  });
});
