import type { SystemInfo, VoiceInfo } from '@confab/protocol';
import type { EpochAdvance, MlsRecord } from './encryption.js';
import type { ForwardedFromRecord, LinkPreviewRecord, LocationRecord, PollRecord } from './message-content.js';
import type { AttachmentRecord } from './uploads.js';

/** A message as stored, a new one, and what the append and the history reads take and give. Timestamps are epoch ms. */

export interface MessageRecord {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientId: string;
  kind: 'text' | 'system' | 'attachment' | 'voice' | 'location' | 'poll' | 'encrypted';
  body: string;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  replyToId: string | null;
  /** The quoted message as it is now (null when there is none, or it no longer exists). */
  replyTo: QuotedMessage | null;
  threadRootId: string | null;
  replyCount: number;
  lastReplyAt: number | null;
  /** By first use; each emoji's users in the order they reacted. */
  reactions: ReactionRecord[];
  mentions: string[];
  pinnedAt: number | null;
  pinnedBy: string | null;
  /** On a `system` message: the change it records. */
  system?: SystemInfo;
  /** On a `location` message: where (live until `liveUntil`). */
  location?: LocationRecord;
  /** On `attachment` and `voice` messages (until deleted): the uploads, in the order sent. */
  attachments?: AttachmentRecord[];
  /** On a `voice` message (until deleted). */
  voice?: VoiceInfo;
  /** On a `poll` message (until deleted): its options and votes. Kept in the `content` column (ContentRecord). */
  poll?: PollRecord;
  /** On a forwarded copy: where the original was. Kept in the `content` column (ContentRecord). */
  forwardedFrom?: ForwardedFromRecord;
  /** A text message's link preview, set after the send (or an edit) by the server. Kept in the `content` column (ContentRecord). */
  preview?: LinkPreviewRecord;
  /** On an `encrypted` message: the MLS envelope (issue 39). Kept in the `content` column (ContentRecord). */
  mls?: MlsRecord;
}

/**
 * What a message kind or feature keeps on the row besides the columns every message has: stored
 * together as one JSON column (`content`) by store/sql/rows.ts, so a new one needs no migration.
 * Its keys are the MessageRecord fields of the same names; CONTENT_KEYS lists them.
 */
export type ContentRecord = Pick<MessageRecord, 'poll' | 'forwardedFrom' | 'preview' | 'mls'>;

export const CONTENT_KEYS = ['poll', 'forwardedFrom', 'preview', 'mls'] as const satisfies readonly (keyof ContentRecord)[];

export interface ReactionRecord {
  emoji: string;
  userIds: string[];
}

export interface QuotedMessage {
  id: string;
  senderId: string;
  body: string;
  deleted: boolean;
}

/** What a sender chooses; the rest of a message starts empty (no edits, reactions or pin). */
export type NewMessage = Pick<MessageRecord, 'id' | 'conversationId' | 'senderId' | 'clientId' | 'body' | 'createdAt'> &
  Partial<
    Pick<
      MessageRecord,
      'kind' | 'replyToId' | 'threadRootId' | 'mentions' | 'location' | 'attachments' | 'voice' | 'poll' | 'forwardedFrom' | 'mls'
    >
  > & {
    /** An MLS commit: stored only if its epoch is the group's current one, which it moves on (same transaction). */
    advance?: EpochAdvance;
  };

export interface AppendResult {
  message: MessageRecord;
  created: boolean;
}

/**
 * A new message the append did not store: uploads it carries are gone (swept or deleted since the
 * send checked them), an MLS commit made in an epoch that is not its group's current one, or a
 * plain message into a conversation encrypted since the send read it (issue 39).
 */
export type AppendRefusal = { missingUploadIds: string[] } | { epochConflict: number } | { encryptedConversation: true };

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
