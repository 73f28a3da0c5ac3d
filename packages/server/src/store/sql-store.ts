import { sql } from 'kysely';
import type { EventDraft, Role } from '@confab/protocol';
import { migrate } from './migrate.js';
import * as eventLog from './event-log.js';
import { AdminSql } from './admin-sql.js';
import type { Dialect } from './dialect.js';
import * as conversations from './sql/conversations.js';
import * as markers from './sql/markers.js';
import * as members from './sql/members.js';
import * as messageChanges from './sql/message-changes.js';
import * as messages from './sql/messages.js';
import * as messageAppend from './sql/message-append.js';
import * as sessions from './sql/sessions.js';
import * as users from './sql/users.js';
import { type ThreadStore, threadSql } from './thread-store.js';
import {
  type AppendPlan,
  type UserSearch,
  type ArchivedFilter,
  type NotifyDraft,
  type ChangeExtras,
  type LastSeen,
  type SystemDraft,
  type AppendOutcome,
  type ConversationListRow,
  type ConversationRecord,
  type Draft,
  type EditRecord,
  type HistoryPage,
  type MemberRecord,
  type MessageUpdate,
  type MessageRecord,
  type NewConversation,
  type NewMember,
  type NewMessage,
  type NewUser,
  type ReadMarkerRecord,
  type ReceiptRecord,
  type RecentFilter,
  type UpdateOutcome,
  type RotateInput,
  type RotateResult,
  type SessionClient,
  type SessionRecord,
  type Store,
  type StoredEvent,
  type StreamHead,
  type UserPatch,
  type UserRecord,
  UniqueViolation,
} from './store.js';

/**
 * The Store over Kysely, shared by every engine: portable queries only, one file of functions per
 * section in store/sql/ (the event log in store/event-log.ts). Anything an engine does
 * differently lives in its Dialect (store/sqlite/, store/postgres/).
 */
export class SqlStore extends AdminSql implements Store {
  readonly engine: Store['engine'];
  // Thread read state (issue 35 item 2).
  readonly threads: ThreadStore;
  private readonly uniqueViolation: (error: unknown) => string | undefined;

  constructor(private readonly dialect: Dialect) {
    super(dialect.db, dialect.search, dialect.skipLocked ?? false);
    this.engine = dialect.engine;
    this.threads = threadSql(dialect.db);
    this.uniqueViolation = (error) => dialect.uniqueViolation(error);
  }

  migrate(): Promise<void> {
    return migrate(this.dialect);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    return this.dialect.close();
  }

  // ---- users (sql/users.ts) ----

  insertUser(user: NewUser): Promise<UserRecord> {
    return this.unique(() => users.insertUser(this.db, user));
  }
  getUser(id: string): Promise<UserRecord | undefined> {
    return users.getUser(this.db, id);
  }
  getUserByUsername(username: string): Promise<UserRecord | undefined> {
    return users.getUserByUsername(this.db, username);
  }
  getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    return users.getUsers(this.db, ids);
  }
  searchUsers(query: UserSearch): Promise<UserRecord[]> {
    return users.searchUsers(this.db, query);
  }
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined> {
    return users.updateUser(this.db, id, patch);
  }
  setLastSeen(entries: readonly LastSeen[]): Promise<void> {
    return users.setLastSeen(this.db, entries);
  }

  // ---- sessions (sql/sessions.ts) ----

  createSession(session: SessionRecord, refreshTokenHash: string, refreshExpiresAt: number, client?: SessionClient): Promise<void> {
    return sessions.createSession(this.db, session, refreshTokenHash, refreshExpiresAt, client);
  }
  getSession(id: string): Promise<SessionRecord | undefined> {
    return sessions.getSession(this.db, id);
  }
  rotateRefreshToken(input: RotateInput): Promise<RotateResult> {
    return sessions.rotateRefreshToken(this.db, input);
  }
  revokeSession(sessionId: string, now: number): Promise<void> {
    return sessions.revokeSession(this.db, sessionId, now);
  }
  listRevokedSessions(since: number): Promise<SessionRecord[]> {
    return sessions.listRevokedSessions(this.db, since);
  }

  // ---- conversations (sql/conversations.ts) ----

  createConversation(
    conversation: NewConversation,
    initialMembers: NewMember[],
    announce: (conversation: ConversationRecord, members: MemberRecord[]) => EventDraft,
    notify?: NotifyDraft,
  ): Promise<{ conversation: ConversationRecord; created: boolean; events: StoredEvent[] }> {
    return conversations.createConversation(this.db, this.uniqueViolation, conversation, initialMembers, announce, notify);
  }
  getConversation(id: string): Promise<ConversationRecord | undefined> {
    return conversations.getConversation(this.db, id);
  }
  updateConversationTitle(
    id: string,
    title: string,
    announce: Draft<ConversationRecord>,
    system?: SystemDraft,
  ): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined> {
    return conversations.updateConversationTitle(this.db, id, title, announce, system);
  }
  listConversationIds(userIds: readonly string[]): Promise<Map<string, string[]>> {
    return conversations.listConversationIds(this.db, userIds);
  }
  listConversations(
    userId: string,
    page: { limit: number; after?: { activityAt: number; id: string }; archived?: ArchivedFilter },
  ): Promise<ConversationListRow[]> {
    return conversations.listConversations(this.db, userId, page);
  }
  getConversationView(userId: string, conversationId: string): Promise<ConversationListRow | undefined> {
    return conversations.getConversationView(this.db, userId, conversationId);
  }

  // ---- members (sql/members.ts) ----

  getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined> {
    return members.getMember(this.db, conversationId, userId);
  }
  listMembers(conversationId: string): Promise<MemberRecord[]> {
    return members.listMembers(this.db, conversationId);
  }
  findMembersByUsername(conversationId: string, usernames: readonly string[]): Promise<Map<string, string>> {
    return members.findMembersByUsername(this.db, conversationId, usernames);
  }
  addMember(
    member: NewMember,
    announce: (member: MemberRecord, conversation: ConversationRecord) => EventDraft,
    also?: ChangeExtras,
  ): Promise<{ member: MemberRecord; events: StoredEvent[] }> {
    return this.unique(() => members.addMember(this.db, member, announce, also));
  }
  removeMember(
    conversationId: string,
    userId: string,
    announce: EventDraft,
    system?: SystemDraft,
  ): Promise<{ events: StoredEvent[] } | undefined> {
    return members.removeMember(this.db, conversationId, userId, announce, system);
  }
  setRoles(
    conversationId: string,
    changes: { userId: string; role: Role }[],
    announce: Draft<MemberRecord>,
  ): Promise<{ members: MemberRecord[]; events: StoredEvent[] }> {
    return members.setRoles(this.db, conversationId, changes, announce);
  }
  sharesConversation(userId: string, otherId: string): Promise<boolean> {
    return members.sharesConversation(this.db, userId, otherId);
  }

  // ---- messages (sql/message-append.ts, sql/messages.ts) ----

  appendMessages(
    batch: readonly NewMessage[],
    plan: AppendPlan,
    updates?: readonly MessageUpdate[],
    notify?: NotifyDraft,
  ): Promise<{ results: AppendOutcome[]; events: StoredEvent[]; updates: UpdateOutcome[] }> {
    return messageAppend.appendMessages(
      this.db,
      this.uniqueViolation,
      this.searchIndex,
      batch,
      plan,
      updates,
      notify,
      this.dialect.appendFresh,
    );
  }
  listMessages(conversationId: string, page: HistoryPage): Promise<MessageRecord[]> {
    return messages.listMessages(this.db, conversationId, page);
  }

  // ---- one message's changes, threads and pins (sql/message-changes.ts) ----

  getMessage(id: string): Promise<MessageRecord | undefined> {
    return messageChanges.getMessage(this.db, id);
  }
  async getMessages(ids: readonly string[]): Promise<MessageRecord[]> {
    return [...(await messageChanges.readMessages(this.db, [...new Set(ids)])).values()];
  }
  updateMessages(batch: readonly MessageUpdate[]): Promise<{ results: UpdateOutcome[]; events: StoredEvent[] }> {
    return messageChanges.updateMessages(this.db, this.searchIndex, batch);
  }
  listEdits(messageId: string): Promise<EditRecord[]> {
    return messageChanges.listEdits(this.db, messageId);
  }
  listThread(rootId: string, page: { limit: number; after?: number }): Promise<MessageRecord[]> {
    return messageChanges.listThread(this.db, rootId, page);
  }
  threadParticipants(rootId: string): Promise<string[]> {
    return messageChanges.threadParticipants(this.db, rootId);
  }
  listPins(conversationId: string, limit: number): Promise<MessageRecord[]> {
    return messageChanges.listPins(this.db, conversationId, limit);
  }
  listRecentMessages(userId: string, filter: RecentFilter): Promise<MessageRecord[]> {
    return messages.listRecentMessages(this.db, userId, filter);
  }

  // ---- markers and receipts (sql/markers.ts) ----

  advanceReadMarker(
    conversationId: string,
    userId: string,
    seq: number,
    announce: Draft<ReadMarkerRecord>,
  ): Promise<ReadMarkerRecord & { events: StoredEvent[] }> {
    return markers.advanceReadMarker(this.db, conversationId, userId, seq, announce);
  }
  advanceDeliveredMarker(conversationId: string, userId: string, seq: number): Promise<{ deliveredSeq: number; moved: boolean }> {
    return markers.advanceDeliveredMarker(this.db, conversationId, userId, seq);
  }
  countUnreadTotal(userId: string): Promise<number> {
    return markers.countUnreadTotal(this.db, userId);
  }
  listReceipts(conversationId: string): Promise<ReceiptRecord[]> {
    return markers.listReceipts(this.db, conversationId);
  }

  // ---- event log (event-log.ts) ----

  streamHead(): Promise<StreamHead> {
    return eventLog.streamHead(this.db);
  }
  readUserEvents(userId: string, after: number, limit: number): Promise<StoredEvent[]> {
    return eventLog.readUserEvents(this.db, userId, after, limit);
  }
  readConversationEvents(conversationId: string, after: number, limit: number): Promise<StoredEvent[]> {
    return eventLog.readConversationEvents(this.db, conversationId, after, limit);
  }
  conversationHeadsBetween(after: number, upTo: number): Promise<Map<string, number>> {
    return eventLog.conversationHeadsBetween(this.db, after, upTo);
  }
  conversationHeads(userIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    return eventLog.conversationHeads(this.db, userIds);
  }
  async pruneEvents(before: number, chunk = eventLog.PRUNE_CHUNK): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.db.transaction().execute((trx) => eventLog.pruneEvents(trx, before, chunk));
      total += deleted;
      if (deleted < chunk) return total;
      // Between chunks the event loop serves requests, and sends take the write lock.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs a write, turning the engine's unique-violation error into UniqueViolation. */
  protected async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const constraint = this.dialect.uniqueViolation(error);
      if (constraint !== undefined) throw new UniqueViolation(constraint, error);
      throw error;
    }
  }
}
