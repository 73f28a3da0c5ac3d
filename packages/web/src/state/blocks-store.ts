import type { ConfabClient, RealtimeConnection } from '@confab/client';
import { ExternalStore } from './external-store.js';

/**
 * Whom I block (issue 35): read page by page when the app starts and after each reconnect, and
 * kept by `block.updated` (from any of my devices) and by my own changes here. The DM header's block
 * button and the folding of a blocked person's messages in groups read it (`useBlocked`).
 * `loaded` is false until the first read has finished.
 */
export class BlocksStore extends ExternalStore<{ loaded: boolean; ids: ReadonlySet<string> }> {
  private readonly stops: (() => void)[] = [];
  /** Changes heard while the first read runs: applied after it, in order. */
  private heard: [string, boolean][] | null = [];

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
  ) {
    super({ loaded: false, ids: new Set() });
  }

  start(): void {
    this.stops.push(
      this.connection.on('block.updated', ({ userId, blocked }) => this.put(userId, blocked)),
      // `block.updated` is a live signal, not replayed: a change made while this tab was offline is read again.
      this.connection.onStateChange((state) => {
        if (state === 'open' && this.heard === null) void this.load();
      }),
    );
    void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Blocks or unblocks `userId`, and shows the answer. */
  async setBlocked(userId: string, blocked: boolean): Promise<void> {
    this.put(userId, (await this.client.setBlocked(userId, blocked)).blocked);
  }

  private async load(): Promise<void> {
    this.heard = [];
    const ids = new Set<string>();
    try {
      for (let cursor: string | undefined; ;) {
        const page = await this.client.blockedUsers({ limit: 100, ...(cursor ? { cursor } : {}) });
        for (const user of page.items) ids.add(user.id);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
    } catch {
      // A re-read that failed keeps what is shown (the changes heard meanwhile are in it); a first
      // read that failed shows blocking nobody, and the next change heard of still lands.
      if (this.getSnapshot().loaded) {
        this.heard = null;
        return;
      }
      ids.clear();
    }
    for (const [id, blocked] of this.heard ?? []) {
      if (blocked) ids.add(id);
      else ids.delete(id);
    }
    this.heard = null;
    this.set({ loaded: true, ids });
  }

  private put(userId: string, blocked: boolean): void {
    this.heard?.push([userId, blocked]);
    const { loaded, ids } = this.getSnapshot();
    if (ids.has(userId) === blocked) return;
    const next = new Set(ids);
    if (blocked) next.add(userId);
    else next.delete(userId);
    this.set({ loaded, ids: next });
  }
}
