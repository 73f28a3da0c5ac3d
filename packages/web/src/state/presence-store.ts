import type { ConfabClient, RealtimeConnection } from '@confab/client';
import type { Presence } from '@confab/protocol';
import { ExternalStore } from './external-store.js';

/**
 * Who is online, for the dots beside direct conversations: each user read once when first shown,
 * then kept by `presence` events. Those are live signals only, so everything shown is read again
 * after a reconnect.
 */
export class PresenceStore extends ExternalStore<ReadonlyMap<string, Presence>> {
  private readonly watched = new Set<string>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
  ) {
    super(new Map());
  }

  start(): void {
    this.stops.push(
      this.connection.on('presence', ({ userId, online, lastSeenAt }) => this.put({ userId, online, lastSeenAt })),
      this.connection.onStateChange((state) => {
        if (state === 'open') for (const userId of this.watched) void this.read(userId);
      }),
    );
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  watch(userId: string): void {
    if (this.watched.has(userId)) return;
    this.watched.add(userId);
    void this.read(userId);
  }

  private async read(userId: string): Promise<void> {
    try {
      this.put(await this.client.presence(userId));
    } catch {
      // No dot until the next reconnect reads it again.
    }
  }

  private put(presence: Presence): void {
    const next = new Map(this.getSnapshot());
    next.set(presence.userId, presence);
    this.set(next);
  }
}
