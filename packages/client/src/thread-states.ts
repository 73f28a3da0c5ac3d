import type { ConversationSummary, EventOf, Message, ThreadSummary } from '@confab/protocol';

/** My state of one thread, as a client holds it (issue 35 item 2). */
export interface ThreadView {
  conversationId: string;
  rootId: string;
  /** The root's author, when known. */
  rootSenderId: string | null;
  following: boolean;
  /** Replies from others I have not read. */
  unreadCount: number;
}

/**
 * My state of the threads a client has heard of, by root id: the server's word where it gave it
 * (a threads page, `thread.read` / `thread.updated`), otherwise inferred from the replies seen,
 * by the same follow rules as the server's (store/sql/threads.ts). `ChatState` owns one and keeps
 * each conversation's `unreadThreads` with it.
 */
export class ThreadStates {
  private readonly threads = new Map<string, ThreadView>();
  /** The threads whose state this client inferred (no word from the server on them yet). */
  private readonly inferred = new Set<string>();

  constructor(
    private readonly userId: string,
    private readonly mentionsMe: (message: Message) => boolean,
  ) {}

  get(rootId: string): ThreadView | undefined {
    const t = this.threads.get(rootId);
    return t && { ...t };
  }

  unreadOf(conversationId: string): ThreadView[] {
    return [...this.threads.values()].filter((t) => t.conversationId === conversationId && t.following && t.unreadCount > 0);
  }

  know(conversationId: string, items: readonly ThreadSummary[]): void {
    for (const item of items) {
      this.inferred.delete(item.root.id);
      this.threads.set(item.root.id, {
        conversationId,
        rootId: item.root.id,
        rootSenderId: item.root.senderId,
        following: item.following,
        unreadCount: item.unreadCount,
      });
    }
  }

  /**
   * A thread reply: my mention still counts in the conversation's `mentionCount`; the thread's own
   * count moves, and the conversation's `unreadThreads` when a thread I follow turns unread. Who
   * follows mirrors the server: a replier follows again; the root's author and those mentioned
   * follow unless they have a state of the thread already. `root` is the root when the held page has it.
   */
  reply(c: ConversationSummary, message: Message, root: Message | undefined): void {
    const rootId = message.threadRootId!;
    let t = this.threads.get(rootId);
    if (!t) {
      const involved = root?.senderId === this.userId || this.mentionsMe(message) || message.senderId === this.userId;
      t = { conversationId: c.id, rootId, rootSenderId: root?.senderId ?? null, following: involved, unreadCount: 0 };
      this.threads.set(rootId, t);
      this.inferred.add(rootId);
    }
    const wasUnread = t.following && t.unreadCount > 0;
    if (message.senderId === this.userId) {
      t.following = true;
      t.unreadCount = 0;
    } else {
      t.unreadCount += 1;
      if (message.seq > c.readSeq && this.mentionsMe(message)) c.mentionCount += 1;
    }
    const isUnread = t.following && t.unreadCount > 0;
    c.unreadThreads = Math.max(0, c.unreadThreads + Number(isUnread) - Number(wasUnread));
  }

  /**
   * A thread root as its reply moved it (`message.updated` right after the reply): who wrote it,
   * for a thread this client met by a reply alone. Its author follows it from the first reply.
   */
  rootSeen(c: ConversationSummary, root: Message): void {
    const t = this.threads.get(root.id);
    if (!t || t.rootSenderId !== null || root.threadRootId !== null) return;
    t.rootSenderId = root.senderId;
    if (root.senderId !== this.userId || t.following || !this.inferred.has(root.id)) return;
    t.following = true;
    if (t.unreadCount > 0) c.unreadThreads += 1;
  }

  /** `thread.read` / `thread.updated` from any of my devices: the server's word on the thread. */
  changed(event: EventOf<'thread.read' | 'thread.updated'>): void {
    const known = this.threads.get(event.rootId);
    this.inferred.delete(event.rootId);
    this.threads.set(event.rootId, {
      conversationId: event.conversationId,
      rootId: event.rootId,
      rootSenderId: known?.rootSenderId ?? null,
      following: event.following,
      unreadCount: event.unreadCount,
    });
  }
}
