import type { Kysely } from 'kysely';
import type { Dialect } from './dialect.js';
import type { Database } from './schema.js';
import type { SearchIndex } from './sql/search.js';
import { UniqueViolation } from './store.js';

/**
 * What every SQL sub-store is made from (store/<aggregate>/sql-*-store.ts): the engine's Kysely
 * instance and what its Dialect does differently. The sub-stores share it; none extends another.
 */
export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The engine's full-text index (docs/search.md). */
  readonly searchIndex: SearchIndex;
  /** SELECT … FOR UPDATE SKIP LOCKED exists (PostgreSQL): outbox claims by several nodes pass over each other's rows. */
  readonly skipLocked: boolean;
  /** The constraint name when `error` is the engine's unique-constraint violation, else undefined. */
  uniqueViolation(error: unknown): string | undefined;
  /** Runs a write, turning the engine's unique-violation error into UniqueViolation. */
  unique<T>(write: () => Promise<T>): Promise<T>;
}

export function sqlContext(dialect: Dialect): SqlContext {
  const uniqueViolation = (error: unknown): string | undefined => dialect.uniqueViolation(error);
  return {
    db: dialect.db,
    dialect,
    searchIndex: dialect.search,
    skipLocked: dialect.skipLocked ?? false,
    uniqueViolation,
    async unique<T>(write: () => Promise<T>): Promise<T> {
      try {
        return await write();
      } catch (error) {
        const constraint = uniqueViolation(error);
        if (constraint !== undefined) throw new UniqueViolation(constraint, error);
        throw error;
      }
    },
  };
}
