import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { createGroup, freshUsers, postMessage } from '../factories.js';
import { TEST_ADDRESS_LIMITS, TEST_STORE_SETTINGS } from '../process.js';
import { scrape } from '../scrape.js';

const FLUSHES = 'confab_sqlite_wal_flushes_total';

/** A node on a SQLite file, as `confab serve` runs it, with `SQLITE_FLUSH_ON_LOOP` as given. */
async function node(flushOnLoop: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-wal-flush-'));
  const env = {
    ...TEST_ADDRESS_LIMITS,
    ...TEST_STORE_SETTINGS,
    ...{ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    SQLITE_FLUSH_ON_LOOP: String(flushOnLoop),
  };
  const server = await createServer(loadConfig(env));
  const url = await server.listen();
  return {
    url,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Where the log's flushes ran while one client sent `count` messages one after the other over REST. */
async function flushesOfOneSender(url: string, count: number): Promise<{ pool: number; loop: number; stored: number }> {
  const [alice, bob] = await freshUsers(url, 2);
  const group = await createGroup(alice, [bob]);
  const before = await scrape(url);
  for (let i = 0; i < count; i++) expect((await postMessage(url, alice, group.id, `message ${i}`)).status).toBe(201);
  const after = await scrape(url);
  const moved = (labels: Record<string, string>) => (after.value(FLUSHES, labels) ?? 0) - (before.value(FLUSHES, labels) ?? 0);
  const stored = (after.value('confab_messages_stored_total') ?? 0) - (before.value('confab_messages_stored_total') ?? 0);
  return { pool: moved({ on: 'pool' }), loop: moved({ on: 'loop' }), stored };
}

/**
 * Where the SQLite log is flushed (store/sqlite/wal-sync.ts): on libuv's pool, or on the event loop
 * while one client alone is served. Which one a given flush takes depends on how fast the disk
 * flushed the ones before (`wal-sync`'s unit tests pin that down on a clock of their own); here,
 * the setting and the metric an operator reads.
 */
describe('the SQLite log flush and SQLITE_FLUSH_ON_LOOP', () => {
  let on: Awaited<ReturnType<typeof node>>;
  let off: Awaited<ReturnType<typeof node>>;
  beforeAll(async () => {
    on = await node(true);
    off = await node(false);
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  it('counts every flush by where it ran, and flushes only on the pool when the setting is off', async () => {
    const onLoop = await flushesOfOneSender(on.url, 40);
    expect(onLoop.stored).toBe(40);
    // Each send waited for a flush of its own: no two were in one commit.
    expect(onLoop.pool + onLoop.loop).toBeGreaterThanOrEqual(40);

    const offLoop = await flushesOfOneSender(off.url, 40);
    expect(offLoop.stored).toBe(40);
    expect(offLoop.loop).toBe(0);
    expect(offLoop.pool).toBeGreaterThanOrEqual(40);
  });
});
