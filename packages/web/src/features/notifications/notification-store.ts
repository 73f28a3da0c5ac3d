import type { ConfabClient, RealtimeConnection } from '@confab/client';
import type { Notification } from '@confab/protocol';
import { ExternalStore } from '../../state/external-store.js';

export interface NotificationsState {
  loaded: boolean;
  /** Newest first: the first page, and every one that arrived since. */
  items: readonly Notification[];
  unreadCount: number;
  hasMore: boolean;
}

/**
 * My notifications and their unread count: the first page read once, new ones from
 * `notification.created` (private to my devices, replayed on resume), marked read through
 * the SDK (the answer is the new count). A reset reads them again.
 */
export class NotificationStore extends ExternalStore<NotificationsState> {
  private readonly stops: (() => void)[] = [];
  private cursor: string | null = null;

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
  ) {
    super({ loaded: false, items: [], unreadCount: 0, hasMore: false });
  }

  start(): void {
    this.stops.push(
      this.connection.on('notification.created', ({ notification }) => {
        const state = this.getSnapshot();
        if (state.items.some((n) => n.id === notification.id)) return;
        this.set({ ...state, items: [notification, ...state.items], unreadCount: state.unreadCount + (notification.readAt ? 0 : 1) });
      }),
      this.connection.onReset(() => void this.load()),
    );
    void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  async load(): Promise<void> {
    const page = await this.client.notifications({ limit: 50 });
    this.cursor = page.nextCursor;
    this.set({ loaded: true, items: page.items, unreadCount: page.unreadCount, hasMore: page.nextCursor !== null });
  }

  async loadMore(): Promise<void> {
    if (this.cursor === null) return;
    const page = await this.client.notifications({ limit: 50, cursor: this.cursor });
    this.cursor = page.nextCursor;
    const state = this.getSnapshot();
    const known = new Set(state.items.map((n) => n.id));
    this.set({ ...state, items: [...state.items, ...page.items.filter((n) => !known.has(n.id))], hasMore: page.nextCursor !== null });
  }

  async markRead(ids: string[] | 'all'): Promise<void> {
    const { unreadCount } = await this.client.markNotificationsRead(ids === 'all' ? { all: true } : { ids });
    const now = new Date().toISOString();
    const state = this.getSnapshot();
    const read = (n: Notification) => n.readAt === null && (ids === 'all' || ids.includes(n.id));
    this.set({ ...state, unreadCount, items: state.items.map((n) => (read(n) ? { ...n, readAt: now } : n)) });
  }
}
