import { createPool, type PoolOptions, type TypeCastField, type TypeCastNext } from 'mysql2';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type KyselyConfig,
  MysqlAdapter,
  MysqlDialect,
  type MysqlDialectConfig,
  type QueryCompiler,
  type QueryResult,
  type TransactionBuilder,
  type TransactionSettings,
  sql,
} from 'kysely';
import type { Database } from '../schema.js';
import { SqlStore } from '../sql-store.js';
import { appendFreshInTwoTrips } from './mysql-append.js';
import { isMysqlUnavailable, isRetryableMysqlError, mysqlUniqueViolation } from './mysql-errors.js';
import { StoreUnavailable } from '../unavailable.js';
import { MigrationSteps } from './mysql-migration-steps.js';
import { withEmulatedReturning } from './mysql-returning.js';
import { mysqlSearchIndex } from './mysql-search.js';
import { mysqlMigrations } from './mysql-migrations.js';
import { MysqlTranslation } from './mysql-translation.js';

export interface MysqlStoreOptions {
  /** Most connections this process holds (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Rows a search walks newest first before the FULLTEXT index finds the rest (mysql-search.ts WALK_ROWS); tests change it. */
  searchWalkRows?: number;
}

/** A database that does not answer a connect within this fails the request (503) instead of hanging it. */
const CONNECT_TIMEOUT_MS = 5000;
/** Times a transaction chosen as a deadlock's victim (or timed out on a lock) is run again before the error is the caller's. */
const TRANSACTION_ATTEMPTS = 5;

/**
 * Every connection: double quotes name identifiers (the hot statements of store/sql/hot-statements.ts
 * and store/event-log.ts are written with them, as SQLite and PostgreSQL read them), strict
 * values, and READ COMMITTED: at InnoDB's default REPEATABLE READ a locking read takes next-key
 * locks on the gaps it scanned, which deadlocked concurrent sends (decision 0026).
 */
const SESSION = [
  "set session sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  'set session transaction isolation level read committed',
];

/**
 * The shared store on MySQL 8.0+ or MariaDB 10.6+ (DATABASE_URL `mysql://…` or `mariadb://…`),
 * for several nodes over one database, through the same queries as SQLite and PostgreSQL: what the
 * engine reads differently is rewritten below the query layer (mysql-translation.ts,
 * mysql-returning.ts, mysql-migration-steps.ts) or done by its own path where the store names
 * the engine (the seq counter in stream-locks.ts, the log head in event-log.ts).
 */
export function openMysqlStore(databaseUrl: string, options: MysqlStoreOptions): SqlStore {
  const translation = new MysqlTranslation();
  const steps = new MigrationSteps();
  const db = createMysqlDb(databaseUrl, options, translation, steps);
  return new SqlStore({
    engine: 'mysql',
    db,
    uniqueViolation: mysqlUniqueViolation,
    // FOR UPDATE SKIP LOCKED: MySQL 8.0.1+, MariaDB 10.6+ (checked before migrating, with MySQL's 8.0.13).
    skipLocked: true,
    search: mysqlSearchIndex(options.searchWalkRows),
    appendFresh: appendFreshInTwoTrips,
    migrations: mysqlMigrations,
    resumableMigration: (name, migration) => steps.resumable(name, migration),
    async duringMigrations(run) {
      translation.collation = await binaryCollation(db);
      await steps.prepare(db as Kysely<unknown>, translation.collation);
      return run();
    },
    close: () => db.destroy(),
  });
}

/** The Kysely instance over a mysql2 pool, with the session settings, translations and retries above. */
export function createMysqlDb(
  databaseUrl: string,
  options: MysqlStoreOptions,
  translation = new MysqlTranslation(),
  steps = new MigrationSteps(),
): Kysely<Database> {
  const url = new URL(databaseUrl);
  const pool = createPool({
    host: decodeURIComponent(url.hostname) || '127.0.0.1',
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    connectionLimit: options.poolSize,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
    // Without both, mysql2 rounds a BIGINT above 2^53 to the nearest double; `typeCast` then fails
    // loudly on one, as the PostgreSQL store does.
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast: safeIntegers,
    charset: 'UTF8MB4_BIN',
    // The plain-send append sends its statements as one query (mysql-append.ts). Every value the
    // store sends is bound (mysql2 escapes it into the text), none is written into SQL.
    multipleStatements: true,
  } satisfies PoolOptions);
  const dialect = new ConfabMysqlDialect(
    {
      pool,
      onCreateConnection: async (connection) => {
        for (const statement of SESSION) await connection.executeQuery(CompiledQuery.raw(statement));
      },
    },
    steps,
  );
  return new RetryingKysely({ dialect, plugins: [translation] });
}

/**
 * BIGINT (LONGLONG) and integral DECIMAL (what SUM answers) as numbers: every one the store
 * keeps (epoch milliseconds, seqs, positions, counts) is far below 2^53; one that is not fails.
 */
function safeIntegers(field: TypeCastField, next: TypeCastNext): unknown {
  if (field.type !== 'LONGLONG' && field.type !== 'NEWDECIMAL') return next();
  const text = field.string();
  if (text === null) return null;
  if (field.type === 'NEWDECIMAL' && !/^-?\d+$/.test(text)) return Number(text);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT value ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

/** The binary, no-pad utf8mb4 collation of the server; refuses a server older than the store needs. */
async function binaryCollation(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
  const version = rows[0]?.version ?? '';
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const at = major * 10_000 + minor * 100 + patch;
  if (/mariadb/i.test(version)) {
    if (at < 100_600) throw new Error(`DATABASE_URL: MariaDB ${version} is too old: 10.6 or newer (SKIP LOCKED)`);
    return 'utf8mb4_nopad_bin';
  }
  // 8.0.13: a default on a TEXT column (`default ('[]')`, mysql-translation.ts); SKIP LOCKED came in 8.0.1.
  if (at < 80_013) throw new Error(`DATABASE_URL: MySQL ${version} is too old: 8.0.13 or newer (defaults on TEXT columns, SKIP LOCKED)`);
  return 'utf8mb4_0900_bin';
}

/**
 * Kysely's MySQL dialect, its connections running each statement through the migration steps
 * (mysql-migration-steps.ts) and the RETURNING emulation (mysql-returning.ts).
 */
class ConfabMysqlDialect extends MysqlDialect {
  constructor(
    config: MysqlDialectConfig,
    private readonly steps: MigrationSteps,
  ) {
    super(config);
  }

  /** RETURNING answers rows here (emulated: mysql-returning.ts); Kysely's MySQL adapter would drop them. */
  override createAdapter(): MysqlAdapter {
    return new ReturningMysqlAdapter();
  }

  override createDriver(): Driver {
    return new ConfabMysqlDriver(super.createDriver(), this.steps, this.createQueryCompiler());
  }
}

class ReturningMysqlAdapter extends MysqlAdapter {
  override get supportsReturning(): boolean {
    return true;
  }
}

class ConfabMysqlDriver implements Driver {
  readonly #inner = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly driver: Driver,
    private readonly steps: MigrationSteps,
    private readonly compiler: QueryCompiler,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  /** Each pooled connection's wrapper, made once: the same connection is the same object each time (sql/one-connection.ts). */
  readonly #outer = new WeakMap<DatabaseConnection, DatabaseConnection>();

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.driver.acquireConnection().catch(unavailable);
    let outer = this.#outer.get(inner);
    if (outer === undefined) {
      outer = {
        executeQuery: async <R>(compiled: CompiledQuery) =>
          ((await withEmulatedReturning(inner, compiled, this.compiler).catch(unavailable)) ??
            (await this.steps.execute(inner, compiled).catch(unavailable))) as QueryResult<R>,
        streamQuery: (compiled, chunkSize) => inner.streamQuery(compiled, chunkSize),
      };
      this.#outer.set(inner, outer);
      this.#inner.set(outer, inner);
    }
    return outer;
  }

  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#inner.get(connection) ?? connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.driver.beginTransaction(this.#unwrap(connection), settings).catch(unavailable);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.commitTransaction(this.#unwrap(connection)).catch(unavailable);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(this.#unwrap(connection));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.driver.savepoint?.(this.#unwrap(connection), name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.driver.rollbackToSavepoint?.(this.#unwrap(connection), name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.driver.releaseSavepoint?.(this.#unwrap(connection), name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    // The wrapper stays known: the pool hands the same connection out again, wrapped the same.
    return this.driver.releaseConnection(this.#unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** The one place a lost server becomes StoreUnavailable (503 `unavailable`); every other error as it came. */
function unavailable(error: unknown): never {
  throw isMysqlUnavailable(error) ? new StoreUnavailable(error) : error;
}

/**
 * Runs a transaction again when InnoDB rolled it back as a deadlock's victim (1213) or a lock
 * wait timed out (1205). The store's transactions hold nothing but their statements (events are
 * published after commit, by the services), so running one again is safe.
 */
class RetryingKysely extends Kysely<Database> {
  constructor(config: KyselyConfig) {
    super(config);
  }

  override transaction(): TransactionBuilder<Database> {
    const builder = super.transaction();
    return new Proxy(builder, {
      get(target, prop) {
        if (prop !== 'execute') {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        }
        return async <T>(callback: Parameters<TransactionBuilder<Database>['execute']>[0]): Promise<T> => {
          for (let attempt = 1; ; attempt++) {
            try {
              return (await target.execute(callback)) as T;
            } catch (error) {
              if (attempt >= TRANSACTION_ATTEMPTS || !isRetryableMysqlError(error)) throw error;
            }
          }
        };
      },
    });
  }
}
