import { AppError } from '../../errors.js';
import { type AccountStateNotice, CLUSTER_TOPIC, type ClusterNotice, type EventBus } from '../../bus/bus.js';
import type { Store } from '../../store/store.js';
import type { ClusterFeed } from '../conversations/membership.js';

/** The wire error for a direct conversation whose other side is deactivated (issue 35). */
export const userDeactivatedError = () => new AppError('user_deactivated', 'This account is deactivated: it cannot receive messages');

/**
 * Which accounts are deactivated, cached per node: a send into a direct conversation asks about
 * the other side on every message, so it costs no query. Kept true on every node by
 * `account.state` on the `cluster` topic (published by the admin's deactivate and reactivate),
 * dropped whole when the bus resyncs, and bounded in age (`ttlMs`) for changes made where no
 * node heard them (the `confab admin` CLI on a single-process bus).
 */
export class AccountStates {
  private readonly deactivated = new Map<string, { value: boolean; loadedAt: number }>();
  /** Bumped by every change heard of: a load that ran across one is not kept. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  async followCluster(feed: ClusterFeed): Promise<void> {
    feed.onResync(() => this.forget());
    await feed.subscribe(CLUSTER_TOPIC, ({ event }) => {
      // The topic carries node notices beside client events (bus.ts `ClusterNotice`).
      if ((event as unknown as ClusterNotice).type === 'account.state') this.forget();
    });
  }

  /** After an admin (de)activated `userId`: every node, this one included, reads it again. */
  async changed(userId: string, deactivated: boolean): Promise<void> {
    this.forget();
    const notice: AccountStateNotice = { type: 'account.state', userId, deactivated };
    await this.bus.publish([CLUSTER_TOPIC], notice);
  }

  async isDeactivated(userId: string): Promise<boolean> {
    const cached = this.deactivated.get(userId);
    if (cached && Date.now() - cached.loadedAt < this.ttlMs) return cached.value;
    const generation = this.generation;
    const value = ((await this.store.users.getUser(userId))?.deactivatedAt ?? null) !== null;
    if (generation !== this.generation) return value;
    if (this.deactivated.size >= this.maxEntries) this.deactivated.delete(this.deactivated.keys().next().value!);
    this.deactivated.set(userId, { value, loadedAt: Date.now() });
    return value;
  }

  /** Refuses when `userId` is deactivated. */
  async assertActive(userId: string): Promise<void> {
    if (await this.isDeactivated(userId)) throw userDeactivatedError();
  }

  private forget(): void {
    this.generation += 1;
    this.deactivated.clear();
  }
}
