import type { Presence } from '@confab/protocol';
import { type EventBus, conversationTopic } from '../bus/bus.js';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import type { PresenceTracker } from '../presence/presence-tracker.js';

/**
 * Presence: online while any connection of the user is open, offline with `lastSeenAt` when
 * the last one closes or is reaped. Only users who share a conversation see it, and a user may
 * hide their last-seen time. Going offline is announced only after a grace period without a
 * new connection, so a reconnect (a network blip, a node restart, a reconnect storm) costs no
 * writes and no announcements to contacts.
 */
export class PresenceService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly tracker: PresenceTracker,
    private readonly onError: (error: unknown) => void,
    private readonly offlineGraceMs = 0,
  ) {
    // A crashed node's users: their presence expired without anyone disconnecting them.
    tracker.onExpired((userId, at) => void this.wentOffline(userId, at).catch(onError));
    // …and a stalled node's users, expired and announced offline, whose connections lived on.
    tracker.onRevived((userId) => void this.announce(userId, true, null).catch(onError));
  }

  /** Users whose last connection closed within the grace period: offline unless they return. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  async connected(userId: string, connectionId: string): Promise<void> {
    await this.inTurn(userId, async () => {
      if (!(await this.tracker.connect(userId, connectionId))) return;
      const leaving = this.leaving.get(userId);
      if (leaving) {
        // Back within the grace period: contacts never saw them leave.
        clearTimeout(leaving);
        this.leaving.delete(userId);
        return;
      }
      await this.announce(userId, true, null);
    });
  }

  async disconnected(userId: string, connectionId: string): Promise<void> {
    await this.inTurn(userId, async () => {
      if (!(await this.tracker.disconnect(userId, connectionId))) return;
      const at = Date.now();
      if (this.offlineGraceMs === 0) return this.wentOffline(userId, at);
      const timer = setTimeout(() => {
        this.leaving.delete(userId);
        void this.inTurn(userId, async () => {
          // Another node may hold a connection of theirs by now.
          if (!(await this.tracker.isOnline(userId))) await this.wentOffline(userId, at);
        }).catch(this.onError);
      }, this.offlineGraceMs);
      timer.unref();
      this.leaving.set(userId, timer);
    });
  }

  /** Shutdown: pending departures are dropped (their users reconnect to another node). */
  close(): void {
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
  }

  /**
   * One user's transitions run one at a time, in the order they were called: otherwise a quick
   * reconnect can announce "online" before the slower "offline" (it writes lastSeenAt first), and
   * contacts are left seeing an online user as offline.
   */
  private readonly turns = new Map<string, Promise<void>>();
  private inTurn(userId: string, run: () => Promise<void>): Promise<void> {
    const result = (this.turns.get(userId) ?? Promise.resolve()).then(run);
    const settled = result.catch(() => undefined);
    this.turns.set(userId, settled);
    void settled.then(() => {
      if (this.turns.get(userId) === settled) this.turns.delete(userId);
    });
    return result;
  }

  private async wentOffline(userId: string, at: number): Promise<void> {
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

  /**
   * Tells everyone who shares a conversation with the user, on those conversations' topics: one
   * publish per conversation rather than one per contact (a 1,000-member group would otherwise
   * cost a thousand publishes and a thousand-row query per connect). Someone who shares several
   * conversations with the user hears it once per conversation; presence is state, not a count.
   */
  private async announce(userId: string, online: boolean, at: number | null): Promise<void> {
    const [user, conversationIds] = await Promise.all([this.store.getUser(userId), this.store.listConversationIds(userId)]);
    if (!user || conversationIds.length === 0) return;
    const lastSeenAt = at === null || user.hideLastSeen ? null : new Date(at).toISOString();
    await this.bus.publish(conversationIds.map(conversationTopic), { type: 'presence', userId, online, lastSeenAt });
  }
}
