import type { StoredEvent } from '../store.js';

/**
 * `store.events`: the event log (resumable sync, docs/realtime.md): reading it by user or
 * conversation, its heads, pruning. Events are written by the change they record, in its
 * transaction (store/event-log.ts). Its conformance section is beside it
 * (events/*.conformance.ts).
 */
export interface EventStore {
  /** The log's epoch, its newest position and the highest position pruned away. */
  streamHead(): Promise<StreamHead>;
  /**
   * Events the user may see after `after`, oldest first: events of conversations they are a
   * member of (from the event that made them one), and events about them (their removal).
   */
  readUserEvents(userId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** One conversation's events after `after`, oldest first. */
  readConversationEvents(conversationId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** Per conversation, the newest position in (after, upTo]: which conversations moved in that range. */
  conversationHeadsBetween(after: number, upTo: number): Promise<Map<string, number>>;
  /**
   * Per user asked for, `pos` of each of their conversations' newest event (and their private
   * stream's, once it has one). With `after`, only the heads past it (what moved since a cursor),
   * filtered by the database.
   */
  conversationHeads(userIds: readonly string[], after?: number): Promise<Map<string, Map<string, number>>>;
  /**
   * Deletes events created before `before` (epoch ms), oldest first, in transactions of at most
   * `chunk` events (a default of the store's own); returns how many. The floor moves up with each.
   */
  pruneEvents(before: number, chunk?: number): Promise<number>;
}

export interface StreamHead {
  /** Changes when the history a cursor points into no longer exists (new or restored database). */
  epoch: string;
  pos: number;
  /** Events at or below this position have been pruned: a cursor below it cannot be resumed. */
  floor: number;
}
