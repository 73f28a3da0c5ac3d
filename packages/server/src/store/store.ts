import type { ConversationKind, Role } from '@confab/protocol';

/**
 * The storage interface. Services depend on this alone; each engine implements it (SQLite now,
 * PostgreSQL next) and every implementation passes the same conformance suite
 * (store/store.conformance.ts). Timestamps are epoch milliseconds; ids are strings.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // ---- users ----
  /** Throws UniqueViolation when the username (ignoring case) is taken. */
  insertUser(user: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** Ordered by username (case-folded); `afterUsername` continues after that key. */
  searchUsers(query: { q?: string; limit: number; afterUsername?: string }): Promise<UserRecord[]>;
  updateUser(id: string, patch: { displayName?: string; bio?: string; isAdmin?: boolean }): Promise<UserRecord | undefined>;

  // ---- sessions ----
  createSession(session: SessionRecord, refreshTokenHash: string, refreshExpiresAt: number): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * Spends a refresh token and records its successor, atomically. A token presented a second
   * time revokes its whole session (it was stolen or replayed).
   */
  rotateRefreshToken(input: { oldHash: string; newHash: string; now: number; expiresAt: number }): Promise<RotateResult>;
  revokeSession(sessionId: string, now: number): Promise<void>;

  // ---- conversations and members ----
  /** For a direct conversation an existing one with the same directKey is returned instead. */
  createConversation(conversation: NewConversation, members: NewMember[]): Promise<{ conversation: ConversationRecord; created: boolean }>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  updateConversationTitle(id: string, title: string): Promise<ConversationRecord | undefined>;
  getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(conversationId: string): Promise<MemberRecord[]>;
  listConversationIds(userId: string): Promise<string[]>;
  /** Most recently active first; `after` continues after that (activity, id) key. */
  listConversations(userId: string, page: { limit: number; after?: { activityAt: number; id: string } }): Promise<ConversationListRow[]>;
  getConversationView(userId: string, conversationId: string): Promise<ConversationListRow | undefined>;
  /** Throws UniqueViolation when already a member. */
  addMember(member: NewMember): Promise<MemberRecord>;
  /** Returns false when the user was not a member. */
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  /** Applies role changes in one transaction (an ownership transfer is two changes). */
  setRoles(conversationId: string, changes: { userId: string; role: Role }[]): Promise<void>;

  // ---- messages ----
  /**
   * Group commit: stores a batch of messages in one transaction, assigning each conversation's
   * next seqs in order. A (senderId, clientId) already stored, or repeated within the batch,
   * yields the stored message with `created: false` instead of a new row.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  /** `after` pages forward (ascending seq); otherwise newest first, below `before` when given. */
  listMessages(conversationId: string, page: { limit: number; before?: number; after?: number }): Promise<MessageRecord[]>;
  /** Newest first across the user's conversations; `beforeId` continues after that message. */
  listRecentMessages(userId: string, filter: RecentFilter): Promise<MessageRecord[]>;
  /** Moves the read marker forward only, clamped to the conversation's last seq; returns it. */
  advanceReadMarker(conversationId: string, userId: string, seq: number): Promise<number>;
  countUnread(conversationId: string, userId: string): Promise<number>;
}

export class UniqueViolation extends Error {
  constructor(readonly constraint: string, cause?: unknown) {
    super(`unique constraint violated: ${constraint}`, { cause });
    this.name = 'UniqueViolation';
  }
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  email: string | null;
  isAdmin: boolean;
  passwordHash: string;
  createdAt: number;
}
export type NewUser = UserRecord;

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  revokedAt: number | null;
}

export type RotateResult =
  | { status: 'rotated'; session: SessionRecord }
  | { status: 'reused'; session: SessionRecord }
  | { status: 'invalid' };

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
}
export type NewConversation = Omit<ConversationRecord, 'lastSeq' | 'memberCount'>;

export interface MemberRecord {
  conversationId: string;
  userId: string;
  role: Role;
  joinedAt: number;
  readSeq: number;
}
export type NewMember = Omit<MemberRecord, 'readSeq'>;

export interface ConversationListRow {
  conversation: ConversationRecord;
  member: MemberRecord;
  lastMessage: MessageRecord | null;
  unreadCount: number;
  /** The other member of a direct conversation. */
  peerId: string | null;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientId: string;
  body: string;
  createdAt: number;
}
export type NewMessage = Omit<MessageRecord, 'seq'>;
export interface AppendResult {
  message: MessageRecord;
  created: boolean;
}

export interface RecentFilter {
  sender?: string;
  recipient?: string;
  isRead?: boolean;
  limit: number;
  beforeId?: string;
}
