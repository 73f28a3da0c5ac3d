import { type EventBus, SESSIONS_TOPIC, type SessionRevokedNotice } from '../../bus/bus.js';
import type { SessionRecord, Store } from '../../store/store.js';

export interface SessionRevocationsOptions {
  /** Access-token lifetime: after it, no token of a session revoked before can still be valid. */
  accessTtlMs: number;
  /** How often the store is read for revocations the bus did not bring. */
  checkIntervalMs: number;
  /** A failed periodic read (logged by the caller; the next one tries again). */
  onError(error: unknown): void;
}

/** Revocations are read again this far back: commit delay and clock skew between nodes. */
const LOOKBACK_MS = 10_000;
/** Kept this long past the access-token lifetime, for tokens signed by a node whose clock runs ahead. */
const CLOCK_SLACK_MS = 60_000;

/**
 * The sessions that ended lately, known to this node, so every authenticated request, upgrade
 * and socket is checked with one Map lookup instead of a store read per request (decision 0006).
 * Fed three ways: revocations made here (at once), the `sessions` bus topic (other nodes, within
 * milliseconds), and a read of the sessions revoked lately every `checkIntervalMs` and after a
 * bus resync (a lost bus message). An entry lives as long as a token issued before it could.
 */
export class SessionRevocations {
  private readonly revoked = new Map<string, number>();
  private readonly listeners: ((session: { id: string; userId: string }) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastReadAt = 0;
  private reading: Promise<void> | undefined;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly options: SessionRevocationsOptions,
  ) {}

  /** Loads the revocations still in effect and follows new ones; call before serving. */
  async start(): Promise<void> {
    await this.bus.subscribe<SessionRevokedNotice>(SESSIONS_TOPIC, ({ event }) =>
      this.note(event.sessionId, event.userId, event.revokedAt),
    );
    this.bus.onResync(() => void this.catchUp());
    await this.read(Date.now() - this.retentionMs());
    this.timer = setInterval(() => void this.catchUp(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  /** Shutdown: no more reads (one in flight may fail as the store closes: that is not news). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  /** `listener` runs once per session this node learns has ended (its sockets close then). */
  onRevoked(listener: (session: { id: string; userId: string }) => void): void {
    this.listeners.push(listener);
  }

  /** A revocation this node committed: in effect here at once, on the other nodes through the bus. */
  async announce(session: Pick<SessionRecord, 'id' | 'userId'>, revokedAt: number): Promise<void> {
    this.note(session.id, session.userId, revokedAt);
    const notice: SessionRevokedNotice = { type: 'session.revoked', sessionId: session.id, userId: session.userId, revokedAt };
    await this.bus.publish([SESSIONS_TOPIC], notice);
  }

  private catchUp(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // One read at a time: a slow store must not pile reads up.
    this.reading ??= this.read(this.lastReadAt - LOOKBACK_MS)
      .then(() => this.prune())
      .catch((error: unknown) => {
        // Logged once per outage, not twice a second.
        if (!this.failing && !this.stopped) this.options.onError(error);
        this.failing = true;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(since: number): Promise<void> {
    const startedAt = Date.now();
    for (const session of await this.store.sessions.listRevokedSessions(since))
      this.note(session.id, session.userId, session.revokedAt ?? startedAt);
    this.lastReadAt = startedAt;
    this.failing = false;
  }

  private note(sessionId: string, userId: string, revokedAt: number): void {
    if (this.revoked.has(sessionId)) return;
    this.revoked.set(sessionId, revokedAt);
    for (const listener of this.listeners) listener({ id: sessionId, userId });
  }

  private prune(): void {
    const before = Date.now() - this.retentionMs();
    for (const [sessionId, revokedAt] of this.revoked) if (revokedAt < before) this.revoked.delete(sessionId);
  }

  private retentionMs(): number {
    return this.options.accessTtlMs + CLOCK_SLACK_MS;
  }
}
