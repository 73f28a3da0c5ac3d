import type { Presence } from '@confab/protocol';
import { type EventBus, conversationTopic } from '../../bus/bus.js';
import { notFound } from '../../errors.js';
import type { UserRecord } from '../../store/records.js';
import type { LastSeen, Store } from '../../store/store.js';
import type { PresenceTracker } from '../../presence/presence-tracker.js';
import { Admission } from '../../infra/admission.js';
import { batchedReads, batchedWrites } from '../../infra/batching.js';

/** How long, in grace periods from the disconnect, a departure may wait for a busy gateway. */
const MAX_DEFERRAL_GRACES = 5;

/**
 * Departures recorded and announced at once, the rest waiting for a later macrotask: 18,000
 * sockets closing together (a load balancer restarting) otherwise fire 18,000 grace timers in one
 * turn, and their writes and announcements held a node's event loop for 100–400 ms at a time.
 */
const DEPARTURES_AT_ONCE = 200;

/**
 * Presence: online while any connection of the user is open, offline with `lastSeenAt` when
 * the last one closes or is reaped. Only users who share a conversation see it, and a user may
 * hide their last-seen time. A closed connection stays counted for a grace period, so a
 * reconnect (a network blip, a node restart, a reconnect storm) costs no writes and no
 * announcements to contacts; REST, on every node, says what contacts were told: online until
 * the grace period ends, then offline with `lastSeenAt` (when the connection closed).
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
    tracker.onExpired((userId, at) => void this.departures.run(() => this.wentOffline(userId, at)).catch(onError));
    // …and a stalled node's users, expired and announced offline, whose connections lived on.
    tracker.onRevived((userId) => void this.announce(userId, true, null).catch(onError));
  }

  /** Closed connections still counted, by connection id: uncounted when the grace period ends. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  /**
   * The announcement's reads, shared by the users coming and going in one moment: sockets
   * connecting together (clients finding a new node, users back after more than the grace period)
   * would otherwise cost two queries each.
   */
  private readonly users = batchedReads(
    async (ids) => new Map((await this.store.users.getUsers(ids)).map((user) => [user.id, user])),
    (): UserRecord | undefined => undefined,
  );
  private readonly conversationIds = batchedReads(
    (ids) => this.store.conversations.listConversationIds(ids),
    (): string[] => [],
  );
  /** …and their `lastSeenAt` writes: one statement, not a commit each. */
  private readonly lastSeen = batchedWrites<LastSeen>((entries) => this.store.users.setLastSeen(entries));
  private readonly departures = new Admission(DEPARTURES_AT_ONCE);
  private closed = false;

  async connected(userId: string, connectionId: string): Promise<void> {
    await this.inTurn(userId, async () => {
      // Back within the grace period: the closed connection is still counted, so this is no news.
      if (await this.tracker.connect(userId, connectionId)) await this.announce(userId, true, null);
    });
  }

  async disconnected(userId: string, connectionId: string): Promise<void> {
    const at = Date.now();
    if (this.offlineGraceMs === 0) return this.depart(userId, connectionId, at);
    // The tracker keeps counting the connection meanwhile, so every node answers "online".
    this.leaveAfter(userId, connectionId, at, this.offlineGraceMs);
  }

  /**
   * While `busy` says so (the gateway has handshakes not yet answered: a reconnect storm), a
   * departure whose grace period is over waits a little more, up to `MAX_DEFERRAL_GRACES` grace
   * periods in all: the user may be in that queue, and announcing them offline then online again
   * costs every contact two frames, in the storm.
   */
  deferDeparturesWhile(busy: () => boolean): void {
    this.busy = busy;
  }

  private busy: () => boolean = () => false;

  private leaveAfter(userId: string, connectionId: string, at: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.leaving.delete(connectionId);
      if (this.busy() && Date.now() - at < this.offlineGraceMs * MAX_DEFERRAL_GRACES) {
        return this.leaveAfter(userId, connectionId, at, Math.max(50, this.offlineGraceMs / 8));
      }
      void this.depart(userId, connectionId, at).catch(this.onError);
    }, delayMs);
    timer.unref();
    this.leaving.set(connectionId, timer);
  }

  /** In the user's turn (the order of their transitions kept), and in a slice of departures. */
  private depart(userId: string, connectionId: string, at: number): Promise<void> {
    return this.inTurn(userId, () => this.departures.run(() => (this.closed ? Promise.resolve() : this.uncount(userId, connectionId, at))));
  }

  /**
   * Uncounts a closed connection. When it is the user's last, lastSeenAt is stored before the
   * tracker lets go of it: a node that reads the tracker as offline then finds the new time.
   */
  private async uncount(userId: string, connectionId: string, at: number): Promise<void> {
    const storedFirst = (await this.tracker.connectionCount(userId)) <= 1;
    if (storedFirst) await this.lastSeen({ userId, at });
    if (!(await this.tracker.disconnect(userId, connectionId))) return;
    // Another connection closed in between (rare): store it now, late but before the announcement.
    if (!storedFirst) await this.lastSeen({ userId, at });
    await this.announce(userId, false, at);
  }

  /**
   * Shutdown: pending departures are dropped. Their users reconnect to another node; with Redis,
   * a user who does not is swept offline once the node's entries expire.
   */
  close(): void {
    this.closed = true; // and those already waiting for their slice
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
    if (this.closed) return;
    await this.lastSeen({ userId, at });
    await this.announce(userId, false, at);
  }

  async get(viewerId: string, userId: string): Promise<Presence> {
    // The tracker before the user row: going offline stores lastSeenAt before the tracker lets go.
    const online = await this.tracker.isOnline(userId);
    const user = await this.store.users.getUser(userId);
    if (!user || (viewerId !== userId && !(await this.store.members.sharesConversation(viewerId, userId)))) throw notFound('User');
    // Whom I block, or who blocks me, I no longer see come and go (a block hides both ways).
    if (viewerId !== userId && (await this.store.blocks.blockersAmong(userId, [viewerId])).length > 0) throw notFound('User');
    if (viewerId !== userId && (await this.store.blocks.blockersAmong(viewerId, [userId])).length > 0) throw notFound('User');
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
    const [user, conversationIds] = await Promise.all([this.users.load(userId), this.conversationIds.load(userId)]);
    if (!user || conversationIds.length === 0) return;
    const lastSeenAt = at === null || user.hideLastSeen ? null : new Date(at).toISOString();
    await this.bus.publish(conversationIds.map(conversationTopic), { type: 'presence', userId, online, lastSeenAt });
  }
}
