import type { BlockResponse, UserPage } from '@confab/protocol';
import { type BlockChangedNotice, CLUSTER_TOPIC, type ClusterNotice, type EventBus, userTopic } from '../../bus/bus.js';
import { AppError, invalid, notFound } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { AccountStates } from '../accounts/account-states.js';
import { batchedReads } from '../../infra/batching.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { ClusterFeed, MembershipCache } from './membership.js';
import { userView } from '../views.js';

/** The wire error for anything a block refuses. The blocker is not named: blocks are private. */
export const blockedError = () => new AppError('blocked', 'This user does not accept that from you');
/** …and for the blocker, who can end it. */
export const blockingError = () => new AppError('blocked', 'You blocked this user: unblock to send');

/**
 * Blocking (issue 35: both ways in a direct conversation): a user I block cannot open a DM with
 * me or add me to a group; in our DM neither of us can send, edit, react or pin (409 `blocked`;
 * deleting one's own message and reading stay); neither sees the other's typing, presence or
 * last seen (the gateway filters those per socket, from `blockedIds` and `blockerIds`, kept true
 * by `block.updated` to the blocker's devices and `block.changed` on the `cluster` topic). In
 * groups both stay. Nothing ever tells the blocked user. The DM checks read the blocks from a
 * per-node cache, kept true to changes on every node through the `cluster` topic and bounded in
 * age, so sends cost no query; a DM's other side being deactivated is checked the same way
 * (`AccountStates`).
 */
export class BlockService {
  private readonly blocksOf = new Map<string, { ids: Set<string>; loadedAt: number }>();
  /** conversationId → the other user of a DM, or null for a group (neither ever changes). */
  private readonly directPeers = new Map<string, string[] | null>();
  /** Bumped by every change heard of: a load that ran across one is not kept. */
  private generation = 0;
  /** Whom each user blocks, fresh from the store; the reads of sockets resuming together are one query. */
  private readonly blockLists = batchedReads(
    (ids) => this.store.blocks.blockedIds(ids),
    (): string[] => [],
  );
  /** Who blocks each user, the same way (a socket hides its blockers' typing and presence too). */
  private readonly blockerLists = batchedReads(
    (ids) => this.store.blocks.blockerIds(ids),
    (): string[] => [],
  );
  private readonly changeListeners: ((notice: BlockChangedNotice) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly bus: EventBus,
    /** A DM's other side deactivated refuses sends too (issue 35); none: not checked. */
    private readonly accounts?: AccountStates,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Keeps this node's cache (and its sockets' filters, through `onChange`) true to blocks made on any node. */
  async followCluster(subscriber: ClusterFeed): Promise<void> {
    subscriber.onResync(() => this.forget());
    await subscriber.subscribe(CLUSTER_TOPIC, ({ event }) => {
      // The topic carries node notices beside client events (bus.ts `ClusterNotice`).
      const notice = event as unknown as ClusterNotice;
      if (notice.type !== 'block.changed') return;
      this.forget();
      for (const listener of this.changeListeners) listener(notice);
    });
  }

  /** `listener` hears every block made or lifted on any node (the gateway updates its sockets' filters). */
  onChange(listener: (notice: BlockChangedNotice) => void): void {
    this.changeListeners.push(listener);
  }

  async setBlocked(userId: string, targetId: string, blocked: boolean): Promise<BlockResponse> {
    if (targetId === userId) throw invalid('You cannot block yourself');
    if (!(await this.store.users.getUser(targetId))) throw notFound('User');
    const changed = await this.store.blocks.setBlock(userId, targetId, blocked, Date.now());
    if (changed) {
      this.forget();
      // My devices hear of it; every node's cache and sockets through the `cluster` topic. The
      // blocked user's topic never does (their sockets' filters change without a frame).
      const notice: BlockChangedNotice = { type: 'block.changed', blockerId: userId, blockedId: targetId, blocked };
      await Promise.all([
        this.bus.publish([userTopic(userId)], { type: 'block.updated', userId: targetId, blocked }),
        this.bus.publish([CLUSTER_TOPIC], notice),
      ]);
    }
    return { blocked };
  }

  async list(userId: string, page: { limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = page.limit ?? 20;
    const afterId = page.cursor === undefined ? undefined : decodeCursor(page.cursor, CursorFields.id);
    const rows = await this.store.blocks.listBlockedUsers(userId, { limit: limit + 1, ...(afterId === undefined ? {} : { afterId }) });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(userView), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  /** Every user `userId` blocks, fresh from the store (a socket filters their typing and presence). */
  async blockedIds(userId: string): Promise<Set<string>> {
    return new Set(await this.blockLists.load(userId));
  }

  /** Everyone who blocks `userId`, fresh from the store (a socket hides their typing and presence too). */
  async blockerIds(userId: string): Promise<Set<string>> {
    return new Set(await this.blockerLists.load(userId));
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
    if ((await this.store.blocks.blockersAmong(actorId, targetIds)).length > 0) throw blockedError();
  }

  /**
   * A send into a DM is refused when either side blocks the other (409 `blocked`), or when the
   * other side is deactivated (409 `user_deactivated`); groups are unaffected.
   */
  async assertMaySend(senderId: string, conversationId: string): Promise<void> {
    const peer = await this.assertMayReach(senderId, conversationId);
    if (peer !== null && this.accounts) await this.accounts.assertActive(peer);
  }

  /**
   * What reaches the other side of a DM (a send, an edit, a reaction, a pin, a live location's
   * update) is refused when either blocks the other; groups are unaffected. Answers the DM's
   * other member (null for a group, or a DM left alone).
   */
  async assertMayReach(actorId: string, conversationId: string): Promise<string | null> {
    const peer = await this.directPeer(conversationId, actorId);
    if (peer === null) return null;
    if ((await this.cachedBlocks(actorId)).has(peer)) throw blockingError();
    await this.assertNotBlockedBy(peer, actorId);
    return peer;
  }

  /** The other member of a direct conversation (null for a group): neither ever changes, so cached. */
  private async directPeer(conversationId: string, actorId: string): Promise<string | null> {
    let peers = this.directPeers.get(conversationId);
    if (peers === undefined) {
      const conversation = await this.store.conversations.getConversation(conversationId);
      if (!conversation) return null;
      peers = conversation.kind === 'direct' ? [...(await this.membership.members(conversationId)).keys()] : null;
      if (this.directPeers.size >= this.maxEntries) this.directPeers.clear();
      this.directPeers.set(conversationId, peers);
    }
    return peers?.find((id) => id !== actorId) ?? null;
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
