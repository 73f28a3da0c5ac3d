import type { DatabaseConnection } from 'kysely';
import type { Db } from './rows.js';

/** Each connection's Kysely, bound to it, as `connection().execute` first made it. */
const bound = new WeakMap<DatabaseConnection, Db>();

/**
 * `db.connection().execute(work)`: `work` runs holding one connection of the pool, with a Kysely
 * bound to it. Kysely makes that bound instance anew each time, and its constructor's frozen copy
 * of its settings (`freeze({ ...props })`) is the kind of copy Node 20 keeps through every
 * scavenge (infra/extended-copy.ts): a fifth of what one REST sender's scavenges still promoted
 * (bench/README.md, "Copies that outlive themselves"). So the bound instance is kept per connection
 * and used again whenever the pool hands out that connection; it is used only while the pool's
 * lock on the connection is held, as Kysely's own is. A connection met for the first time (the first
 * batch, a new pooled client) goes through `connection()` once, which keeps its bound instance.
 */
export async function onOneConnection<T>(db: Db, work: (conn: Db) => Promise<T>): Promise<T> {
  const known = await db.getExecutor().provideConnection(async (connection) => {
    const conn = bound.get(connection);
    return conn === undefined ? unknownConnection : { result: await work(conn) };
  });
  if (known !== unknownConnection) return known.result;
  return db.connection().execute(async (conn) => {
    await conn.getExecutor().provideConnection(async (connection) => {
      bound.set(connection, conn);
    });
    return work(conn);
  });
}

/** What `onOneConnection` gets when the pool handed it a connection with no bound instance yet. */
const unknownConnection = Symbol('unknown connection');
