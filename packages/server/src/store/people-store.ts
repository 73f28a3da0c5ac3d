import type { NotificationKind, SystemInfo } from '@confab/protocol';
import type { ConversationListRow, Draft, MessageRecord, StoredEvent, UserRecord } from './store.js';
import type { OutboxDraft, OutboxStore } from './outbox-store.js';

export type * from './outbox-store.js';

/**
 * The part of the Store about people rather than messages (issue 10): blocks, each member's own
 * settings of a conversation, and notifications. Events for one user alone are logged in that
 * user's private stream (store/event-log.ts).
 */
export interface PeopleStore extends OutboxStore {
  // ---- blocks ----
  /** Blocks (`blocked`) or unblocks; idempotent. True when it changed anything. */
  setBlock(blockerId: string, blockedId: string, blocked: boolean, now: number): Promise<boolean>;
  /** The users `blockerId` blocks, ordered by id; `afterId` continues after that id. */
  listBlockedUsers(blockerId: string, page: { limit: number; afterId?: string }): Promise<UserRecord[]>;
  /** Ids of every user each of `blockerIds` blocks; one who blocks nobody is left out. */
  blockedIds(blockerIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Ids of every user who blocks each of `blockedIds`; one nobody blocks is left out. */
  blockerIds(blockedIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Which of `candidates` block `userId`. */
  blockersAmong(userId: string, candidates: readonly string[]): Promise<string[]>;

  // ---- my settings of a conversation ----
  /**
   * Changes my own settings of a conversation and logs `announce(view)` in my private stream.
   * Undefined when I am not a member.
   */
  updateMemberSettings(
    conversationId: string,
    userId: string,
    change: SettingsChange,
    announce: Draft<ConversationListRow>,
  ): Promise<{ view: ConversationListRow; events: StoredEvent[] } | undefined>;
  /** My settings of a conversation; undefined when I am not a member. */
  getMemberSettings(conversationId: string, userId: string): Promise<MemberSettings | undefined>;
  /** Of these (conversation, member) pairs, those where the member muted the conversation (one read for many). */
  mutedAmong(pairs: readonly MemberKey[]): Promise<MemberKey[]>;

  // ---- notifications ----
  /**
   * Stores the notifications and logs `announce(notification)` in each recipient's private
   * stream, with their outbound deliveries (`outbox`), in one transaction.
   */
  createNotifications(
    notifications: readonly NotificationRecord[],
    announce: Draft<NotificationRecord>,
    outbox?: OutboxDraft,
  ): Promise<StoredEvent[]>;
  /** Newest first; `beforeId` continues after that one; `unread` keeps the unread ones only. */
  listNotifications(userId: string, page: { limit: number; beforeId?: string; unread?: boolean }): Promise<NotificationRecord[]>;
  /** Marks my notifications read (`ids`, or all when undefined); others' ids are ignored. */
  markNotificationsRead(userId: string, ids: readonly string[] | undefined, now: number): Promise<void>;
  countUnreadNotifications(userId: string): Promise<number>;
}

/** A member's own settings of a conversation. */
export interface MemberSettings {
  muted: boolean;
  /** Archived, and no message has arrived since. */
  archived: boolean;
  /** History up to this seq is cleared for this member. */
  clearedSeq: number;
}
export type ArchivedFilter = 'exclude' | 'include' | 'only';

/** A change to my settings; `clear` clears my history up to the conversation's last seq now. */
export interface SettingsChange {
  muted?: boolean;
  archived?: boolean;
  clear?: true;
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

export interface NotificationRecord {
  id: string;
  userId: string;
  kind: NotificationKind;
  conversationId: string;
  messageId: string | null;
  actorId: string;
  createdAt: number;
  readAt: number | null;
}

/** A member of a conversation. */
export interface MemberKey {
  conversationId: string;
  userId: string;
}
