import {
  type ConversationSummary,
  type Draft,
  type EventOf,
  type EventTable,
  type Message,
  type PositionedEvent,
  type PositionedEventType,
  type ScheduledMessage,
  handleEvent,
  type ThreadSummary,
  type User,
} from '@confab/protocol';
import { type ChatSnapshot, HeldConversations, mentionsMe } from './held-conversations.js';
import { ThreadStates, type ThreadView } from './thread-states.js';
import { PrivateState } from './private-state.js';

export { type ChatSnapshot, LATEST_PAGE_SIZE } from './held-conversations.js';
export type { ThreadView } from './thread-states.js';

/** Reads what a snapshot needs of a conversation the user has just joined. */
export type PageLoader = (conversationId: string) => Promise<{ summary: ConversationSummary; page: Message[] }>;

/**
 * A client's view of its conversations — the list with unread counts and read markers, and the
 * latest page of each — kept current by applying events. Applying every event after a snapshot
 * yields exactly what a fresh snapshot would return (the state-equivalence tests prove it).
 * Events already reflected in the snapshot (`pos` at or below the conversation's `lastPos`) are
 * skipped, so a snapshot may be taken at any time after connecting.
 */
export class ChatState {
  private readonly conversations = new Map<string, ConversationSummary>();
  private readonly pages = new Map<string, Message[]>();
  /** Thread read state (issue 35 item 2): my state of the threads this client has heard of. */
  private readonly threads: ThreadStates;
  /** My saved messages, drafts and pending scheduled messages (issue 37). */
  private readonly mine = new PrivateState();
  /** The people this client knows, by id: from `knowUsers` (a `getUser`, a search) and kept current by `user.updated`. */
  private readonly users = new Map<string, User>();
  /** My conversations: their summaries and latest pages (held-conversations.ts). */
  private readonly held: HeldConversations;

  constructor(
    private readonly userId: string,
    snapshot: ChatSnapshot,
    private readonly loadPage: PageLoader,
  ) {
    this.threads = new ThreadStates(userId, (message) => mentionsMe(userId, message));
    this.held = new HeldConversations(userId, this.threads, snapshot);
  }

  snapshot(): ChatSnapshot {
    return this.held.snapshot();
  }

  /**
   * The live locations among the held pages (`kind: "location"` still before its `liveUntil`),
   * as their moves (`message.updated`) left them: what a map of who is where shows.
   */
  liveLocations(now: number = Date.now()): Message[] {
    return this.held.liveLocations(now);
  }

  /** My state of a thread, when this client knows it (from `knowThreads`, `thread.*` events or a reply it saw). */
  thread(rootId: string): ThreadView | undefined {
    return this.threads.get(rootId);
  }

  /** My threads of a conversation that I follow and have unread replies in, as this client knows them. */
  unreadThreadsOf(conversationId: string): ThreadView[] {
    return this.threads.unreadOf(conversationId);
  }

  /** Takes my state of threads from a `threads()` page (the server's word, newer than what was inferred). */
  knowThreads(conversationId: string, items: readonly ThreadSummary[]): void {
    this.threads.know(conversationId, items);
  }

  /** When I saved this message (ISO), as this client knows it; undefined: not saved. */
  savedAt(messageId: string): string | undefined {
    return this.mine.savedAt(messageId);
  }

  /** Takes my saved messages from a `saved()` page (the server's word). */
  knowSaved(items: readonly { message: Message; savedAt: string }[]): void {
    this.mine.knowSaved(items.map((item) => ({ messageId: item.message.id, savedAt: item.savedAt })));
  }

  /** My draft of a conversation as this client knows it (`body` "" once cleared: its `version` is the one to save on). */
  draft(conversationId: string): Draft | undefined {
    return this.mine.draft(conversationId);
  }

  /** Takes my drafts from `drafts()` (the server's word); an older version than one already known is ignored. */
  knowDrafts(items: readonly Draft[]): void {
    for (const draft of items) this.mine.draftChanged(draft);
  }

  /** My pending scheduled messages this client knows of (of one conversation, or all), soonest first. */
  scheduledMessages(conversationId?: string): ScheduledMessage[] {
    return this.mine.scheduledMessages(conversationId);
  }

  /** Takes my whole list of pending schedules (every page of `scheduled()`: the server's word). */
  knowScheduled(items: readonly ScheduledMessage[]): void {
    this.mine.knowScheduled(items);
  }

  /** Takes profiles read from the server (a `getUser`, a directory page). */
  knowUsers(users: readonly User[]): void {
    for (const user of users) this.users.set(user.id, user);
  }

  /** A profile as the latest `user.updated` (or read) left it. */
  user(userId: string): User | undefined {
    return this.users.get(userId);
  }

  /** A profile changed (`user.updated`, an ephemeral event: not through `apply`). It is state, so the latest wins. */
  applyUser(event: EventOf<'user.updated'>): void {
    this.users.set(event.user.id, event.user);
  }

  get unreadTotal(): number {
    return this.held.unreadTotal;
  }

  /** Applies one positioned event (any order of conversations; each conversation's in order). */
  async apply(event: PositionedEvent): Promise<void> {
    return handleEvent(this.reducers, event);
  }

  /**
   * How each positioned event changes the state: one entry per type of the protocol's event map,
   * so a new event type does not compile until it says. Events of a conversation's chain go
   * through `held.inChain`, which skips what the snapshot already holds.
   */
  private readonly reducers: EventTable<PositionedEventType, void | Promise<void>> = {
    'conversation.created': (event) => this.held.created(event),
    'message.created': (event) => this.held.inChain(event, (c) => this.held.messageCreated(c, event.message)),
    'message.updated': (event) => this.held.inChain(event, (c) => this.held.messageChanged(c, event.message)),
    'message.deleted': (event) => this.held.inChain(event, (c) => this.held.messageChanged(c, event.message)),
    'read.updated': (event) =>
      this.held.inChain(event, (c) => {
        if (event.userId !== this.userId) return;
        c.readSeq = event.readSeq;
        c.unreadCount = event.unreadCount;
        c.mentionCount = event.mentionCount;
      }),
    // With `settings` it is private, outside the conversations' chains: my own settings come whole.
    'conversation.updated': (event) =>
      event.settings
        ? this.held.settingsChanged(event.conversation.id, event.settings)
        : this.held.inChain(event, (c) =>
            Object.assign(c, {
              title: event.conversation.title,
              memberCount: event.conversation.memberCount,
              // Turned on (issue 39), never off.
              encrypted: event.conversation.encrypted,
            }),
          ),
    'member.added': (event) =>
      event.member.userId === this.userId
        ? this.joined(event)
        : this.held.inChain(event, (c) => {
            c.memberCount = event.conversation.memberCount;
          }),
    'member.removed': (event) =>
      this.held.inChain(event, (c) => {
        if (event.userId !== this.userId) c.memberCount -= 1;
        else this.held.drop(c.id);
      }),
    'member.updated': (event) =>
      this.held.inChain(event, (c) => {
        if (event.member.userId === this.userId) c.myRole = event.member.role;
      }),
    // Private, and not part of this state.
    'notification.created': () => undefined,
    // Private: my own state of a thread, outside the conversations' chains.
    'thread.read': (event) => this.threadChanged(event),
    'thread.updated': (event) => this.threadChanged(event),
    // Private to me (isPrivateEvent), outside the conversations' chains: applied as it comes.
    'saved.updated': (event) => this.mine.savedChanged(event),
    // Private to me as well: my draft saved or cleared on one of my devices.
    'draft.updated': (event) => this.mine.draftChanged(event.draft),
    // Private to me as well: a schedule made or changed on any device, or gone (sent, deleted, failed).
    'scheduled.updated': (event) => this.mine.scheduledChanged(event.scheduled),
    'scheduled.removed': (event) => this.mine.scheduledRemoved(event.scheduledId),
  };

  /** `thread.read` / `thread.updated` from any of my devices: the server's word on the thread and the conversation's count. */
  private threadChanged(event: Extract<PositionedEvent, { type: 'thread.read' | 'thread.updated' }>): void {
    this.threads.changed(event);
    const c = this.held.get(event.conversationId);
    if (c) c.unreadThreads = event.unreadThreads;
  }

  /** Joining an existing group: its history is not in the event, so it is read once. */
  private async joined(event: EventOf<'member.added'>): Promise<void> {
    const known = this.held.get(event.conversationId);
    if (known && event.pos <= known.lastPos) return;
    const { summary, page } = await this.loadPage(event.conversationId);
    this.held.hold({ ...summary }, page);
  }
}
