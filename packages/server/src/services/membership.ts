import type { Role } from '@confab/protocol';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';

/**
 * Who belongs to which conversation, cached so a send does not query membership per message.
 * The services that change membership invalidate it once the change commits. Bounded: the least recently
 * loaded conversations are dropped first.
 * (Several nodes: each node's cache must also learn other nodes' changes — the scale-out issue.)
 */
export class MembershipCache {
  private readonly roles = new Map<string, Map<string, Role>>();
  private readonly loading = new Map<string, Promise<Map<string, Role>>>();
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly maxConversations = 10_000,
  ) {}

  /** The member's role; throws not_found for non-members so a conversation's existence never leaks. */
  async requireRole(conversationId: string, userId: string): Promise<Role> {
    const role = (await this.members(conversationId)).get(userId);
    if (role === undefined) throw notFound('Conversation');
    return role;
  }

  async members(conversationId: string): Promise<Map<string, Role>> {
    const cached = this.roles.get(conversationId);
    if (cached) return cached;
    let pending = this.loading.get(conversationId);
    if (!pending) {
      const generation = this.generation;
      pending = this.store.listMembers(conversationId).then((rows) => {
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
    this.roles.set(conversationId, map);
  }
}
