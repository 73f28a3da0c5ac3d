import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type Driver, Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Database } from '../schema.js';
import { SqlStore } from '../sql-store.js';
import { sqliteSearch, sqliteSearchMigrations } from './sqlite-search.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, type WalCheckpointer, startWalCheckpointer } from './wal-checkpointer.js';

/**
 * The embedded store: one SQLite file in WAL mode. `synchronous=FULL` makes every commit durable
 * before it returns, so an acknowledged message survives a crash or power loss; group commit
 * (SqlStore.appendMessages) wins the throughput back by committing many messages per fsync.
 */
export function openSqliteStore(file: string, options: { onCheckpointError?: (error: Error) => void } = {}): SqlStore {
  if (file !== ':memory:') {
    mkdirSync(path.dirname(file), { recursive: true });
    // Readable by its owner only, like the JWT secret: it holds password hashes and every message.
    // SQLite gives the -wal and -shm files the database file's mode.
    closeSync(openSync(file, 'a', 0o600));
  }
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // Reads that jump around a big file (a search joins each full-text match to its row) cost a
  // page-cache miss each with the default 2 MiB cache: 64 MiB of cache, and the file mapped into
  // memory (reads without a system call each), cut a search over a million messages about 2×.
  connection.pragma('cache_size = -65536');
  connection.pragma('mmap_size = 268435456');
  let checkpointer: WalCheckpointer | undefined;
  if (file !== ':memory:') {
    connection.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startWalCheckpointer(file, options.onCheckpointError ? { onError: options.onCheckpointError } : {});
  }
  const db = new Kysely<Database>({ dialect: new ImmediateTransactionsDialect({ database: withStatementCache(connection) }) });
  return new SqlStore({
    engine: 'sqlite',
    db,
    search: sqliteSearch,
    migrations: sqliteSearchMigrations,
    uniqueViolation(error) {
      if (error instanceof SQLite.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') return error.message;
      if (error instanceof SQLite.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return error.message;
      return undefined;
    },
    close: async () => {
      await checkpointer?.close();
      await db.destroy();
    },
  });
}

/**
 * Transactions begin IMMEDIATE: they take the write lock up front and wait for it (busy_timeout).
 * A deferred transaction that reads first would fail at once with SQLITE_BUSY when it tries to
 * write after another connection to the file (the `confab admin` CLI, say) committed in between.
 */
class ImmediateTransactionsDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/** Resolves DATABASE_URL (`sqlite:<path>`) or the default file in DATA_DIR. */
export function sqliteFileFor(databaseUrl: string | null, dataDir: string): string {
  if (databaseUrl === null) return path.join(dataDir, 'confab.sqlite3');
  const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
  return file === ':memory:' ? file : path.resolve(file);
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused. Keeping the most
 * recent ones saves the parse and plan of each repeated query (about 8% of the server's CPU
 * under a send load). Safe: the driver runs one statement at a time, to completion.
 */
function withStatementCache(connection: SQLite.Database, size = 1000): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => void connection.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql); // re-inserted last: the map's order is recency
      } else {
        statement = connection.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
