import type { EventDraft } from '@confab/protocol';
import type { MessagePatch, MessageRecord } from './messages.js';

/** What the message store's calls take and give besides the records: a change's decision and outcome, an edit, the append's outcome, history pages. Timestamps are epoch ms. */

/** Decides a message's change from the message as stored now; null: nothing to change. May throw to refuse. */
export type MessageChange = (current: MessageRecord) => MessagePatch | null;

/** One change of a batch: which message, the decision, and the event logged when it changes something. */
export interface MessageUpdate {
  id: string;
  change: MessageChange;
  announce: (stored: MessageRecord) => EventDraft;
}

/** What became of one change: the message (changed or not), what its decision threw, or undefined when there is no such message. */
export type UpdateOutcome = { message: MessageRecord; changed: boolean } | { refused: unknown } | undefined;

export interface EditRecord {
  body: string;
  editedAt: number;
}

export interface AppendResult {
  message: MessageRecord;
  created: boolean;
  /**
   * Set only where the append looked, in its own transaction, for the sender's draft of the
   * conversation (SQLite's one-run append): whether a non-empty one saved no later than this send
   * was there to clear. Unset: not looked, so clearing drafts after the send must look itself.
   */
  draftToClear?: boolean;
}

/**
 * A new message the append did not store: uploads it carries are gone (swept or deleted since the
 * send checked them), an MLS commit made in an epoch that is not its group's current one, or a
 * plain message into a conversation encrypted since the send read it (issue 39).
 */
export type AppendRefusal =
  | { missingUploadIds: string[] }
  | { epochConflict: number }
  | { encryptedConversation: true }
  /** An MLS message whose sending device was not, as it was numbered, an active device of its sender (revoked since its send). */
  | { deviceRevoked: true };

export type AppendOutcome = AppendResult | AppendRefusal;

export interface HistoryPage {
  limit: number;
  before?: number;
  after?: number;
  /** Include thread replies (the main history leaves them out). */
  threads?: boolean;
}

export interface RecentFilter {
  sender?: string;
  recipient?: string;
  isRead?: boolean;
  limit: number;
  beforeId?: string;
}
