import type { Presence } from '@confab/protocol';
import { type EventBus, userTopic } from '../bus/bus.js';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';

/**
 * Where "is this user connected anywhere" is kept: counted in this process for one node, or in
 * a shared store with expiry when several nodes serve the same users.
 */
export interface PresenceTracker {
  /** Counts a connection; true when the user just came online. */
  connect(userId: string): Promise<boolean>;
  /** Uncounts one; true when it was the user's last connection. */
  disconnect(userId: string): Promise<boolean>;
  isOnline(userId: string): Promise<boolean>;
}

/** One process: the gateway's own count of open sockets per user. */
export class LocalPresenceTracker implements PresenceTracker {
  private readonly counts = new Map<string, number>();

  connect(userId: string): Promise<boolean> {
    const count = (this.counts.get(userId) ?? 0) + 1;
    this.counts.set(userId, count);
    return Promise.resolve(count === 1);
  }

  disconnect(userId: string): Promise<boolean> {
    const count = (this.counts.get(userId) ?? 0) - 1;
    if (count > 0) this.counts.set(userId, count);
    else this.counts.delete(userId);
    return Promise.resolve(count <= 0);
  }

  isOnline(userId: string): Promise<boolean> {
    return Promise.resolve(this.counts.has(userId));
  }
}

/**
 * Presence: online while any connection of the user is open, offline with `lastSeenAt` when
 * the last one closes or is reaped. Only users who share a conversation see it, and a user may
 * hide their last-seen time.
 */
export class PresenceService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly tracker: PresenceTracker,
  ) {}

  async connected(userId: string): Promise<void> {
    if (await this.tracker.connect(userId)) await this.announce(userId, true, null);
  }

  async disconnected(userId: string): Promise<void> {
    if (!(await this.tracker.disconnect(userId))) return;
    const at = Date.now();
    await this.store.setLastSeen(userId, at);
    await this.announce(userId, false, at);
  }

  async get(viewerId: string, userId: string): Promise<Presence> {
    const user = await this.store.getUser(userId);
    if (!user || (viewerId !== userId && !(await this.store.sharesConversation(viewerId, userId)))) throw notFound('User');
    const online = await this.tracker.isOnline(userId);
    const hidden = user.hideLastSeen && viewerId !== userId;
    const lastSeenAt = online || hidden || user.lastSeenAt === null ? null : new Date(user.lastSeenAt).toISOString();
    return { userId, online, lastSeenAt };
  }

  /** Tells everyone who shares a conversation with the user, on their user topics. */
  private async announce(userId: string, online: boolean, at: number | null): Promise<void> {
    const [user, contacts] = await Promise.all([this.store.getUser(userId), this.store.listContactIds(userId)]);
    if (!user || contacts.length === 0) return;
    const lastSeenAt = at === null || user.hideLastSeen ? null : new Date(at).toISOString();
    await this.bus.publish(contacts.map(userTopic), { type: 'presence', userId, online, lastSeenAt });
  }
}
