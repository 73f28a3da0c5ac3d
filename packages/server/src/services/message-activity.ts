/**
 * What a message action means for other users, told after its transaction committed: the hook
 * notifications (and anything else that reacts to people being mentioned, quoted or reacted to)
 * subscribe to. Each activity names the users concerned, the actor never among them.
 */
export type MessageActivityKind = 'mention' | 'reply' | 'thread_reply' | 'reaction';

export interface MessageActivity {
  kind: MessageActivityKind;
  conversationId: string;
  /** The message that mentions, replies or was reacted to. */
  messageId: string;
  actorId: string;
  /** Who is concerned: newly mentioned users, the quoted author, the thread's root author and repliers, the reacted-to author. */
  userIds: string[];
  /** For `reaction`: the emoji added. */
  emoji?: string;
}

export type ActivityListener = (activities: readonly MessageActivity[]) => void | Promise<void>;

export class MessageActivityFeed {
  private readonly listeners = new Set<ActivityListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands the activities to every listener, dropping the actor and empty ones. A listener's
   * failure is reported, never thrown: the action it follows has committed and succeeded.
   */
  async emit(activities: readonly MessageActivity[]): Promise<readonly MessageActivity[]> {
    const kept = activities
      .map((a) => ({ ...a, userIds: [...new Set(a.userIds)].filter((id) => id !== a.actorId) }))
      .filter((a) => a.userIds.length > 0);
    if (kept.length === 0) return kept;
    for (const listener of this.listeners) {
      try {
        await listener(kept);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    return kept;
  }
}
