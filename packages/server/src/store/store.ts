import type { EventDraft, PositionedEvent, SystemInfo } from '@confab/protocol';
import type { MessageRecord } from './records.js';
import type { NotificationRecord } from './notifications/notification-store.js';
import type { OutboxDraft } from './outbox/outbox-store.js';
import type { UserStore } from './users/user-store.js';
import type { SessionStore } from './sessions/session-store.js';
import type { AccountStore } from './accounts/account-store.js';
import type { InviteStore } from './invites/invite-store.js';
import type { AdminStore } from './admin/admin-store.js';
import type { ConversationStore } from './conversations/conversation-store.js';
import type { MemberStore } from './members/member-store.js';
import type { MessageStore } from './messages/message-store.js';
import type { MarkerStore } from './markers/marker-store.js';
import type { EventStore } from './events/event-store.js';
import type { BlockStore } from './blocks/block-store.js';
import type { NotificationStore } from './notifications/notification-store.js';
import type { OutboxStore } from './outbox/outbox-store.js';
import type { PushStore } from './push/push-store.js';
import type { UploadStore } from './uploads/upload-store.js';
import type { SearchStore } from './search/search-store.js';

export type * from './users/user-store.js';
export type * from './sessions/session-store.js';
export type * from './accounts/account-store.js';
export type * from './invites/invite-store.js';
export type * from './admin/admin-store.js';
export type * from './conversations/conversation-store.js';
export type * from './members/member-store.js';
export type * from './messages/message-store.js';
export type * from './markers/marker-store.js';
export type * from './events/event-store.js';
export type * from './blocks/block-store.js';
export type * from './notifications/notification-store.js';
export type * from './outbox/outbox-store.js';
export type * from './push/push-store.js';
export type * from './uploads/upload-store.js';
export type * from './search/search-store.js';
import type { ThreadStore } from './threads/thread-store.js';
export type * from './threads/thread-store.js';
import type { DraftStore } from './drafts/draft-store.js';
export type * from './drafts/draft-store.js';
import type { DeviceStore } from './devices/device-store.js';
export type * from './devices/device-store.js';
import type { AssistStore } from './assist/assist-store.js';
export type * from './assist/assist-store.js';
import type { ScheduledStore } from './scheduled/scheduled-store.js';
export type * from './scheduled/scheduled-store.js';
import type { ImportStore } from './imports/import-store.js';
export type * from './imports/import-store.js';

/**
 * The storage interface. Services depend on this alone. It is composed of one sub-store per
 * aggregate (`store.messages`, `store.members`, …), each an interface in store/<aggregate>/ with
 * its conformance section beside it (<aggregate>/*.conformance.ts, gathered by
 * store/store.conformance.ts). Each engine family implements every sub-store: the SQL family
 * (SqlStore, sql-store.ts) serves SQLite and PostgreSQL from one set of queries, engine
 * differences living in its Dialect. Every implementation passes the same conformance suite.
 * Timestamps are epoch milliseconds; ids are strings.
 *
 * A new method goes in the aggregate whose rows it changes (or reads): its interface here in
 * <aggregate>/<name>-store.ts, one line in <aggregate>/sql-<name>-store.ts calling its query,
 * the query in store/sql/<section>.ts, and a case in that aggregate's conformance section. A new
 * aggregate is a new folder and one member here and in SqlStore.
 *
 * A write that must commit with another aggregate's rows (a message with its events, markers,
 * notifications and upload links) is a method of the aggregate that owns the change, which
 * calls the other sections' queries with its transaction.
 *
 * Every change a member must see is written to the event log in the same transaction as the
 * change itself, and returned so the service can publish it after commit. What each event
 * carries is the service's: it passes the draft, or a function from what was stored to the
 * draft (Draft), and the store logs it with its position.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres' | 'mysql';
  migrate(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Users, their profiles and last-seen times (users/user-store.ts). */
  readonly users: UserStore;
  /** Sign-in sessions and their refresh tokens (sessions/session-store.ts). */
  readonly sessions: SessionStore;
  /** Email, password, erasure, mailed tokens, what an export reads (accounts/account-store.ts). */
  readonly accounts: AccountStore;
  /** Invites to sign up (invites/invite-store.ts). */
  readonly invites: InviteStore;
  /** The operator's user list, the audit log, node reports (admin/admin-store.ts). */
  readonly admin: AdminStore;
  /** Conversations and each member's view of them (conversations/conversation-store.ts). */
  readonly conversations: ConversationStore;
  /** Memberships, roles and each member's own settings (members/member-store.ts). */
  readonly members: MemberStore;
  /** Messages: the group-commit append, changes, threads, pins (messages/message-store.ts). */
  readonly messages: MessageStore;
  /** Read and delivery markers, receipts, unread counts (markers/marker-store.ts). */
  readonly markers: MarkerStore;
  /** The event log (resumable sync) (events/event-store.ts). */
  readonly events: EventStore;
  /** Who blocks whom (blocks/block-store.ts). */
  readonly blocks: BlockStore;
  /** Notifications (notifications/notification-store.ts). */
  readonly notifications: NotificationStore;
  /** Outbound deliveries, claimed under a lease (outbox/outbox-store.ts). */
  readonly outbox: OutboxStore;
  /** Web Push subscriptions and keys generated once per deployment (push/push-store.ts). */
  readonly push: PushStore;
  /** Upload records, quotas and orphans (uploads/upload-store.ts). */
  readonly uploads: UploadStore;
  /** Full-text search of messages (search/search-store.ts). */
  readonly search: SearchStore;
  /** Threads' own read state and who follows them (threads/thread-store.ts). */
  readonly threads: ThreadStore;
  /** Each user's draft of each conversation, versioned (drafts/draft-store.ts; issue 37). */
  readonly drafts: DraftStore;
  /** Devices, identity keys and KeyPackages for end-to-end encryption (devices/device-store.ts). */
  readonly devices: DeviceStore;
  /** Assist's switches, dismissals and reads (assist/assist-store.ts; issue 40). */
  readonly assist: AssistStore;
  /** Messages scheduled to be sent later, claimed under a lease when due (scheduled/scheduled-store.ts). */
  readonly scheduled: ScheduledStore;
  /** Import runs and the map of exported ids (imports/import-store.ts; issue 37). */
  readonly imports: ImportStore;
}

/**
 * The event a service logs about what the store has just stored, decided from the stored record
 * (its seq, its new count). Called inside the transaction, so the event commits with the change.
 */
export type Draft<T> = (stored: T) => EventDraft;

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

/** A `system` message a change writes in its own transaction, recording it in the history. */
export interface SystemDraft {
  id: string;
  system: SystemInfo;
  announce: Draft<MessageRecord>;
}

/** What a membership or title change writes besides itself, in the same transaction. */
export interface ChangeExtras {
  notify?: NotifyDraft | undefined;
  system?: SystemDraft | undefined;
}

/** Notifications a change stores and logs in its own transaction. */
export interface NotifyDraft {
  notifications: NotificationRecord[];
  announce: Draft<NotificationRecord>;
  /** Their outbound deliveries, written with them. */
  outbox?: OutboxDraft | undefined;
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
