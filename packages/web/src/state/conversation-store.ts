import { ChatState, type ConfabClient, type RealtimeConnection } from '@confab/client';
import { type ConversationSummary, type PositionedEvent, type ServerEvent, conversationOf, isPositionedEvent } from '@confab/protocol';
import { ExternalStore } from './external-store.js';

export interface ConversationListState {
  loaded: boolean;
  /** Most recently active first. */
  conversations: ConversationSummary[];
  unreadTotal: number;
}

/**
 * My conversations, kept current by the realtime connection: the SDK's ChatState applies every
 * positioned event to a snapshot of the list. Events that arrive while the snapshot loads wait
 * and are applied after it (ChatState skips what the snapshot already reflects); a reset
 * (the server could not resume us) loads a fresh snapshot.
 */
export class ConversationStore extends ExternalStore<ConversationListState> {
  private chat: ChatState | null = null;
  private waiting: PositionedEvent[] = [];
  private readonly stops: (() => void)[] = [];
  private applying: Promise<void> = Promise.resolve();
  /** The copies last published, by id: ChatState changes its own objects in place, React needs new ones to see a change. */
  private published = new Map<string, ConversationSummary>();

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
    private readonly userId: string,
  ) {
    super({ loaded: false, conversations: [], unreadTotal: 0 });
  }

  start(): void {
    this.stops.push(this.connection.onEvent((event) => this.receive(event)));
    this.stops.push(this.connection.onReset(() => void this.load()));
    void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** One conversation of mine, if it is in the list. */
  find(conversationId: string): ConversationSummary | undefined {
    return this.getSnapshot().conversations.find((c) => c.id === conversationId);
  }

  /**
   * Star (pinned on top of my list) or archive; the list changes when my private stream's
   * `conversation.updated` arrives, as it does on my other devices.
   */
  async setStarred(conversationId: string, starred: boolean): Promise<void> {
    await this.client.setStarred(conversationId, starred);
  }

  async setArchived(conversationId: string, archived: boolean): Promise<void> {
    await this.client.setArchived(conversationId, archived);
  }

  /** Loads the list (every page, the archived too: they have a section of their own) and re-applies the events that came meanwhile. */
  async load(): Promise<void> {
    this.chat = null;
    const conversations: ConversationSummary[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await this.client.listConversations({ limit: 100, archived: 'include', ...(cursor ? { cursor } : {}) });
      conversations.push(...page.items);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    const chat = new ChatState(this.userId, { conversations, pages: {} }, async (id) => {
      const summary = await this.client.getConversation(id);
      return { summary, page: [] };
    });
    // Thread read state (issue 35 item 2): the followed threads already unread, so a reply to one
    // is not counted a second time in `unreadThreads` (ChatState infers the rest).
    await Promise.all(
      conversations
        .filter((c) => c.unreadThreads > 0)
        .map((c) =>
          this.client.messages.threads(c.id, { followed: true, limit: 100 }).then(
            (page) => chat.knowThreads(c.id, page.items),
            () => undefined, // the counts stay the snapshot's; only a later reply may count twice
          ),
        ),
    );
    this.chat = chat;
    const waiting = this.waiting.splice(0);
    for (const event of waiting) await chat.apply(event);
    this.published.clear();
    this.publish(null);
  }

  private receive(event: ServerEvent): void {
    if (!isPositionedEvent(event)) return;
    const chat = this.chat;
    if (chat === null) {
      this.waiting.push(event);
      return;
    }
    // In order: a join reads its conversation before the next event is applied. A failure
    // (the join's read) must not stop the events after it: the list is read afresh instead.
    this.applying = this.applying
      .then(async () => {
        await chat.apply(event);
        if (this.chat === chat) this.publish(conversationOf(event));
      })
      .catch(() => this.load().catch(() => undefined));
  }

  /** Publishes the list; only `changed` (null: all) gets a new object, so unchanged rows keep theirs and skip rendering. */
  private publish(changed: string | null): void {
    if (this.chat === null) return;
    const next = new Map<string, ConversationSummary>();
    const conversations = this.chat.snapshot().conversations.map((c) => {
      const kept = c.id === changed ? undefined : this.published.get(c.id);
      const copy = kept ?? { ...c };
      next.set(c.id, copy);
      return copy;
    });
    this.published = next;
    this.set({ loaded: true, conversations, unreadTotal: this.chat.unreadTotal });
  }
}
