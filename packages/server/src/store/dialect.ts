import type { Kysely, Migration } from 'kysely';
import type { Database } from './schema.js';
import type { FreshAppender } from './sql/one-query-append.js';
import type { SearchIndex } from './sql/search.js';
import type { Store } from './store.js';

/** What an engine adds to the shared query layer: its Kysely instance and how it reports errors. */
export interface Dialect {
  engine: Store['engine'];
  db: Kysely<Database>;
  /** The constraint name when `error` is a unique-constraint violation, else undefined. */
  uniqueViolation(error: unknown): string | undefined;
  /** SELECT … FOR UPDATE SKIP LOCKED exists (PostgreSQL): concurrent outbox claims pass over each other's rows. */
  skipLocked?: boolean;
  /** The engine's full-text index (docs/search.md). */
  search: SearchIndex;
  /**
   * Stores a batch of new messages and commits, in one query (PostgreSQL:
   * `postgres/one-statement-append.ts`, which takes MLS application messages and welcomes too;
   * MySQL/MariaDB: `mysql/mysql-append.ts`, two round trips; SQLite: `sqlite/sqlite-append.ts`,
   * one synchronous run of prepared statements); without it every batch goes statement by statement.
   */
  appendFresh?: FreshAppender;
  /** Migrations only this engine runs (DDL that cannot be portable), merged by name into the shared list. */
  migrations?: Record<string, Migration>;
  /** The schema the Migrator keeps its own tables in, for engines that have schemas. */
  migrationTableSchema?(): Promise<string>;
  /**
   * A migration as the engine runs it. MySQL/MariaDB (no transactional DDL): its schema steps
   * recorded as they run, and skipped when a failed migration is run again (mysql/mysql-migration-steps.ts).
   */
  resumableMigration?(name: string, migration: Migration): Migration;
  /** Runs the migrations inside whatever the engine needs around them. */
  duringMigrations?<T>(run: () => Promise<T>): Promise<T>;
  /** Starts what needs the migrated schema (SQLite: the search indexer); called after each successful `migrate`. */
  afterMigrations?(): void;
  close(): Promise<void>;
}
