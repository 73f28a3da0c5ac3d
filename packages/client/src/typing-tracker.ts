/**
 * Who is typing in each conversation, from `typing` events: an indicator ends with a `typing:
 * false` event or by itself after `expireMs` without a refresh (a client that vanished sends none).
 */
export class TypingTracker {
  /** conversationId → userId → the timer that ends their indicator if no refresh comes. */
  private readonly typists = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly handlers = new Set<(conversationId: string, userIds: string[]) => void>();

  constructor(private readonly expireMs: number) {}

  /** Calls `handler` whenever the people typing in a conversation change. Returns the unsubscribe function. */
  onChange(handler: (conversationId: string, userIds: string[]) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Who is typing in the conversation now. */
  typingIn(conversationId: string): string[] {
    return [...(this.typists.get(conversationId)?.keys() ?? [])];
  }

  track(conversationId: string, userId: string, typing: boolean): void {
    let users = this.typists.get(conversationId);
    clearTimeout(users?.get(userId));
    users?.delete(userId);
    if (typing) {
      if (!users) this.typists.set(conversationId, (users = new Map()));
      users.set(
        userId,
        setTimeout(() => this.track(conversationId, userId, false), this.expireMs),
      );
    } else if (users?.size === 0) this.typists.delete(conversationId);
    const now = this.typingIn(conversationId);
    for (const handler of this.handlers) handler(conversationId, now);
  }

  /** Ends every indicator's timer, silently (the connection is closing). */
  clear(): void {
    for (const users of this.typists.values()) for (const timer of users.values()) clearTimeout(timer);
    this.typists.clear();
  }
}
