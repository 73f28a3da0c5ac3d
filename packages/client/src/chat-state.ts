import {
  type ConversationSettings,
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
  replyExcerpt,
} from '@confab/protocol';
import { conversationOf } from './event-stream.js';
import type { DecryptedMessage } from './crypto/encrypted-content.js';
import { ThreadStates, type ThreadView } from './thread-states.js';
import { PrivateState } from './private-state.js';

export type { ThreadView } from './thread-states.js';

/** The latest page of a conversation that a snapshot holds (the server's default page size). */
export const LATEST_PAGE_SIZE = 15;

export interface ChatSnapshot {
  /** Every conversation of mine, most recently active first. */
  conversations: ConversationSummary[];
  /** conversationId → its latest messages, oldest first. */
  pages: Record<string, Message[]>;
}

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

  constructor(
    private readonly userId: string,
    snapshot: ChatSnapshot,
    private readonly loadPage: PageLoader,
  ) {
    this.threads = new ThreadStates(userId, (message) => this.mentionsMe(message));
    for (const summary of snapshot.conversations) {
      this.conversations.set(summary.id, { ...summary });
      this.pages.set(summary.id, [...(snapshot.pages[summary.id] ?? [])]);
    }
  }

  snapshot(): ChatSnapshot {
    const conversations = [...this.conversations.values()].sort(byActivity);
    return { conversations, pages: Object.fromEntries(conversations.map((c) => [c.id, this.pages.get(c.id) ?? []])) };
  }

  /**
   * The live locations among the held pages (`kind: "location"` still before its `liveUntil`),
   * as their moves (`message.updated`) left them: what a map of who is where shows.
   */
  liveLocations(now: number = Date.now()): Message[] {
    const live: Message[] = [];
    for (const page of this.pages.values()) {
      for (const m of page) {
        const until = m.location?.liveUntil;
        if (m.kind === 'location' && m.deletedAt === null && until && Date.parse(until) > now) live.push(m);
      }
    }
    return live;
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
    let total = 0;
    for (const c of this.conversations.values()) total += c.unreadCount;
    return total;
  }

  /** Applies one positioned event (any order of conversations; each conversation's in order). */
  async apply(event: PositionedEvent): Promise<void> {
    return handleEvent(this.reducers, event);
  }

  /**
   * How each positioned event changes the state: one entry per type of the protocol's event map,
   * so a new event type does not compile until it says. Events of a conversation's chain go
   * through `inChain`, which skips what the snapshot already holds.
   */
  private readonly reducers: EventTable<PositionedEventType, void | Promise<void>> = {
    'conversation.created': (event) => this.created(event),
    'message.created': (event) => this.inChain(event, (c) => this.messageCreated(c, event.message)),
    'message.updated': (event) => this.inChain(event, (c) => this.messageChanged(c, event.message)),
    'message.deleted': (event) => this.inChain(event, (c) => this.messageChanged(c, event.message)),
    'read.updated': (event) =>
      this.inChain(event, (c) => {
        if (event.userId !== this.userId) return;
        c.readSeq = event.readSeq;
        c.unreadCount = event.unreadCount;
        c.mentionCount = event.mentionCount;
      }),
    // With `settings` it is private, outside the conversations' chains: my own settings come whole.
    'conversation.updated': (event) =>
      event.settings
        ? this.settingsChanged(event.conversation.id, event.settings)
        : this.inChain(event, (c) =>
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
        : this.inChain(event, (c) => {
            c.memberCount = event.conversation.memberCount;
          }),
    'member.removed': (event) =>
      this.inChain(event, (c) => {
        if (event.userId !== this.userId) c.memberCount -= 1;
        else {
          this.conversations.delete(c.id);
          this.pages.delete(c.id);
        }
      }),
    'member.updated': (event) =>
      this.inChain(event, (c) => {
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

  /** Applies an event of a conversation I hold, once: not what the snapshot (or an earlier event) already reflects. */
  private inChain(event: PositionedEvent, change: (c: ConversationSummary) => void): void {
    const c = this.conversations.get(conversationOf(event));
    if (!c || event.pos <= c.lastPos) return;
    c.lastPos = event.pos;
    change(c);
  }

  private settingsChanged(conversationId: string, settings: ConversationSettings): void {
    const c = this.conversations.get(conversationId);
    if (!c) return;
    Object.assign(c, settings);
    // What I cleared is gone from my page, my last message and my unread count.
    const page = (this.pages.get(c.id) ?? []).filter((m) => m.seq > c.clearedSeq);
    this.pages.set(c.id, page);
    if (c.lastMessage && c.lastMessage.seq <= c.clearedSeq) c.lastMessage = null;
    const after = Math.max(c.readSeq, c.clearedSeq);
    const unread = page.filter((m) => m.seq > after && m.senderId !== this.userId);
    if (c.lastSeq <= c.clearedSeq) {
      c.unreadCount = 0;
      c.mentionCount = 0;
    } else {
      c.unreadCount = Math.min(c.unreadCount, unread.length);
      c.mentionCount = Math.min(c.mentionCount, unread.filter((m) => this.mentionsMe(m)).length);
    }
  }

  private messageCreated(c: ConversationSummary, message: Message): void {
    c.archived = false; // a new message brings an archived conversation back (the server compares seqs)
    c.lastSeq = message.seq;
    if (message.createdAt > c.lastActivityAt) c.lastActivityAt = message.createdAt;
    // An MLS commit or welcome (issue 39) is applied by devices, not read: never unread, listed or last,
    // and sending one does not mark anything read.
    if (message.kind === 'encrypted' && message.mls !== undefined && message.mls !== 'application') return;
    // An encrypted reaction, poll vote or close is counted on its message, not listed; one this
    // client does not decrypt is known by its envelope's relation, which the server counts neither.
    const { reaction, vote, pollClose } = message as DecryptedMessage;
    if (reaction !== undefined || vote !== undefined || pollClose !== undefined) return;
    if (message.relatesTo !== undefined && message.relatesTo.type !== 'edit') return;
    // An encrypted edit (part 5) changes its message, when sent by that message's sender.
    const edit = (message as DecryptedMessage).edit;
    if (edit !== undefined) return this.encryptedEdit(c, message, edit);
    if (message.relatesTo?.type === 'edit') return;
    c.lastMessage = message;
    // The main history leaves thread replies out; the root's reply count arrives as message.updated.
    // A thread reply counts in its thread, not in the conversation's unreadCount (issue 35 item 2).
    if (message.threadRootId !== null) {
      const root = (this.pages.get(c.id) ?? []).find((m) => m.id === message.threadRootId);
      return this.threads.reply(c, message, root);
    }
    if (message.senderId === this.userId) {
      // Sending marks everything before it read (the server moves the sender's marker).
      c.readSeq = Math.max(c.readSeq, message.seq);
      c.unreadCount = 0;
      c.mentionCount = 0;
    } else if (message.seq > c.readSeq) {
      c.unreadCount += 1;
      if (this.mentionsMe(message)) c.mentionCount += 1;
    }
    const page = this.pages.get(c.id) ?? [];
    page.push(message);
    this.pages.set(c.id, page.slice(-LATEST_PAGE_SIZE));
  }

  /** `thread.read` / `thread.updated` from any of my devices: the server's word on the thread and the conversation's count. */
  private threadChanged(event: Extract<PositionedEvent, { type: 'thread.read' | 'thread.updated' }>): void {
    this.threads.changed(event);
    const c = this.conversations.get(event.conversationId);
    if (c) c.unreadThreads = event.unreadThreads;
  }

  /** A mention of me counts until my read marker (or my clear) passes it; my own messages never do. */
  private mentionsMe(message: Message): boolean {
    return message.senderId !== this.userId && message.mentions.includes(this.userId);
  }

  private encryptedEdit(c: ConversationSummary, edit: Message, { messageId, text }: { messageId: string; text: string }): void {
    const target =
      (this.pages.get(c.id) ?? []).find((m) => m.id === messageId) ?? (c.lastMessage?.id === messageId ? c.lastMessage : undefined);
    if (target && target.senderId === edit.senderId && target.deletedAt === null)
      this.messageChanged(c, { ...target, body: text, editedAt: edit.createdAt });
  }

  /** An edit, reaction, pin, reply count or delete: the message where it is shown, and the quotes of it. */
  private messageChanged(c: ConversationSummary, message: Message): void {
    this.threads.rootSeen(c, message);
    // An edit may mention me anew or no longer; a delete takes its mentions away.
    const before =
      (this.pages.get(c.id) ?? []).find((m) => m.id === message.id) ?? (c.lastMessage?.id === message.id ? c.lastMessage : undefined);
    if (before && message.seq > Math.max(c.readSeq, c.clearedSeq)) {
      c.mentionCount = Math.max(0, c.mentionCount + Number(this.mentionsMe(message)) - Number(this.mentionsMe(before)));
    }
    const quote = {
      id: message.id,
      senderId: message.senderId,
      excerpt: message.deletedAt === null ? replyExcerpt(message.body ?? '') : '',
      deleted: message.deletedAt !== null,
    };
    const current = (m: Message): Message => {
      if (m.id === message.id) return message;
      return m.replyToId === message.id ? { ...m, replyTo: quote } : m;
    };
    if (c.lastMessage) c.lastMessage = current(c.lastMessage);
    const page = this.pages.get(c.id);
    if (page) this.pages.set(c.id, page.map(current));
  }

  private created(event: EventOf<'conversation.created'>): void {
    if (this.conversations.has(event.conversation.id)) return;
    const me = event.members.find((m) => m.userId === this.userId);
    if (!me) return;
    const peer = event.conversation.kind === 'direct' ? (event.members.find((m) => m.userId !== this.userId)?.userId ?? null) : null;
    this.conversations.set(event.conversation.id, {
      ...event.conversation,
      myRole: me.role,
      readSeq: 0,
      lastPos: event.pos,
      unreadCount: 0,
      mentionCount: 0,
      unreadThreads: 0,
      lastMessage: null,
      peerId: peer,
      muted: false,
      starred: false,
      archived: false,
      clearedSeq: 0,
    });
    this.pages.set(event.conversation.id, []);
  }

  /** Joining an existing group: its history is not in the event, so it is read once. */
  private async joined(event: EventOf<'member.added'>): Promise<void> {
    const known = this.conversations.get(event.conversationId);
    if (known && event.pos <= known.lastPos) return;
    const { summary, page } = await this.loadPage(event.conversationId);
    this.conversations.set(summary.id, { ...summary });
    this.pages.set(summary.id, page);
  }
}

const byActivity = (a: ConversationSummary, b: ConversationSummary) =>
  a.lastActivityAt === b.lastActivityAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.lastActivityAt < b.lastActivityAt ? 1 : -1;
