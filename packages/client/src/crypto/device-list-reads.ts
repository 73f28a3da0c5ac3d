/** How long one read of a user's device list may serve checks, even while operations keep overlapping. */
export const SHARED_READ_MAX_AGE_MS = 5_000;

/**
 * Reads of users' signed device lists shared within one MLS operation (a Welcome applied, a
 * commit made or processed, KeyPackages added): ts-mls checks the credential of every leaf it
 * meets, and without sharing each check was a request (52 for the Welcome of a 51-device group).
 * Outside an operation every read goes to the server. A read is kept only while some operation
 * runs, never longer than `SHARED_READ_MAX_AGE_MS`, and `forget` (a new identity key announced,
 * a device revoked here) makes the next check read again: a revocation observed is never
 * answered from an older list.
 */
export class DeviceListReads<T> {
  private readonly kept = new Map<string, { read: Promise<T>; at: number }>();
  private running = 0;

  constructor(
    private readonly load: (userId: string) => Promise<T>,
    /** Several users' lists in one request; a user missing from its answer is read alone. */
    private readonly loadMany: (userIds: string[]) => Promise<Map<string, Promise<T>>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `work` as one operation: the reads its checks make are shared until every operation running has ended. */
  async during<R>(work: () => Promise<R>): Promise<R> {
    this.running++;
    try {
      return await work();
    } finally {
      if (--this.running === 0) this.kept.clear();
    }
  }

  /** The user's list: the one read in this operation (even still in flight), or a new read. */
  read(userId: string): Promise<T> {
    if (this.running === 0) return this.load(userId);
    const kept = this.kept.get(userId);
    if (kept && this.fresh(kept)) return kept.read;
    return this.keep(userId, this.load(userId));
  }

  /**
   * Within an operation, reads the lists of these users not kept yet in one request, for its
   * checks to find (the members of a conversation whose Welcome or commit is about to be
   * checked: one request instead of one per user). Outside an operation it reads nothing.
   */
  async prime(userIds: readonly string[]): Promise<void> {
    if (this.running === 0) return;
    const missing = [...new Set(userIds)].filter((id) => {
      const kept = this.kept.get(id);
      return !kept || !this.fresh(kept);
    });
    if (missing.length === 0) return;
    const many = this.loadMany(missing);
    for (const id of missing)
      this.keep(
        id,
        many.then((lists) => lists.get(id) ?? this.load(id)),
      );
    await many.catch(() => undefined);
  }

  private fresh(kept: { at: number }): boolean {
    return this.now() - kept.at <= SHARED_READ_MAX_AGE_MS;
  }

  private keep(userId: string, read: Promise<T>): Promise<T> {
    const entry = { read, at: this.now() };
    this.kept.set(userId, entry);
    // A failed read is not shared: the next check tries again.
    entry.read.catch(() => {
      if (this.kept.get(userId) === entry) this.kept.delete(userId);
    });
    return entry.read;
  }

  /** The next check of this user reads their list again (a read in flight now is not reused). */
  forget(userId: string): void {
    this.kept.delete(userId);
  }
}
