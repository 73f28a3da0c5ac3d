import type { EventDraft, PositionedEvent, Role } from '@confab/protocol';
import type {
  AppendOutcome,
  ConversationListRow,
  ConversationRecord,
  EditRecord,
  HistoryPage,
  MemberRecord,
  MessageUpdate,
  MessageRecord,
  NewConversation,
  NewMember,
  NewMessage,
  NewUser,
  RecentFilter,
  UpdateOutcome,
  RotateInput,
  RotateResult,
  SessionClient,
  SessionRecord,
  UserPatch,
  UserSearch,
  UserRecord,
} from './records.js';
import type { ArchivedFilter, ChangeExtras, NotifyDraft, PeopleStore, SystemDraft } from './people-store.js';
import type { AccountStore } from './account-store.js';
import type { SearchStore } from './search-store.js';
import type { UploadStore } from './upload-store.js';
import type { InviteStore } from './invite-store.js';
import type { AdminStore } from './admin-store.js';
import type { ThreadStore } from './thread-store.js';

export * from './people-store.js';
export * from './account-store.js';
export * from './search-store.js';
export * from './upload-store.js';
export * from './invite-store.js';
export * from './admin-store.js';
// Thread read state (issue 35 item 2): a composed sub-store, `store.threads`.
export * from './thread-store.js';

/**
 * The storage interface. Services depend on this alone; each engine implements it (SQLite now,
 * PostgreSQL next) and every implementation passes the same conformance suite
 * (store/store.conformance.ts). Timestamps are epoch milliseconds; ids are strings.
 */
export interface Store extends PeopleStore, SearchStore, UploadStore, AccountStore, InviteStore, AdminStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Thread read state and follows (issue 35 item 2). */
  readonly threads: ThreadStore;
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
  searchUsers(query: UserSearch): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined>;

  // ---- sessions ----
  /** `client`: where it is used from (SessionInfoRecord); its last use starts at its creation. */
  createSession(session: SessionRecord, refreshTokenHash: string, refreshExpiresAt: number, client?: SessionClient): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * Spends a refresh token and records its successor `newHash`, atomically. A spent token
   * presented again revokes its whole session (it was stolen or replayed), unless it was spent
   * after `reissueIfSpentAfter` and that successor is still unspent: then the first rotation is
   * reported again (its `rotatedAt`), so the caller can answer with the same pair.
   */
  rotateRefreshToken(input: RotateInput): Promise<RotateResult>;
  revokeSession(sessionId: string, now: number): Promise<void>;
  /** Sessions revoked at or after `since` (epoch ms), for nodes that missed the news. */
  listRevokedSessions(since: number): Promise<SessionRecord[]>;

  // ---- conversations and members ----
  // Every change a member must see is written to the event log (see EventLog below) in the same
  // transaction as the change itself, and returned so the service can publish it after commit.
  // What each event carries is the service's: it passes the draft, or a function from what was
  // stored to the draft (Draft), and the store logs it with its position.

  /**
   * Logs `announce(conversation, members)`. For a direct conversation an existing one with the
   * same directKey is returned instead, and nothing is logged.
   */
  createConversation(
    conversation: NewConversation,
    members: NewMember[],
    announce: (conversation: ConversationRecord, members: MemberRecord[]) => EventDraft,
    notify?: NotifyDraft,
  ): Promise<{ conversation: ConversationRecord; created: boolean; events: StoredEvent[] }>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  updateConversationTitle(
    id: string,
    title: string,
    announce: Draft<ConversationRecord>,
    system?: SystemDraft,
  ): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined>;
  getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(conversationId: string): Promise<MemberRecord[]>;
  /** Members of the conversation among `usernames` (ignoring case): lower-cased username → user id. */
  findMembersByUsername(conversationId: string, usernames: readonly string[]): Promise<Map<string, string>>;
  /** Each user's conversation ids, for many users in one read (sockets resuming together); a user in none is left out. */
  listConversationIds(userIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Most recently active first; `after` continues after that (activity, id) key. */
  listConversations(
    userId: string,
    page: { limit: number; after?: { activityAt: number; id: string }; archived?: ArchivedFilter },
  ): Promise<ConversationListRow[]>;
  getConversationView(userId: string, conversationId: string): Promise<ConversationListRow | undefined>;
  /**
   * Logs `announce(member, conversation)`, which the new member reads as their first event.
   * Throws UniqueViolation when already a member.
   */
  addMember(
    member: NewMember,
    announce: (member: MemberRecord, conversation: ConversationRecord) => EventDraft,
    also?: ChangeExtras,
  ): Promise<{ member: MemberRecord; events: StoredEvent[] }>;
  /** Logs `announce`, which the removed user may still read. Returns undefined when the user was not a member. */
  removeMember(
    conversationId: string,
    userId: string,
    announce: EventDraft,
    system?: SystemDraft,
  ): Promise<{ events: StoredEvent[] } | undefined>;
  /** Applies role changes in one transaction (an ownership transfer is two changes); logs one event per member changed. */
  setRoles(
    conversationId: string,
    changes: { userId: string; role: Role }[],
    announce: Draft<MemberRecord>,
  ): Promise<{ members: MemberRecord[]; events: StoredEvent[] }>;

  // ---- messages ----
  /**
   * Group commit: stores a batch of messages in one transaction, assigning each conversation's
   * next seqs in order, and does what `plan` asks for each new message. A (senderId, clientId)
   * already stored, or repeated within the batch, yields the stored message with
   * `created: false` instead of a new row (whatever its body or conversation: the service judges).
   */
  appendMessages(
    batch: readonly NewMessage[],
    plan: AppendPlan,
    /** Changes of stored messages committed in the same transaction (as `updateMessages`), after the new ones. */
    updates?: readonly MessageUpdate[],
    /** Notifications stored and logged in the same transaction (as `createNotifications`), after the changes. */
    notify?: NotifyDraft,
  ): Promise<{ results: AppendOutcome[]; events: StoredEvent[]; updates: UpdateOutcome[] }>;
  /**
   * `after` pages forward (ascending seq); otherwise newest first, below `before` when given.
   * Thread replies are left out unless `threads` is true.
   */
  listMessages(conversationId: string, page: HistoryPage): Promise<MessageRecord[]>;
  getMessage(id: string): Promise<MessageRecord | undefined>;
  /** The messages of those ids that exist, in no particular order (one read for many). */
  getMessages(ids: readonly string[]): Promise<MessageRecord[]>;
  /**
   * Changes messages in one transaction that holds their conversations: each `change` decides
   * from the message as stored now (so concurrent changes never lose each other's; a later
   * change of the same message in the batch sees the earlier one), and when it changes
   * something, its `announce(updated)` is logged. A change that throws refuses only itself.
   */
  updateMessages(batch: readonly MessageUpdate[]): Promise<{ results: UpdateOutcome[]; events: StoredEvent[] }>;
  /** A message's earlier bodies, oldest first. */
  listEdits(messageId: string): Promise<EditRecord[]>;
  /** A thread root's replies in seq order, after `after`. */
  listThread(rootId: string, page: { limit: number; after?: number }): Promise<MessageRecord[]>;
  /** Who has replied in a thread (each once). */
  threadParticipants(rootId: string): Promise<string[]>;
  /** Pinned messages, most recently pinned first. */
  listPins(conversationId: string, limit: number): Promise<MessageRecord[]>;
  /** Newest first across the user's conversations; `beforeId` continues after that message. */
  listRecentMessages(userId: string, filter: RecentFilter): Promise<MessageRecord[]>;
  /**
   * Moves the read marker forward only, clamped to the conversation's last seq. Logs
   * `announce(marker)` when it moved; returns the marker and my unread count.
   */
  advanceReadMarker(
    conversationId: string,
    userId: string,
    seq: number,
    announce: Draft<ReadMarkerRecord>,
  ): Promise<ReadMarkerRecord & { events: StoredEvent[] }>;
  /** Moves the delivery marker forward only (clamped); returns it and whether it moved. No event is logged. */
  advanceDeliveredMarker(conversationId: string, userId: string, seq: number): Promise<{ deliveredSeq: number; moved: boolean }>;
  /** Unread messages across all my conversations. */
  countUnreadTotal(userId: string): Promise<number>;

  // ---- event log (resumable sync) ----
  /** The log's epoch, its newest position and the highest position pruned away. */
  streamHead(): Promise<StreamHead>;
  /**
   * Events the user may see after `after`, oldest first: events of conversations they are a
   * member of (from the event that made them one), and events about them (their removal).
   */
  readUserEvents(userId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** One conversation's events after `after`, oldest first. */
  readConversationEvents(conversationId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** Per conversation, the newest position in (after, upTo]: which conversations moved in that range. */
  conversationHeadsBetween(after: number, upTo: number): Promise<Map<string, number>>;
  /** Per user asked for, `pos` of each of their conversations' newest event (and their private stream's, once it has one). */
  conversationHeads(userIds: readonly string[]): Promise<Map<string, Map<string, number>>>;
  /**
   * Deletes events created before `before` (epoch ms), oldest first, in transactions of at most
   * `chunk` events (a default of the store's own); returns how many. The floor moves up with each.
   */
  pruneEvents(before: number, chunk?: number): Promise<number>;

  // ---- receipts and presence ----
  listReceipts(conversationId: string): Promise<ReceiptRecord[]>;
  sharesConversation(userId: string, otherId: string): Promise<boolean>;
  /** Each user's `lastSeenAt` (epoch ms); a user given twice gets the later entry's. */
  setLastSeen(entries: readonly LastSeen[]): Promise<void>;
}

export interface LastSeen {
  userId: string;
  at: number;
}

/**
 * The event a service logs about what the store has just stored, decided from the stored record
 * (its seq, its new count). Called inside the transaction, so the event commits with the change.
 */
export type Draft<T> = (stored: T) => EventDraft;

/** What appending messages does besides storing them, as the message service decides. */
export interface AppendPlan {
  /** The event logged for each new message. */
  announce: Draft<MessageRecord>;
  /** The event logged for a thread root whose reply count the batch moved (after its replies'). */
  announceRoot?: Draft<MessageRecord>;
  /**
   * Whose read marker moves up to each new message in the same transaction (undefined: nobody's).
   * Markers only move forward; with several messages the newest of the batch counts.
   */
  readBy?: (message: MessageRecord) => string | undefined;
}

export interface ReadMarkerRecord {
  readSeq: number;
  /** The member's unread messages in that conversation, their own never counted. */
  unreadCount: number;
  /** Of those, the ones that mention the member. */
  mentionCount: number;
}

/**
 * An event as the log stores it: the protocol event (which carries its own `pos` and `prev`)
 * plus who may read it.
 */
export interface StoredEvent {
  pos: number;
  conversationId: string;
  /** A user who may read this event without being a member (the removed member). */
  subjectUserId: string | null;
  createdAt: number;
  event: PositionedEvent;
  /** The event's JSON text as stored: what a socket is sent, without serialising it again. */
  frame: string;
}

export interface StreamHead {
  /** Changes when the history a cursor points into no longer exists (new or restored database). */
  epoch: string;
  pos: number;
  /** Events at or below this position have been pruned: a cursor below it cannot be resumed. */
  floor: number;
}

export interface ReceiptRecord {
  userId: string;
  readSeq: number;
  deliveredSeq: number;
}

export class UniqueViolation extends Error {
  constructor(
    readonly constraint: string,
    cause?: unknown,
  ) {
    super(`unique constraint violated: ${constraint}`, { cause });
    this.name = 'UniqueViolation';
  }
}

export * from './records.js';
