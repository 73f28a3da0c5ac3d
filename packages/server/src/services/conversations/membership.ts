import type { Role } from '@confab/protocol';
import { notFound } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { type BusHandler, CLUSTER_TOPIC } from '../../bus/bus.js';

/** Where a node's caches hear the `cluster` topic: the bus itself, or a consumer of the topic hub. */
export interface ClusterFeed {
  subscribe(topic: string, handler: BusHandler): Promise<void>;
  onResync(listener: () => void): void;
}

/**
 * Who belongs to which conversation, cached so a send does not query membership per message.
 * The services that change membership invalidate it once the change commits, and every node
 * hears of every membership change on the bus's `cluster` topic (`followCluster`). Pub/sub may
 * drop that news, so the whole cache is dropped when the bus resyncs, and an entry lives at most
 * `ttlMs` in any case. Bounded: the least recently loaded conversations are dropped first.
 */
export class MembershipCache {
  private readonly roles = new Map<string, { members: Map<string, Role>; loadedAt: number }>();
  private readonly loading = new Map<string, Promise<Map<string, Role>>>();
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly maxConversations = 10_000,
    private readonly ttlMs = 60_000,
  ) {}

  /** Keeps this node's cache true to membership changes made on any node. */
  async followCluster(bus: ClusterFeed): Promise<void> {
    bus.onResync(() => this.clear());
    await bus.subscribe(CLUSTER_TOPIC, ({ event }) => {
      if (event.type === 'member.added' || event.type === 'member.removed' || event.type === 'member.updated')
        this.invalidate(event.conversationId);
    });
  }

  /** Forgets everything (news of changes may have been lost). */
  clear(): void {
    this.generation += 1;
    this.roles.clear();
    this.loading.clear();
  }

  /** The member's role; throws not_found for non-members so a conversation's existence never leaks. */
  async requireRole(conversationId: string, userId: string): Promise<Role> {
    const role = (await this.members(conversationId)).get(userId);
    if (role === undefined) throw notFound('Conversation');
    return role;
  }

  async members(conversationId: string): Promise<Map<string, Role>> {
    const cached = this.roles.get(conversationId);
    if (cached && Date.now() - cached.loadedAt < this.ttlMs) return cached.members;
    let pending = this.loading.get(conversationId);
    if (!pending) {
      const generation = this.generation;
      pending = this.store.members.listMembers(conversationId).then((rows) => {
        const map = new Map(rows.map((r) => [r.userId, r.role] as const));
        // A change committed while this load ran may be missing from it: keep it only if none did.
        if (this.loading.get(conversationId) === pending && this.generation === generation) this.remember(conversationId, map);
        if (this.loading.get(conversationId) === pending) this.loading.delete(conversationId);
        return map;
      });
      pending.catch(() => this.loading.delete(conversationId));
      this.loading.set(conversationId, pending);
    }
    return pending;
  }

  /** Call after a membership change commits: the next check reloads from the store. */
  invalidate(conversationId: string): void {
    this.generation += 1;
    this.roles.delete(conversationId);
    this.loading.delete(conversationId);
  }

  private remember(conversationId: string, map: Map<string, Role>): void {
    if (this.roles.size >= this.maxConversations) {
      const oldest = this.roles.keys().next().value;
      if (oldest !== undefined) this.roles.delete(oldest);
    }
    this.roles.delete(conversationId); // re-inserted last: the map's order is load order
    this.roles.set(conversationId, { members: map, loadedAt: Date.now() });
  }
}
