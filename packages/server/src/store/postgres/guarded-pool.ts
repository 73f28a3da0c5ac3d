import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { StoreUnavailable } from '../unavailable.js';
import { isPostgresUnavailable } from './postgres-errors.js';

/**
 * The pool as Kysely sees it, and the one place a lost database becomes StoreUnavailable (503
 * `unavailable`): every connection Kysely takes and every statement it sends — a transaction's
 * begin and commit included — passes through here.
 */
export function guardedPool(pool: Pool): PostgresPool {
  // Kysely keys its per-connection state by client object: hand out one wrapper per client.
  const wrappers = new WeakMap<PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await guard(() => pool.connect());
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        // pg-pool listens for errors only while a client is idle. One that dies while checked out
        // (between a transaction's statements) would otherwise emit an unhandled 'error' and end
        // the process; its next statement fails instead, and is reported as StoreUnavailable.
        client.on('error', () => {});
        const query = async <R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
          const { command, rowCount, rows }: QueryResult = await guard(() => client.query(text, [...parameters]));
          return { command: command as PostgresQueryResult<R>['command'], rowCount: rowCount ?? 0, rows: rows as R[] };
        };
        // Only the (sql, parameters) form: the cursor form serves streaming, which the store never uses.
        wrapper = { query: query as PostgresPoolClient['query'], release: () => client.release() };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isPostgresUnavailable(error) ? new StoreUnavailable(error) : error;
  }
}
