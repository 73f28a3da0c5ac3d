/**
 * Where "is this user connected anywhere" is kept: counted in this process for one node
 * (LocalPresenceTracker), or in Redis with expiry when several nodes serve the same users
 * (RedisPresenceTracker). Both pass presence/presence-tracker.conformance.ts.
 */
export interface PresenceTracker {
  /** Counts an open connection; true when the user just came online. */
  connect(userId: string, connectionId: string): Promise<boolean>;
  /** Uncounts it; true when it was the user's last one. */
  disconnect(userId: string, connectionId: string): Promise<boolean>;
  isOnline(userId: string): Promise<boolean>;
  /** How many connections of the user are counted, on every node. */
  connectionCount(userId: string): Promise<number>;
  /**
   * Called with users whose last connection vanished without a disconnect (its node crashed)
   * once their presence expired, with when it expired; at most once per user per expiry, cluster-wide.
   */
  onExpired(listener: (userId: string, at: number) => void): void;
  /** Called with users whose connection had been expired (its node stalled past the TTL) and is alive after all. */
  onRevived(listener: (userId: string) => void): void;
  close(): Promise<void>;
}

/** One process: the gateway's own count of open connections per user. Nothing can expire. */
export class LocalPresenceTracker implements PresenceTracker {
  private readonly connections = new Map<string, Set<string>>();

  connect(userId: string, connectionId: string): Promise<boolean> {
    let set = this.connections.get(userId);
    if (!set) this.connections.set(userId, (set = new Set()));
    set.add(connectionId);
    return Promise.resolve(set.size === 1);
  }

  disconnect(userId: string, connectionId: string): Promise<boolean> {
    const set = this.connections.get(userId);
    if (!set?.delete(connectionId)) return Promise.resolve(false);
    if (set.size > 0) return Promise.resolve(false);
    this.connections.delete(userId);
    return Promise.resolve(true);
  }

  isOnline(userId: string): Promise<boolean> {
    return Promise.resolve(this.connections.has(userId));
  }

  connectionCount(userId: string): Promise<number> {
    return Promise.resolve(this.connections.get(userId)?.size ?? 0);
  }

  onExpired(): void {}

  onRevived(): void {}

  close(): Promise<void> {
    this.connections.clear();
    return Promise.resolve();
  }
}
