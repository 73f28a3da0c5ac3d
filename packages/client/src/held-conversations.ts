import {
  type ConversationSettings,
  type ConversationSummary,
  type EventOf,
  type Message,
  type PositionedEvent,
  replyExcerpt,
} from '@confab/protocol';
import { conversationOf } from './event-stream.js';
import type { DecryptedMessage } from './crypto/encrypted-content.js';
import type { ThreadStates } from './thread-states.js';

/** The latest page of a conversation that a snapshot holds (the server's default page size). */
export const LATEST_PAGE_SIZE = 15;

export interface ChatSnapshot {
  /** Every conversation of mine, most recently active first. */
  conversations: ConversationSummary[];
  /** conversationId → its latest messages, oldest first. */
  pages: Record<string, Message[]>;
}

/** A mention of me counts until my read marker (or my clear) passes it; my own messages never do. */
export const mentionsMe = (userId: string, message: Message): boolean => message.senderId !== userId && message.mentions.includes(userId);

/**
 * The conversations a `ChatState` holds — each one's summary (unread counts, read marker, last
 * message) and latest page — and how the events of their chains change them. Replies in threads
 * are counted with the `ThreadStates` it is given.
 */
export class HeldConversations {
  private readonly conversations = new Map<string, ConversationSummary>();
  private readonly pages = new Map<string, Message[]>();

  constructor(
    private readonly userId: string,
    private readonly threads: ThreadStates,
    snapshot: ChatSnapshot,
  ) {
    for (const summary of snapshot.conversations) this.hold({ ...summary }, [...(snapshot.pages[summary.id] ?? [])]);
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

  get unreadTotal(): number {
    let total = 0;
    for (const c of this.conversations.values()) total += c.unreadCount;
    return total;
  }

  get(conversationId: string): ConversationSummary | undefined {
    return this.conversations.get(conversationId);
  }

  /** Holds a conversation with its latest page, in place of what was held of it. */
  hold(summary: ConversationSummary, page: Message[]): void {
    this.conversations.set(summary.id, summary);
    this.pages.set(summary.id, page);
  }

  /** I left or was removed: the conversation is no longer mine to hold. */
  drop(conversationId: string): void {
    this.conversations.delete(conversationId);
    this.pages.delete(conversationId);
  }

  /** Applies an event of a conversation I hold, once: not what the snapshot (or an earlier event) already reflects. */
  inChain(event: PositionedEvent, change: (c: ConversationSummary) => void): void {
    const c = this.conversations.get(conversationOf(event));
    if (!c || event.pos <= c.lastPos) return;
    c.lastPos = event.pos;
    change(c);
  }

  settingsChanged(conversationId: string, settings: ConversationSettings): void {
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

  messageCreated(c: ConversationSummary, message: Message): void {
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

  private encryptedEdit(c: ConversationSummary, edit: Message, { messageId, text }: { messageId: string; text: string }): void {
    const target =
      (this.pages.get(c.id) ?? []).find((m) => m.id === messageId) ?? (c.lastMessage?.id === messageId ? c.lastMessage : undefined);
    if (target && target.senderId === edit.senderId && target.deletedAt === null)
      this.messageChanged(c, { ...target, body: text, editedAt: edit.createdAt });
  }

  /** An edit, reaction, pin, reply count or delete: the message where it is shown, and the quotes of it. */
  messageChanged(c: ConversationSummary, message: Message): void {
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

  created(event: EventOf<'conversation.created'>): void {
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

  private mentionsMe(message: Message): boolean {
    return mentionsMe(this.userId, message);
  }
}

const byActivity = (a: ConversationSummary, b: ConversationSummary) =>
  a.lastActivityAt === b.lastActivityAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.lastActivityAt < b.lastActivityAt ? 1 : -1;
