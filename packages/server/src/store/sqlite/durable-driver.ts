import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { type LastStatement, withStatementCache } from './statement-cache.js';
import type { WalSync } from './wal-sync.js';

const BEGIN = 'begin immediate';

/**
 * Begins a statement that writes only what is rebuilt from other rows (the search index from its
 * notes: sqlite/search-notes.ts). A transaction whose every write begins with it is reported
 * without a flush of its own: lost in a power cut, it is lost whole (the log's frames are one
 * commit), which leaves its notes in place for the indexer to do again; and the next flushed
 * commit, a send's, makes it durable with its own frames.
 */
export const DERIVED = '/* derived */';

/**
 * Kysely's SQLite dialect over `connection`, with the statement cache and the driver below. `wal`
 * is the log to flush before a write is reported (none for an in-memory database).
 */
export function durableSqliteDialect(connection: SQLite.Database, wal: WalSync | undefined): SqliteDialect {
  const database = withStatementCache(connection);
  return new DurableSqliteDialect({ database }, connection, database, wal);
}

/**
 * Kysely's SQLite driver with two changes:
 * - transactions begin IMMEDIATE: they take the write lock up front and wait for it
 *   (busy_timeout). A deferred transaction that reads first would fail at once with SQLITE_BUSY
 *   when it tries to write after another connection to the file (the `confab admin` CLI, say)
 *   committed in between.
 * - a write is reported only once the log holding it is on disk (`WalSync`): when a connection
 *   that committed something is released, the lock goes to the next query first, then the caller
 *   waits for the flush. Kysely awaits the release before a query's or a transaction's result
 *   returns, so no caller sees a commit that a power cut could still take back. Writes of derived
 *   data (`DERIVED`) alone need no flush.
 */
export class DurableSqliteDriver extends SqliteDriver {
  /** A write ran since the last commit; it becomes durable work when the transaction ends. */
  private wrote = false;
  /** The holder of the connection committed a write: its release waits for a flush. */
  private committed = false;
  private wrapped: DatabaseConnection | undefined;

  constructor(
    config: SqliteDialectConfig,
    private readonly connection: SQLite.Database,
    private readonly statements: LastStatement,
    private readonly wal: WalSync | undefined,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    this.wrapped ??= {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const result = await inner.executeQuery<R>(query);
        this.noteStatement();
        return result;
      },
      streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
    };
    return this.wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(BEGIN));
  }

  override async releaseConnection(): Promise<void> {
    const committed = this.committed;
    this.committed = false;
    await super.releaseConnection();
    if (committed && this.wal) await this.wal.sync();
  }

  /**
   * `readonly` is SQLite's own verdict: COMMIT and ROLLBACK count as read-only (they write no row),
   * BEGIN IMMEDIATE does not (it takes the write lock), so it is told apart by its text.
   */
  private noteStatement(): void {
    const statement = this.statements.last;
    if (statement?.readonly === false && statement.source !== BEGIN && !statement.source.startsWith(DERIVED)) this.wrote = true;
    // A rolled-back transaction left nothing to flush.
    if (!this.connection.inTransaction && statement?.source === 'rollback') this.wrote = false;
    if (this.wrote && !this.connection.inTransaction) {
      this.wrote = false;
      this.committed = true;
    }
  }
}

/** Kysely's SQLite dialect with the driver that begins IMMEDIATE and flushes what it committed. */
class DurableSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: { database: SqliteDatabase },
    private readonly connection: SQLite.Database,
    private readonly statements: LastStatement,
    private readonly wal: WalSync | undefined,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(this.config, this.connection, this.statements, this.wal);
  }
}
