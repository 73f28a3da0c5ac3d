import type { BlockResponse, UserPage } from '@confab/protocol';
import { CLUSTER_TOPIC, type EventBus, userTopic } from '../bus/bus.js';
import { AppError, invalid, notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import { batchedReads } from './batching.js';
import { CursorFields, decodeCursor, encodeCursor } from './cursor.js';
import type { ClusterFeed, MembershipCache } from './membership.js';
import { userView } from './views.js';

/** The wire error for anything a block refuses. The blocker is not named: blocks are private. */
export const blockedError = () => new AppError('blocked', 'This user does not accept that from you');

/**
 * Blocking: a user I block cannot open a DM with me, send into our DM or add me to a group, and
 * their typing and presence no longer reach my sockets (the gateway filters those per socket,
 * from `blockedIds` and the `block.updated` events to my own devices). Nothing ever tells the
 * blocked user. A send into a DM checks the peer's blocks in a per-node cache, kept true to
 * changes on every node through the `cluster` topic and bounded in age, so sends cost no query.
 */
export class BlockService {
  private readonly blocksOf = new Map<string, { ids: Set<string>; loadedAt: number }>();
  /** conversationId → the other user of a DM, or null for a group (neither ever changes). */
  private readonly directPeers = new Map<string, string[] | null>();
  /** Bumped by every change heard of: a load that ran across one is not kept. */
  private generation = 0;
  /** Whom each user blocks, fresh from the store; the reads of sockets resuming together are one query. */
  private readonly blockLists = batchedReads(
    (ids) => this.store.blockedIds(ids),
    (): string[] => [],
  );

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly bus: EventBus,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Keeps this node's cache true to blocks made on any node. */
  async followCluster(subscriber: ClusterFeed): Promise<void> {
    subscriber.onResync(() => this.forget());
    await subscriber.subscribe(CLUSTER_TOPIC, ({ event }) => {
      // The event names the blocked user, not the blocker (it goes to the blocker's devices too).
      if (event.type === 'block.updated') this.forget();
    });
  }

  async setBlocked(userId: string, targetId: string, blocked: boolean): Promise<BlockResponse> {
    if (targetId === userId) throw invalid('You cannot block yourself');
    if (!(await this.store.getUser(targetId))) throw notFound('User');
    const changed = await this.store.setBlock(userId, targetId, blocked, Date.now());
    if (changed) {
      this.forget();
      // My devices (and every node's cache) hear of it; the blocked user's topic never does.
      await this.bus.publish([userTopic(userId), CLUSTER_TOPIC], { type: 'block.updated', userId: targetId, blocked });
    }
    return { blocked };
  }

  async list(userId: string, page: { limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = page.limit ?? 20;
    const afterId = page.cursor === undefined ? undefined : decodeCursor(page.cursor, CursorFields.id);
    const rows = await this.store.listBlockedUsers(userId, { limit: limit + 1, ...(afterId === undefined ? {} : { afterId }) });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(userView), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  /** Every user `userId` blocks, fresh from the store (a socket filters their typing and presence). */
  async blockedIds(userId: string): Promise<Set<string>> {
    return new Set(await this.blockLists.load(userId));
  }

  /** Refuses when `targetId` blocks `actorId` (opening a DM with them). */
  async assertNotBlockedBy(targetId: string, actorId: string): Promise<void> {
    if ((await this.cachedBlocks(targetId)).has(actorId)) throw blockedError();
  }

  /** Those of `userIds` who block `actorId`, from this node's cache (what notifying them checks). */
  async blockersOf(actorId: string, userIds: Iterable<string>): Promise<Set<string>> {
    const blockers = new Set<string>();
    for (const userId of userIds) if ((await this.cachedBlocks(userId)).has(actorId)) blockers.add(userId);
    return blockers;
  }

  /** Refuses when one of `targetIds` blocks `actorId` (adding them to a group). */
  async assertNoneBlocks(targetIds: readonly string[], actorId: string): Promise<void> {
    if ((await this.store.blockersAmong(actorId, targetIds)).length > 0) throw blockedError();
  }

  /** A send into a DM whose other member blocks the sender is refused; groups are unaffected. */
  async assertMaySend(senderId: string, conversationId: string): Promise<void> {
    let peers = this.directPeers.get(conversationId);
    if (peers === undefined) {
      const conversation = await this.store.getConversation(conversationId);
      if (!conversation) return;
      peers = conversation.kind === 'direct' ? [...(await this.membership.members(conversationId)).keys()] : null;
      if (this.directPeers.size >= this.maxEntries) this.directPeers.clear();
      this.directPeers.set(conversationId, peers);
    }
    if (peers === null) return;
    for (const peer of peers) if (peer !== senderId) await this.assertNotBlockedBy(peer, senderId);
  }

  private async cachedBlocks(userId: string): Promise<Set<string>> {
    const cached = this.blocksOf.get(userId);
    if (cached && Date.now() - cached.loadedAt < this.ttlMs) return cached.ids;
    const generation = this.generation;
    const ids = await this.blockedIds(userId);
    if (generation !== this.generation) return ids;
    if (this.blocksOf.size >= this.maxEntries) this.blocksOf.delete(this.blocksOf.keys().next().value!);
    this.blocksOf.set(userId, { ids, loadedAt: Date.now() });
    return ids;
  }

  private forget(): void {
    this.generation += 1;
    this.blocksOf.clear();
  }
}
