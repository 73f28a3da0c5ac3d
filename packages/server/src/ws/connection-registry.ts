import type { Connection } from './connection.js';

/**
 * This node's open sockets, by user and by session: what a user's limit counts, what an
 * operator drops, and what ends with a session.
 */
export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(connection: Connection): void {
    addTo(this.byUser, connection.userId, connection);
    addTo(this.bySession, connection.sessionId, connection);
    this.count += 1;
  }

  /** False when it was not registered (already removed). */
  remove(connection: Connection): boolean {
    if (!removeFrom(this.byUser, connection.userId, connection)) return false;
    removeFrom(this.bySession, connection.sessionId, connection);
    this.count -= 1;
    return true;
  }

  ofUser(userId: string): ReadonlySet<Connection> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  ofSession(sessionId: string): ReadonlySet<Connection> {
    return this.bySession.get(sessionId) ?? EMPTY;
  }

  /** Each user with open sockets here, and those sockets. */
  users(): IterableIterator<[string, ReadonlySet<Connection>]> {
    return this.byUser.entries();
  }

  *all(): IterableIterator<Connection> {
    for (const set of this.byUser.values()) yield* set;
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();

function addTo(map: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom(map: Map<string, Set<Connection>>, key: string, connection: Connection): boolean {
  const set = map.get(key);
  if (!set?.delete(connection)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
