// What the parts of an encrypted conversation's work share (encrypted-conversations.ts,
// group-membership.ts, encrypted-reads.ts): the lock that serialises the work on one group state,
// and that state as the conversation's order has been applied to it.
import type { Group } from './group-engine.js';
import type { Known } from './order-applier.js';

export interface GroupAccess {
  /** Runs `work` after the conversation's earlier work (ConversationLocks). */
  locked<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
  /** The order applied up to `upTo` (or all, and then a commit or add a crash cut short is finished). */
  apply(conversationId: string, upTo?: number, known?: Known): Promise<void>;
  loadGroup(conversationId: string): Promise<Group | undefined>;
}

export class ConversationLocks {
  private readonly locks = new Map<string, Promise<unknown>>();

  /**
   * Runs `work` after the conversation's earlier work: one group state is never changed by two at
   * once. In a browser the tabs of a user share the IndexedDB store, so the work also holds the
   * conversation's Web Lock: another tab waits, then reads the state and the applied position this
   * one left (every step reads them from the store, never from memory).
   */
  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(conversationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => acrossTabs(`confab-mls:${conversationId}`, work));
    this.locks.set(conversationId, next);
    return next;
  }
}

/** `work` holding the Web Lock `name` where there is one (browsers); elsewhere one process holds the store alone. */
function acrossTabs<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks.request(name, work) as Promise<T>) : work();
}
