import type { EventDraft } from '@confab/protocol';
import type { LocationRecord } from './message-content.js';
import type { ContentRecord, MessageRecord, ReactionRecord } from './messages.js';

/** A change to a stored message (edit, delete, reaction, pin, vote…), decided inside its transaction. Timestamps are epoch ms. */

/**
 * A change to a stored message, as the service decides it from the message as it is inside the
 * change's transaction (`MessageChange`).
 */
export interface MessagePatch {
  body?: string;
  editedAt?: number;
  deletedAt?: number;
  reactions?: ReactionRecord[];
  mentions?: string[];
  pinnedAt?: number | null;
  pinnedBy?: string | null;
  /** A live location's new position, or its end (`liveUntil`). */
  location?: LocationRecord;
  /** Content fields replaced whole (ContentRecord: a poll's votes or its close); the others stay. */
  content?: ContentRecord;
  /** Keep the body being replaced as an earlier version, replaced at `editedAt`. */
  keepVersion?: boolean;
  /**
   * A delete: forget every earlier version, and blank the body in the logged events that carry
   * it (the message's own, and quotes of it in replies), so it is gone from storage everywhere.
   */
  erase?: boolean;
}

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
