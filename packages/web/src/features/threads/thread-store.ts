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
}

const PAGE = 50;

/** One thread as its panel shows it: the root and its replies, paged oldest first, kept live. */
export class ThreadStore extends ExternalStore<ThreadState> {
  private readonly stops: (() => void)[] = [];
  private cursor: string | null = null;

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
    readonly rootId: string,
  ) {
    super({ root: null, replies: [], hasMore: false, error: null });
  }

  start(): void {
    const update = ({ message }: { message: Message }) => {
      const state = this.getSnapshot();
      if (message.id === this.rootId) this.set({ ...state, root: message });
      else if (message.threadRootId === this.rootId) this.set({ ...state, replies: upsert(state.replies, message) });
    };
    this.stops.push(
      this.connection.on('message.created', update),
      this.connection.on('message.updated', update),
      this.connection.on('message.deleted', update),
    );
    void this.load();
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
      this.set({ root, replies: page.items.reduce(upsert, state.replies), hasMore: page.nextCursor !== null, error: null });
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
