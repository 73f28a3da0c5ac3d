import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { SqlStore } from '../sql-store.js';
import { sqliteSearch } from './sqlite-search.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { durableSqliteDialect } from './durable-driver.js';
import { type SearchIndexer, startSearchIndexer } from './search-indexer.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, type WalCheckpointer, startWalCheckpointer } from './wal-checkpointer.js';
import { reserveWal, walBytes } from './wal-reserve.js';
import { WalSync } from './wal-sync.js';
import { sqliteFreshAppender } from './sqlite-append.js';

/**
 * The embedded store: one SQLite file in WAL mode. Every write is reported only once the log
 * holding it is flushed to disk, so an acknowledged message survives a crash or power loss: SQLite
 * runs at `synchronous=NORMAL` (commits write the log without flushing it) and the driver waits
 * for an `fdatasync` of the log on libuv's thread pool (`WalSync`, `DurableSqliteDriver`), which
 * keeps the event loop serving during the flush (decision 0015); while one client alone is served
 * (`flushMayBlock`), on the event loop, where nobody waits behind it. Group commit
 * (SqlStore.appendMessages) wins the throughput back by committing many messages per flush.
 */
export function openSqliteStore(
  file: string,
  options: {
    onCheckpointError?: (error: Error) => void;
    onSearchIndexError?: (error: Error) => void;
    /** How often the search indexer looks for sent messages to index (tests set it long to watch the notes). */
    searchIndexIntervalMs?: number;
    /** Give the write-ahead log its working size at open (`wal-reserve.ts`; `SQLITE_WAL_RESERVE`). */
    reserveWal?: boolean;
    /** Whether a flush of the log may run on the event loop now (`WalSync`; the server's `SoleClient`). */
    flushMayBlock?: () => boolean;
    /** Told where each flush of the log ran. */
    onFlushed?: (on: 'pool' | 'loop') => void;
  } = {},
): SqlStore {
  if (file !== ':memory:') {
    mkdirSync(path.dirname(file), { recursive: true });
    // Readable by its owner only, like the JWT secret: it holds password hashes and every message.
    // SQLite gives the -wal and -shm files the database file's mode.
    closeSync(openSync(file, 'a', 0o600));
  }
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  // In memory there is nothing to flush; a file's commits are flushed by WalSync.
  connection.pragma(file === ':memory:' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // Reads that jump around a big file (a search joins each full-text match to its row) cost a
  // page-cache miss each with the default 2 MiB cache: 64 MiB of cache, and the file mapped into
  // memory (reads without a system call each), cut a search over a million messages about 2×.
  connection.pragma('cache_size = -65536');
  connection.pragma('mmap_size = 268435456');
  // A multi-row INSERT keeps a statement journal (to undo itself on a constraint error); past
  // 64 KiB SQLite spills it to a temporary file, one write per page the statement touches. The
  // group commit's batched inserts always spill: in memory, a notification row's insert cost
  // half as much, and the batch's statements a quarter less in all (issue 10's mixed workload).
  connection.pragma('temp_store = MEMORY');
  let checkpointer: WalCheckpointer | undefined;
  if (file !== ':memory:') {
    connection.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    if (options.reserveWal) {
      const pageSize = connection.pragma('page_size', { simple: true }) as number;
      reserveWal(connection, `${file}-wal`, walBytes(FALLBACK_AUTOCHECKPOINT_PAGES, pageSize));
    }
    checkpointer = startWalCheckpointer(file, options.onCheckpointError ? { onError: options.onCheckpointError } : {});
  }
  const wal =
    file === ':memory:'
      ? undefined
      : new WalSync(`${file}-wal`, {
          ...(options.flushMayBlock && { mayBlock: options.flushMayBlock }),
          ...(options.onFlushed && { onFlushed: options.onFlushed }),
        });
  const db = new Kysely<Database>({ dialect: durableSqliteDialect(connection, wal) });
  let indexer: SearchIndexer | undefined;
  return new SqlStore({
    engine: 'sqlite',
    db,
    search: sqliteSearch,
    appendFresh: sqliteFreshAppender(connection, sqliteSearch, wal),
    migrations: sqliteMigrations,
    afterMigrations() {
      indexer ??= startSearchIndexer(db, {
        ...(options.onSearchIndexError && { onError: options.onSearchIndexError }),
        ...(options.searchIndexIntervalMs !== undefined && { intervalMs: options.searchIndexIntervalMs }),
      });
    },
    uniqueViolation(error) {
      if (error instanceof SQLite.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') return error.message;
      if (error instanceof SQLite.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return error.message;
      return undefined;
    },
    close: async () => {
      await indexer?.close();
      await checkpointer?.close();
      await db.destroy();
      await wal?.close();
    },
  });
}

/** Resolves DATABASE_URL (`sqlite:<path>`) or the default file in DATA_DIR. */
export function sqliteFileFor(databaseUrl: string | null, dataDir: string): string {
  if (databaseUrl === null) return path.join(dataDir, 'confab.sqlite3');
  const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
  return file === ':memory:' ? file : path.resolve(file);
}
