import type {
  AppendOutcome,
  Draft,
  EditRecord,
  HistoryPage,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  NotifyDraft,
  RecentFilter,
  SavedChange,
  SavedPageKey,
  SavedRecord,
  StoredEvent,
  UpdateOutcome,
} from '../store.js';

/**
 * `store.messages`: messages: the group-commit append (which writes the messages' events, markers,
 * notifications and upload links in its transaction), changes, history, threads and pins. Its
 * conformance section is beside it (messages/*.conformance.ts).
 */
export interface MessageStore {
  /**
   * Group commit: stores a batch of messages in one transaction, assigning each conversation's
   * next seqs in order, and does what `plan` asks for each new message. A (senderId, clientId)
   * already stored, or repeated within the batch, yields the stored message with
   * `created: false` instead of a new row (whatever its body or conversation: the service judges).
   */
  appendMessages(
    batch: readonly NewMessage[],
    plan: AppendPlan,
    /** Changes of stored messages committed in the same transaction (as `updateMessages`), after the new ones. */
    updates?: readonly MessageUpdate[],
    /** Notifications stored and logged in the same transaction (as `createNotifications`), after the changes. */
    notify?: NotifyDraft,
  ): Promise<{ results: AppendOutcome[]; events: StoredEvent[]; updates: UpdateOutcome[] }>;
  /**
   * `after` pages forward (ascending seq); otherwise newest first, below `before` when given.
   * Thread replies are left out unless `threads` is true.
   */
  listMessages(conversationId: string, page: HistoryPage): Promise<MessageRecord[]>;
  getMessage(id: string): Promise<MessageRecord | undefined>;
  /** The messages of those ids that exist, in no particular order (one read for many). */
  getMessages(ids: readonly string[]): Promise<MessageRecord[]>;
  /**
   * Changes messages in one transaction that holds their conversations: each `change` decides
   * from the message as stored now (so concurrent changes never lose each other's; a later
   * change of the same message in the batch sees the earlier one), and when it changes
   * something, its `announce(updated)` is logged. A change that throws refuses only itself.
   */
  updateMessages(batch: readonly MessageUpdate[]): Promise<{ results: UpdateOutcome[]; events: StoredEvent[] }>;
  /** A message's earlier bodies, oldest first. */
  listEdits(messageId: string): Promise<EditRecord[]>;
  /** A thread root's replies in seq order, after `after`. */
  listThread(rootId: string, page: { limit: number; after?: number }): Promise<MessageRecord[]>;
  /** Pinned messages, most recently pinned first. */
  listPins(conversationId: string, limit: number): Promise<MessageRecord[]>;
  /** Newest first across the user's conversations; `beforeId` continues after that message. */
  listRecentMessages(userId: string, filter: RecentFilter): Promise<MessageRecord[]>;
  /**
   * Saves (`savedAt`) or unsaves (null) a message for a user; idempotent. When it changed
   * something, `announce` is logged in the user's private stream in the same transaction.
   */
  setSaved(
    userId: string,
    message: MessageRecord,
    savedAt: number | null,
    announce: Draft<SavedChange>,
  ): Promise<{ changed: boolean; events: StoredEvent[] }>;
  /** A user's saved messages, newest saved first, only in conversations they are a member of (and not cleared). */
  listSaved(userId: string, page: { limit: number; before?: SavedPageKey }): Promise<SavedRecord[]>;
  /** Messages with something due by `now` (a poll's `closesAt`: store/sql/rows.ts `contentColumns`), soonest first. */
  listDue(now: number, limit: number): Promise<string[]>;
}

/** What appending messages does besides storing them, as the message service decides. */
export interface AppendPlan {
  /** The event logged for each new message. */
  announce: Draft<MessageRecord>;
  /** The event logged for a thread root whose reply count the batch moved (after its replies'). */
  announceRoot?: Draft<MessageRecord>;
  /**
   * Whose read marker moves up to each new message in the same transaction (undefined: nobody's).
   * Markers only move forward; with several messages the newest of the batch counts.
   */
  readBy?: (message: MessageRecord) => string | undefined;
}
