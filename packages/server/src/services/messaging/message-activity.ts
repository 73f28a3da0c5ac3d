import type { MessageRecord } from '../../store/store.js';

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
/** A message whose body was just stored (sent, edited, deleted), and the message as it was before (edits and deletes). */
export type BodyListener = (message: MessageRecord, before: MessageRecord | undefined) => void;

export class MessageActivityFeed {
  private readonly listeners = new Set<ActivityListener>();
  private readonly running = new Set<Promise<void>>();
  private readonly bodyListeners = new Set<BodyListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands the activities to every listener, dropping the actor and empty ones, and answers what
   * it handed on without waiting for the listeners: what follows an action (its notifications,
   * committed with the next batch) must not hold up the action's acknowledgement. A listener's
   * failure is reported, never thrown: the action it follows has committed and succeeded.
   * `settled()` waits for the listeners still at work (graceful shutdown).
   */
  emit(activities: readonly MessageActivity[]): readonly MessageActivity[] {
    const kept = activities
      .map((a) => ({ ...a, userIds: [...new Set(a.userIds)].filter((id) => id !== a.actorId) }))
      .filter((a) => a.userIds.length > 0);
    if (kept.length === 0) return kept;
    for (const listener of this.listeners) {
      let work: Promise<void>;
      try {
        work = Promise.resolve(listener(kept)).catch(this.onListenerError);
      } catch (error) {
        this.onListenerError(error);
        continue;
      }
      this.running.add(work);
      void work.finally(() => this.running.delete(work));
    }
    return kept;
  }

  /**
   * Work that follows from a message's text itself, whoever it concerns (link previews): told
   * after commit of every send, edit and delete. A listener starts its work and returns at once,
   * so the action's answer never waits for it.
   */
  onBodyStored(listener: BodyListener): () => void {
    this.bodyListeners.add(listener);
    return () => this.bodyListeners.delete(listener);
  }

  bodyStored(message: MessageRecord, before?: MessageRecord): void {
    for (const listener of this.bodyListeners) {
      try {
        listener(message, before);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Resolves once every listener handed activities so far has finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
