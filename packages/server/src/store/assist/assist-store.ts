import type { MessageRecord } from '../records.js';

/** A person's Assist switches (issue 40). */
export interface AssistSettingsRecord {
  enabled: boolean;
  needsReply: boolean;
  catchUp: boolean;
  replySuggestions: boolean;
}

/** A message that may need my reply, with the facts the rule decides on (services/assist/needs-reply-rules.ts). */
export interface NeedsReplyCandidate {
  message: MessageRecord;
  /** It is in a direct conversation. */
  direct: boolean;
  mentionsMe: boolean;
  /** It replies to (quotes) a message of mine. */
  repliesToMe: boolean;
}

/** My newest message in a conversation's main timeline (`threadRootId` null) or in one thread. */
export interface MyLatestSeq {
  conversationId: string;
  threadRootId: string | null;
  seq: number;
}

/**
 * One interaction of mine, for frecency (services/assist/frecency.ts): `peerId` the person it was
 * with, when there is one. `reacted` is dated by the message reacted to, `read` by the activity
 * read up to (neither time is stored).
 */
export interface InteractionRecord {
  kind: 'sent' | 'mentioned' | 'replied' | 'mentioned_me' | 'reacted' | 'read';
  conversationId: string;
  peerId: string | null;
  at: number;
}

/**
 * `store.assist`: Assist's own rows (switches, dismissals) and the reads it makes of messages. It
 * reads; it never decides: what needs a reply, and how interactions are weighed, are the service's.
 */
export interface AssistStore {
  getSettings(userId: string): Promise<AssistSettingsRecord | undefined>;
  putSettings(userId: string, settings: AssistSettingsRecord, at: number): Promise<void>;
  /** Idempotent; false when it was already dismissed. */
  dismiss(userId: string, message: MessageRecord, at: number): Promise<boolean>;
  /**
   * Messages of others in my conversations, newest (by id) first, below `beforeId`, created at or
   * after `since`: after what I cleared, not deleted, not system messages, not dismissed by me,
   * and each in a direct conversation, mentioning me, or replying to a message of mine.
   */
  needsReplyCandidates(userId: string, page: { since: number; limit: number; beforeId?: string }): Promise<NeedsReplyCandidate[]>;
  /** My newest seq in each conversation and thread where I wrote at or after `since`. */
  myLatestSeqs(userId: string, since: number): Promise<MyLatestSeq[]>;
  /** My interactions at or after `since`, each kind read up to `limit` newest. */
  interactions(userId: string, since: number, limit: number): Promise<InteractionRecord[]>;
}
