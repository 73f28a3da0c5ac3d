import type { ConversationKind, EventDraft, MlsRelation, Role, SystemInfo, VoiceInfo } from '@confab/protocol';
import type { MemberSettings } from './members/member-store.js';
import type { SearchTerms } from './search-tokens.js';

/** The records the Store reads and writes (store.ts is the interface over them). Timestamps are epoch ms. */

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  /** IANA time zone, for others' "local time"; null until set. */
  timeZone: string | null;
  email: string | null;
  isAdmin: boolean;
  passwordHash: string;
  createdAt: number;
  /** Privacy: others see no lastSeenAt. */
  hideLastSeen: boolean;
  /** The user's language, a canonical BCP 47 tag (`en-GB`), null when unknown. */
  locale: string | null;
  lastSeenAt: number | null;
  /** Whether `email` was confirmed through the link mailed to it. */
  emailVerified: boolean;
  /** When the account was erased: its profile is blank and nobody can sign in to it. */
  deletedAt: number | null;
  /** While an admin has the account deactivated: no sign-in, no refresh. */
  deactivatedAt: number | null;
  /** When the picture was set (epoch ms): its blobs' name and its URL's version; null without one. */
  avatarVersion: number | null;
}
type Defaulted = 'timeZone' | 'hideLastSeen' | 'locale' | 'lastSeenAt' | 'emailVerified' | 'deletedAt' | 'deactivatedAt' | 'avatarVersion';
export type NewUser = Omit<UserRecord, Defaulted> & Partial<Pick<UserRecord, Defaulted>>;

/** A page of the user directory: by username prefix or display-name substring, after a username. */
export interface UserSearch {
  q?: string;
  limit: number;
  afterUsername?: string;
  /** Only people sharing a conversation with this user, or whose username is exactly `q` (DIRECTORY=shared). */
  sharedWith?: string;
  /** Deactivated accounts too (what admins see); otherwise they are left out of the directory (issue 35). */
  includeDeactivated?: boolean;
}

export interface UserPatch {
  displayName?: string;
  bio?: string;
  /** null clears it. */
  timeZone?: string | null;
  isAdmin?: boolean;
  hideLastSeen?: boolean;
  locale?: string | null;
  /** null removes the picture. */
  avatarVersion?: number | null;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface RotateInput {
  oldHash: string;
  /** The successor's hash: the same for the same old token (services/accounts/token-service.ts `successorOf`). */
  newHash: string;
  now: number;
  /** When the successor expires, if this call creates it. */
  expiresAt: number;
  reissueIfSpentAfter: number;
  /** Where the refresh came from: the session's last use is recorded (lastUsedAt, user agent, IP). */
  client?: SessionClient;
}

/** Where a session is used from, as the request said. */
export interface SessionClient {
  userAgent: string | null;
  ip: string | null;
}

export type RotateResult =
  | { status: 'rotated'; session: SessionRecord; rotatedAt: number }
  | { status: 'reused'; session: SessionRecord }
  /** `endedSessionOf`: the token is of a session that has ended, of this user (to say why). */
  | { status: 'invalid'; endedSessionOf?: string };

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  title: string | null;
  /** "userA:userB" (sorted) for a direct conversation, so a pair has exactly one. */
  directKey: string | null;
  createdBy: string;
  createdAt: number;
  lastSeq: number;
  lastActivityAt: number;
  memberCount: number;
  /** Position of the conversation's newest event in the log. */
  lastPos: number;
  /** A group's description (an imported channel's topic; issue 37); absent without one. */
  description?: string;
  /** End-to-end encrypted (issue 39): its MLS group is an MlsGroupRecord. */
  encrypted: boolean;
}
export type NewConversation = Omit<ConversationRecord, 'lastSeq' | 'memberCount' | 'lastPos' | 'encrypted'> & {
  /** Created encrypted: its MLS group is created with it, at epoch 0. */
  mlsGroup?: Omit<MlsGroupRecord, 'conversationId'>;
};

/** An encrypted conversation's MLS group (issue 39, decision 0027). */
export interface MlsGroupRecord {
  conversationId: string;
  /** URL-safe base64 of the group id's bytes. */
  groupId: string;
  ciphersuite: number;
  /** The current epoch: the next commit must be made in it. */
  epoch: number;
  /** The GroupInfo the latest commit left (URL-safe base64), null before the first. */
  groupInfo: string | null;
  updatedAt: number;
}

/** An MLS message stored as a message of kind `encrypted` (in the `content` column). */
export interface MlsRecord {
  type: 'application' | 'commit' | 'welcome';
  ciphertext: string;
  epoch: number;
  senderDevice: string;
  /** A welcome: the devices it is for. */
  devices?: string[];
  /** An application message that reacts to or edits another (the sender's word; the content stays encrypted). */
  relatesTo?: MlsRelation;
}

/**
 * Whether people read a message (`messages.shown`): every plain message and MLS application
 * message, but not a commit or welcome (devices apply those) nor a reaction or edit (they change
 * another message). Only those are unread, a conversation's last message, or mark read when sent.
 */
export const shownToPeople = (m: { mls?: MlsRecord | undefined }): boolean =>
  m.mls === undefined || (m.mls.type === 'application' && m.mls.relatesTo === undefined);

/** A commit's move of its group to the next epoch, checked in the transaction that stores it. */
export interface EpochAdvance {
  /** The epoch the commit was made in: it must be the group's current one. */
  epoch: number;
  /** The GroupInfo of the epoch it makes. */
  groupInfo: string;
}

export interface MemberRecord {
  conversationId: string;
  userId: string;
  role: Role;
  joinedAt: number;
  readSeq: number;
  deliveredSeq: number;
}
export type NewMember = Omit<MemberRecord, 'readSeq' | 'deliveredSeq'>;

export interface ConversationListRow {
  conversation: ConversationRecord;
  member: MemberRecord;
  lastMessage: MessageRecord | null;
  unreadCount: number;
  mentionCount: number;
  /** The threads I follow with replies I have not read (issue 35 item 2). */
  unreadThreads: number;
  /** The other member of a direct conversation. */
  peerId: string | null;
  settings: MemberSettings;
}

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
/** What a message shows of an upload it carries (uploads never change, so it is kept on the message row). */
export interface AttachmentRecord {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}
export interface UploadRecord extends AttachmentRecord {
  ownerId: string;
  sha256: string;
  /** Where its bytes are in the blob store. */
  blobKey: string;
  /** Images: where the thumbnail is in the blob store. */
  thumbnailKey: string | null;
  createdAt: number;
}
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

/**
 * A full-text search of the messages `userId` may read: members' conversations only, after their
 * cleared seq, never deleted or system messages. Matches come newest first by the engine's
 * `key` (opaque: SQLite's rowid, PostgreSQL's id), between `below`/`upTo` and `from`.
 */
export interface MessageSearch {
  userId: string;
  terms: SearchTerms;
  conversationId?: string;
  senderId?: string;
  /** Sent strictly after / before (epoch ms). */
  after?: number;
  before?: number;
  /** Keys strictly below this one. */
  below?: string;
  /** Keys at or below this one. */
  upTo?: string;
  /** Keys at or above this one. */
  from?: string;
  limit: number;
}
export interface SearchHit {
  message: MessageRecord;
  /** The match's place in the engine's newest-first order, for the next window. */
  key: string;
}
/** One of my conversations as search by name sees it: its title, or the other member's names. */
export interface ConversationName {
  conversationId: string;
  kind: ConversationKind;
  title: string | null;
  lastActivityAt: number;
  peerUsername: string | null;
  peerDisplayName: string | null;
}
