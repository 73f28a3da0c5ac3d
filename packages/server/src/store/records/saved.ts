import type { MessageRecord } from './messages.js';

/** Saved messages (issue 37). Timestamps are epoch ms. */

/** A user's saved message (issue 37), as `GET /api/v1/saved` lists it. */
export interface SavedRecord {
  message: MessageRecord;
  savedAt: number;
}

/** Where a page of saved messages continues: after this (saved time, message id). */
export interface SavedPageKey {
  savedAt: number;
  messageId: string;
}

/** A save or unsave, as `saved.updated` announces it (`savedAt` null: unsaved). */
export interface SavedChange {
  userId: string;
  conversationId: string;
  messageId: string;
  savedAt: number | null;
}
