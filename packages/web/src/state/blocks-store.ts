import type { ConfabClient, RealtimeConnection } from '@confab/client';
import { ExternalStore } from './external-store.js';

/**
 * Whom I block (issue 35): read once, page by page, when the app starts, then kept by
 * `block.updated` (from any of my devices) and by my own changes here. The DM header's block
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
    this.stops.push(this.connection.on('block.updated', ({ userId, blocked }) => this.put(userId, blocked)));
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
    const ids = new Set<string>();
    try {
      for (let cursor: string | undefined; ;) {
        const page = await this.client.blockedUsers({ limit: 100, ...(cursor ? { cursor } : {}) });
        for (const user of page.items) ids.add(user.id);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
    } catch {
      // Shown as blocking nobody; the next change heard of still lands.
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
