import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../schema.js';
import { startSearchIndexer } from './search-indexer.js';

/** An empty database: no notes' table, so every step fails until a test makes it. */
async function bareDatabase() {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
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
});
