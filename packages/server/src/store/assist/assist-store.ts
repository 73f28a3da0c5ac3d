import type { MessageRecord, NewMessage } from '../records.js';

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

export type ReportReason = 'spam' | 'abuse' | 'other';
export type ReportDecision = 'spam' | 'not_spam' | 'dismiss';

/** A report of a message to the instance's admins; `decision` and `resolvedAt` once an admin resolved it. */
export interface ReportRecord {
  id: string;
  messageId: string;
  conversationId: string;
  /** Who wrote the reported message. */
  senderId: string;
  reporterId: string;
  reason: ReportReason;
  note: string | null;
  /** An encrypted message's text as the reporter's device decrypted it: the server cannot check it. */
  sharedText: string | null;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  decision: ReportDecision | null;
}

/** A message held for review: the send's draft, stored as it would have been appended. */
export interface HeldRecord {
  draft: NewMessage;
  /** The spam score, 0–1. */
  score: number;
}

/** What the trust rule reads of a sender (services/assist/spam-screen.ts). */
export interface SenderStanding {
  /** Messages they sent, counted up to the `limit` asked for. */
  messagesSent: number;
  /** Reports of their messages that an admin resolved as spam. */
  spamDecisions: number;
}

/** A message of someone else and my reply to it (the next message I wrote after it, in its conversation or thread). */
export interface ReplyPairRecord {
  promptBody: string;
  replyBody: string;
  conversationId: string;
  repliedAt: number;
}

/** One feature's counts in the spam model. */
export interface SpamFeatureCount {
  feature: string;
  spam: number;
  ham: number;
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
  /**
   * My newest messages since `since` (up to `limit`), each with the message it answered: the one it
   * quotes, else the newest message of someone else before it in the same conversation and thread.
   */
  myReplyPairs(userId: string, since: number, limit: number): Promise<ReplyPairRecord[]>;
  /** Idempotent per (message, reporter): false when this person had reported it already. */
  addReport(report: Omit<ReportRecord, 'resolvedAt' | 'resolvedBy' | 'decision'>): Promise<boolean>;
  getReport(id: string): Promise<ReportRecord | undefined>;
  /** Open reports (`resolved` false) or resolved ones, newest (by id) first, below `beforeId`. */
  listReports(page: { resolved: boolean; limit: number; beforeId?: string }): Promise<ReportRecord[]>;
  /** Resolves the report and every other open report of the same message; false when it was resolved already. */
  resolveReport(id: string, decision: ReportDecision, by: string, at: number): Promise<boolean>;
  senderStanding(userId: string, limit: number): Promise<SenderStanding>;
  /** Idempotent per (sender, clientId): false when that send was held already. */
  hold(held: HeldRecord, at: number): Promise<boolean>;
  getHeld(messageId: string): Promise<HeldRecord | undefined>;
  getHeldByClientId(senderId: string, clientId: string): Promise<HeldRecord | undefined>;
  /** Oldest first, after `afterId`. */
  listHeld(page: { limit: number; afterId?: string }): Promise<HeldRecord[]>;
  /** Takes the message out of the held ones: true for the one caller that did (release and delete race). */
  unhold(messageId: string): Promise<boolean>;
  /** Adds one message's features to the spam model, as spam or as ordinary (`weight` may be negative, to undo). */
  trainSpam(features: readonly string[], spam: boolean, weight: number): Promise<void>;
  spamModel(): Promise<SpamFeatureCount[]>;
}
