import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type Generated, Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DERIVED, durableSqliteDialect } from './durable-driver.js';
import { SLOW_FLUSH_MS, WalSync } from './wal-sync.js';

interface Db {
  t: { id: Generated<number>; body: string };
}

/** A flush the test lets go of by hand: `pending` counts flushes begun and not yet released. */
class HeldFlush {
  started = 0;
  private releases: (() => void)[] = [];
  readonly flush = async () => {
    this.started++;
    await new Promise<void>((resolve) => this.releases.push(resolve));
  };
  get pending(): number {
    return this.releases.length;
  }
  releaseOne(): void {
    this.releases.shift()?.();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(): { db: Kysely<Db>; held: HeldFlush } {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-durable-'));
  const file = path.join(dir, 'db.sqlite3');
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.exec('create table t (id integer primary key, body text not null)');
  const held = new HeldFlush();
  const wal = new WalSync(`${file}-wal`, { flush: held.flush });
  const db = new Kysely<Db>({ dialect: durableSqliteDialect(connection, wal) });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(async () => {
    while (held.pending > 0) held.releaseOne();
    await db.destroy();
    await wal.close();
  });
  return { db, held };
}

/** Whether `promise` has settled after the event loop has had a few turns to run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

/** Flushes open the log on the thread pool first, which a busy machine can take a while to get to. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

describe('DurableSqliteDriver', () => {
  it('reports a write outside a transaction only after its log is flushed, while reads go on meanwhile', async () => {
    const { db, held } = open();
    const write = db.insertInto('t').values({ body: 'a' }).execute();
    await until(() => held.pending === 1);
    expect(await settled(write)).toBe(false);
    // The connection was handed on before the flush: the row is readable, just not yet reported.
    expect(await db.selectFrom('t').select('body').execute()).toEqual([{ body: 'a' }]);
    held.releaseOne();
    await write;
  });

  it('reports a committed transaction only after the flush, and flushes nothing for reads or a rollback', async () => {
    const { db, held } = open();
    const committed = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ body: 'b' }).execute();
      return 'done';
    });
    await until(() => held.pending === 1);
    expect(await settled(committed)).toBe(false);
    held.releaseOne();
    expect(await committed).toBe('done');

    const before = held.started;
    await db.selectFrom('t').selectAll().execute();
    await db.transaction().execute((trx) => trx.selectFrom('t').selectAll().execute());
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ body: 'never' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(held.started).toBe(before);
    expect(await db.selectFrom('t').select('body').execute()).toEqual([{ body: 'b' }]);
  });

  it('reports a transaction of derived writes alone without a flush, and flushes one that also writes anything else', async () => {
    const { db, held } = open();
    const derived = (body: string) => sql`${sql.raw(DERIVED)} insert into t (body) values (${body})`;
    const before = held.started;
    await db.transaction().execute(async (trx) => {
      await derived('index a').execute(trx);
      await sql`${sql.raw(DERIVED)} delete from t where body = 'nothing'`.execute(trx);
    });
    await derived('index b').execute(db);
    expect(held.started).toBe(before);

    const mixed = db.transaction().execute(async (trx) => {
      await derived('index c').execute(trx);
      await trx.insertInto('t').values({ body: 'a message' }).execute();
      await derived('index d').execute(trx);
    });
    await until(() => held.pending === 1);
    expect(await settled(mixed)).toBe(false);
    held.releaseOne();
    await mixed;
    expect((await db.selectFrom('t').select('body').orderBy('id').execute()).map((row) => row.body)).toEqual([
      'index a',
      'index b',
      'index c',
      'a message',
      'index d',
    ]);
  });
});

describe('WalSync', () => {
  it('shares flushes: callers during a flush wait for the next one, which they all share', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-walsync-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const log = path.join(dir, 'log');
    writeFileSync(log, 'frames');
    const flushes = new HeldFlush();
    const wal = new WalSync(log, { flush: flushes.flush });
    cleanups.push(() => wal.close());

    const first = wal.sync();
    await until(() => flushes.started === 1);
    const second = wal.sync();
    const third = wal.sync();
    expect(flushes.started).toBe(1);
    flushes.releaseOne();
    await first;
    // The second flush starts only now: what was written during the first may not be in it.
    await until(() => flushes.started === 2);
    expect(await settled(second)).toBe(false);
    flushes.releaseOne();
    await Promise.all([second, third]);
    expect(flushes.started).toBe(2);
  });

  /**
   * A WalSync whose flushes on the pool and on the loop are counted, on a clock of the test's own:
   * each flush takes `took.pool` or `took.loop` ms of it (`SLOW_FLUSH_MS` or more is slow).
   */
  function countedLog(mayBlock: () => boolean) {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-walsync-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const log = path.join(dir, 'log');
    writeFileSync(log, 'frames');
    let clock = 0;
    const counts = { pool: 0, loop: 0 };
    const took = { pool: 0.2, loop: 0.1 };
    const held = new HeldFlush();
    const control = { hold: false, failOnLoop: false };
    const wal = new WalSync(log, {
      flush: async () => {
        counts.pool++;
        if (control.hold) await held.flush();
        clock += took.pool;
      },
      flushOnLoop: () => {
        counts.loop++;
        if (control.failOnLoop) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        clock += took.loop;
      },
      mayBlock,
      now: () => clock,
    });
    cleanups.push(() => wal.close());
    return { wal, counts, took, held, control };
  }

  it('flushes on the event loop only when told nobody waits, after 16 fast flushes on the pool', async () => {
    let alone = true;
    const { wal, counts } = countedLog(() => alone);
    for (let i = 0; i < 16; i++) await wal.sync();
    expect(counts).toEqual({ pool: 16, loop: 0 });
    await wal.sync();
    await wal.sync();
    expect(counts).toEqual({ pool: 16, loop: 2 });
    alone = false;
    await wal.sync();
    expect(counts).toEqual({ pool: 17, loop: 2 });
  });

  it('goes back to the pool after a slow flush, and never flushes on the loop while one runs on the pool', async () => {
    let alone = true;
    const { wal, counts, took, held, control } = countedLog(() => alone);
    for (let i = 0; i < 16; i++) await wal.sync();
    // A healthy disk's tail (a flush of 2 ms now and then) keeps the loop.
    took.loop = SLOW_FLUSH_MS / 2;
    await wal.sync();
    took.loop = 0.1;
    await wal.sync();
    expect(counts).toEqual({ pool: 16, loop: 2 });
    took.loop = SLOW_FLUSH_MS + 1; // a busy disk
    await wal.sync();
    expect(counts).toEqual({ pool: 16, loop: 3 });
    await wal.sync();
    expect(counts).toEqual({ pool: 17, loop: 3 });
    // Fast again: the loop's turn comes after 16 fast flushes in a row.
    took.loop = 0.1;
    for (let i = 0; i < 15; i++) await wal.sync();
    expect(counts).toEqual({ pool: 32, loop: 3 });
    // A flush held on the pool (begun while another client was served): a caller meanwhile, even
    // alone, waits for the next flush, which starts only once the held one has ended.
    alone = false;
    control.hold = true;
    const first = wal.sync();
    await until(() => held.pending === 1);
    control.hold = false;
    alone = true;
    const second = wal.sync();
    expect(await settled(second)).toBe(false);
    expect(counts).toEqual({ pool: 33, loop: 3 });
    held.releaseOne();
    await Promise.all([first, second]);
    expect(counts).toEqual({ pool: 33, loop: 4 });
    // A slow flush on the pool counts as much.
    alone = false;
    took.pool = SLOW_FLUSH_MS + 1;
    await wal.sync();
    alone = true;
    took.pool = 0.2;
    await wal.sync();
    expect(counts).toEqual({ pool: 35, loop: 4 });
  });

  it('fails the caller of a flush on the loop that fails, and flushes on the pool next', async () => {
    const { wal, counts, control } = countedLog(() => true);
    for (let i = 0; i < 17; i++) await wal.sync();
    expect(counts).toEqual({ pool: 16, loop: 1 });
    control.failOnLoop = true;
    await expect(wal.sync()).rejects.toMatchObject({ code: 'EIO' });
    control.failOnLoop = false;
    await wal.sync();
    expect(counts).toEqual({ pool: 17, loop: 2 });
  });

  it('flushes a real file with fdatasync, and fails the callers when the file is missing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-walsync-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'log'), 'frames');
    const wal = new WalSync(path.join(dir, 'log'));
    await wal.sync();
    await wal.close();
    const missing = new WalSync(path.join(dir, 'none'));
    await expect(missing.sync()).rejects.toMatchObject({ code: 'ENOENT' });
    await missing.close();
  });
});
