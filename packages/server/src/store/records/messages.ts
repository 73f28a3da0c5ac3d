import type { SystemInfo, VoiceInfo } from '@confab/protocol';
import type { EpochAdvance, MlsRecord } from './encryption.js';
import type { AttachmentRecord } from './uploads.js';

/** A message as stored: its record, what kinds and features keep on it, a new one and a change to one (a new message feature adds its fields here). Timestamps are epoch ms. */

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
  /**
   * On an MLS message stored since 0043: the position of its `message.created` event in the log
   * (the `log_pos` column), which members compare with a revocation's (issue 39).
   */
  logPos?: number;
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
  /** Its seq: an encrypted conversation's devices find their decrypted text by it. */
  seq: number;
  senderId: string;
  body: string;
  deleted: boolean;
}

/** A poll as stored: each option's voters, in the order they voted. Times are epoch ms. */
export interface PollRecord {
  question: string;
  options: { id: string; text: string; userIds: string[] }[];
  multiple: boolean;
  anonymous: boolean;
  closesAt: number | null;
  closedAt: number | null;
}

/**
 * The card of the first link of a message's body, or the sender's removal of it (`removed`: shown
 * as no preview, and that URL is not fetched again). `imageKey` names the WebP in the blob store.
 */
export type LinkPreviewRecord =
  { url: string; title: string; description: string | null; siteName: string; imageKey: string | null } | { url: string; removed: true };

export interface ForwardedFromRecord {
  conversationId: string;
  senderId: string;
  /** When the original was sent (epoch ms). */
  sentAt: number;
}

/** A shared location; a live one is moved by its author until `liveUntil` (epoch ms). */
export interface LocationRecord {
  lat: number;
  lng: number;
  accuracyM: number | null;
  label: string | null;
  liveUntil: number | null;
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
