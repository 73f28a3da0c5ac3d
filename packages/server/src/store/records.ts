import type { ConversationKind, EventDraft, Role, SystemInfo } from '@confab/protocol';
import type { MemberSettings } from './people-store.js';

/** The records the Store reads and writes (store.ts is the interface over them). Timestamps are epoch ms. */

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  email: string | null;
  isAdmin: boolean;
  passwordHash: string;
  createdAt: number;
  /** Privacy: others see no lastSeenAt. */
  hideLastSeen: boolean;
  lastSeenAt: number | null;
}
export type NewUser = Omit<UserRecord, 'hideLastSeen' | 'lastSeenAt'> & Partial<Pick<UserRecord, 'hideLastSeen' | 'lastSeenAt'>>;

/** A page of the user directory: by username prefix or display-name substring, after a username. */
export interface UserSearch {
  q?: string;
  limit: number;
  afterUsername?: string;
  /** Only people sharing a conversation with this user, or whose username is exactly `q` (DIRECTORY=shared). */
  sharedWith?: string;
}

export interface UserPatch {
  displayName?: string;
  bio?: string;
  isAdmin?: boolean;
  hideLastSeen?: boolean;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface RotateInput {
  oldHash: string;
  /** The successor's hash: the same for the same old token (services/token-service.ts `successorOf`). */
  newHash: string;
  now: number;
  /** When the successor expires, if this call creates it. */
  expiresAt: number;
  reissueIfSpentAfter: number;
}

export type RotateResult =
  { status: 'rotated'; session: SessionRecord; rotatedAt: number } | { status: 'reused'; session: SessionRecord } | { status: 'invalid' };

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
}
export type NewConversation = Omit<ConversationRecord, 'lastSeq' | 'memberCount' | 'lastPos'>;

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
  kind: 'text' | 'system';
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
}
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
  Partial<Pick<MessageRecord, 'kind' | 'replyToId' | 'threadRootId' | 'mentions'>>;

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
