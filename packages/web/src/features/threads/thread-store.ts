import type { ConfabClient, RealtimeConnection } from '@confab/client';
import type { Message } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { ExternalStore } from '../../state/external-store.js';

export interface ThreadState {
  root: Message | null;
  /** Oldest first. */
  replies: readonly Message[];
  hasMore: boolean;
  error: string | null;
  /** Whether I follow the thread (null until known). Thread read state: issue 35 item 2. */
  following: boolean | null;
}

const PAGE = 50;

/** One thread as its panel shows it: the root and its replies, paged oldest first, kept live. */
export class ThreadStore extends ExternalStore<ThreadState> {
  private readonly stops: (() => void)[] = [];
  private cursor: string | null = null;
  private readUpTo = 0;

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
    readonly rootId: string,
    private readonly me: string,
  ) {
    super({ root: null, replies: [], hasMore: false, error: null, following: null });
  }

  start(): void {
    const update = ({ message }: { message: Message }) => {
      const state = this.getSnapshot();
      if (message.id === this.rootId) this.set({ ...state, root: message });
      else if (message.threadRootId === this.rootId) this.set({ ...state, replies: upsert(state.replies, message) });
    };
    // My follow, as any of my devices changes it (a reply of mine follows it again).
    const followed = (event: { rootId: string; following: boolean }) => {
      if (event.rootId === this.rootId) this.set({ ...this.getSnapshot(), following: event.following });
    };
    this.stops.push(
      this.connection.on('message.created', update),
      this.connection.on('message.created', ({ message }) => {
        if (message.threadRootId === this.rootId && message.senderId === this.me) this.set({ ...this.getSnapshot(), following: true });
      }),
      this.connection.on('message.updated', update),
      this.connection.on('message.deleted', update),
      this.connection.on('thread.read', followed),
      this.connection.on('thread.updated', followed),
    );
    void this.load();
  }

  /** Follows or unfollows the thread (my other devices hear `thread.updated`). */
  async setFollowing(following: boolean): Promise<void> {
    await this.client.messages.followThread(this.rootId, following);
    this.set({ ...this.getSnapshot(), following });
  }

  /** Marks the thread read up to `seq`: only forward, one request per new position. */
  markRead(seq: number): void {
    if (seq <= this.readUpTo) return;
    this.readUpTo = seq;
    this.client.messages.markThreadRead(this.rootId, seq).catch(() => {
      this.readUpTo = Math.min(this.readUpTo, seq - 1); // tried again when next shown
    });
  }

  /** Whether I follow the thread: it is among my followed threads of the conversation. */
  private async loadFollowing(conversationId: string): Promise<boolean> {
    for (let cursor: string | undefined, pages = 0; pages < 20; pages++) {
      const page = await this.client.messages.threads(conversationId, { followed: true, limit: 100, ...(cursor ? { cursor } : {}) });
      if (page.items.some((t) => t.root.id === this.rootId)) return true;
      if (page.nextCursor === null) return false;
      cursor = page.nextCursor;
    }
    return false;
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private async load(): Promise<void> {
    try {
      const [root, page] = await Promise.all([
        this.client.messages.get(this.rootId),
        this.client.messages.thread(this.rootId, { limit: PAGE }),
      ]);
      this.cursor = page.nextCursor;
      const state = this.getSnapshot();
      this.set({ ...state, root, replies: page.items.reduce(upsert, state.replies), hasMore: page.nextCursor !== null, error: null });
      const following = await this.loadFollowing(root.conversationId);
      if (this.getSnapshot().following === null) this.set({ ...this.getSnapshot(), following });
    } catch (error) {
      this.set({ ...this.getSnapshot(), error: describeError(error) });
    }
  }

  async loadMore(): Promise<void> {
    if (this.cursor === null) return;
    const page = await this.client.messages.thread(this.rootId, { limit: PAGE, cursor: this.cursor });
    this.cursor = page.nextCursor;
    const state = this.getSnapshot();
    this.set({ ...state, replies: page.items.reduce(upsert, state.replies), hasMore: page.nextCursor !== null });
  }
}

/** The replies with `message` in its place by seq (a newer copy replacing the older). */
function upsert(replies: readonly Message[], message: Message): Message[] {
  const others = replies.filter((m) => m.id !== message.id);
  return [...others, message].sort((a, b) => a.seq - b.seq);
}
