import type { Draft, StoredEvent } from '../store.js';

/** A user's draft of a conversation as stored (issue 37). `body` '' is a cleared draft; times are epoch ms. */
export interface DraftRecord {
  userId: string;
  conversationId: string;
  body: string;
  replyToId: string | null;
  version: number;
  updatedAt: number;
}

/** A save: what the device has now, and the version it last saw (0: none). */
export interface DraftSave {
  userId: string;
  conversationId: string;
  body: string;
  replyToId: string | null;
  version: number;
  now: number;
}

/** A save's outcome: stored as the next version (with its event), or refused with the draft as stored (undefined: none). */
export type DraftSaveOutcome = { saved: DraftRecord; events: StoredEvent[] } | { conflict: DraftRecord | undefined };

/** A message sent: the sender's draft of its conversation, if last saved by then, is cleared. */
export interface SentDraft {
  userId: string;
  conversationId: string;
  sentAt: number;
}

/**
 * `store.drafts`: each user's draft of each conversation (issue 37). Every change logs
 * `draft.updated` in the user's private stream, in the same transaction. Its conformance section
 * is beside it (drafts/drafts.conformance.ts).
 */
export interface DraftStore {
  /**
   * Stores `save` as version `save.version + 1` if the stored draft is still at `save.version`
   * (no row counts as 0): one conditional write, so of two saves on the same version exactly one
   * wins, on every engine.
   */
  saveDraft(save: DraftSave, announce: Draft<DraftRecord>): Promise<DraftSaveOutcome>;
  /** Clears the draft whatever its version (`DELETE`); nothing is logged when there is no text to clear. */
  clearDraft(userId: string, conversationId: string, now: number, announce: Draft<DraftRecord>): Promise<StoredEvent[]>;
  /**
   * Clears each sender's draft of the conversation they sent to, unless it was saved after the
   * message was sent (the next message, begun already). Reads first, so a batch of sends
   * without drafts costs one indexed read.
   */
  clearSent(sends: readonly SentDraft[], now: number, announce: Draft<DraftRecord>): Promise<StoredEvent[]>;
  /** My drafts with text, in conversations I am a member of, newest first. */
  listDrafts(userId: string): Promise<DraftRecord[]>;
  /** One draft as stored (cleared ones too), or undefined. */
  getDraft(userId: string, conversationId: string): Promise<DraftRecord | undefined>;
}
