import { CompiledQuery, Kysely, sql } from 'kysely';
import { Client, Pool, TypeOverrides } from 'pg';
import type { Database } from '../schema.js';
import { SqlStore } from '../sql-store.js';
import { SchemaScopedPostgresDialect } from './schema-introspector.js';
import { guardedPool } from './guarded-pool.js';
import { postgresUniqueViolation } from './postgres-errors.js';
import { postgresMigrations } from './postgres-migrations.js';
import { postgresSearch } from './postgres-search.js';
import { appendFreshAndCommit } from './one-statement-append.js';

export interface PostgresStoreOptions {
  /** Most connections this process holds (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** An idle pooled connection failed (e.g. the server restarted); the pool drops it and reconnects. */
  onIdleError?: (error: Error) => void;
  /** Handed the pool once made, to read its counts (waiting queries on /metrics). */
  observePool?: (pool: Pool) => void;
}

const INT8_OID = 20;

/**
 * Advisory lock a migration holds shared and a schema drop takes exclusively. Kysely's Migrator
 * read the catalog of every schema in the database (has_schema_privilege by name), which failed
 * with 3F000 when another schema was dropped mid-read: a database holding several deployments'
 * schemas, or the tests', which drop theirs while other tests' servers start. Its introspection
 * now reads the store's own schema only (`SchemaScopedPostgresDialect`), which also ends the
 * 42703 failures a dropped table caused; the lock stays for drops of whole schemas by the tests.
 */
export const SCHEMA_CHANGE_LOCK = 720_613_390;
/** A database that does not answer a connect within this fails the request (503) instead of hanging it. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * The shared store on PostgreSQL, for several nodes over one database. The schema is the first
 * one in the connection's search_path (choose another with `?options=-c search_path=<schema>` in
 * DATABASE_URL). Every connection sets `synchronous_commit = on`, whatever the server's default,
 * so an acknowledged message is on disk as with SQLite's `synchronous=FULL`.
 */
export function openPostgresStore(databaseUrl: string, options: PostgresStoreOptions): SqlStore {
  const db = createPostgresDb(databaseUrl, options);
  return new SqlStore({
    engine: 'postgres',
    db,
    uniqueViolation: postgresUniqueViolation,
    skipLocked: true,
    search: postgresSearch,
    appendFresh: appendFreshAndCommit,
    migrations: postgresMigrations,
    // Kysely's Migrator looks for its tables in every schema unless told which one.
    async migrationTableSchema() {
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      const schema = rows[0]?.schema;
      if (!schema) throw new Error('DATABASE_URL: no schema of the search_path exists; create it first');
      return schema;
    },
    // On a connection of its own: the pool may be a single connection, which the Migrator needs.
    async duringMigrations(run) {
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      client.on('error', () => {}); // a failure surfaces through the queries below
      await client.connect();
      try {
        await client.query('select pg_advisory_lock_shared($1)', [SCHEMA_CHANGE_LOCK]);
        return await run();
      } finally {
        await client.end().catch(() => {});
      }
    },
    close: () => db.destroy(),
  });
}

/** The Kysely instance over a guarded pool, with the per-connection settings above. */
export function createPostgresDb(databaseUrl: string, options: PostgresStoreOptions): Kysely<Database> {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.poolSize,
    types: int8AsNumber(),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    fallback_application_name: 'confab',
  });
  // Without a listener an idle connection's error (server restart, terminated backend) would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  options.observePool?.(pool);
  return new Kysely<Database>({
    dialect: new SchemaScopedPostgresDialect({
      pool: guardedPool(pool),
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('set synchronous_commit = on'));
        // JIT pays off for long analytic scans, never for these short statements: a correlated count
        // over 2,000 memberships (the list's unread total) is estimated past jit_optimize_above_cost
        // and spent ~130 ms compiling to run in ~12 ms (issue 41).
        await connection.executeQuery(CompiledQuery.raw('set jit = off'));
      },
    }),
  });
}

/**
 * bigint columns hold epoch milliseconds, seqs and counts, all far below 2^53: parse int8 as a
 * number (pg's default is a string), and fail loudly rather than round one that is not.
 * Per pool, so other pg users in the process keep pg's defaults.
 */
function int8AsNumber(): TypeOverrides {
  const types = new TypeOverrides();
  types.setTypeParser(INT8_OID, (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is beyond Number.MAX_SAFE_INTEGER`);
    return n;
  });
  return types;
}
