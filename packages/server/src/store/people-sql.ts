import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type {
  ConversationListRow,
  MemberKey,
  Draft,
  MemberSettings,
  NotificationRecord,
  PeopleStore,
  SettingsChange,
  StoredEvent,
  UserRecord,
} from './store.js';
import * as blocks from './sql/blocks.js';
import * as memberSettings from './sql/member-settings.js';
import * as notifications from './sql/notifications.js';

/** The people side of the SQL store (store/people-store.ts), which SqlStore extends: one delegation per method. */
export class PeopleSql implements PeopleStore {
  constructor(protected readonly db: Kysely<Database>) {}

  // ---- blocks (sql/blocks.ts) ----

  setBlock(blockerId: string, blockedId: string, blocked: boolean, now: number): Promise<boolean> {
    return blocks.setBlock(this.db, blockerId, blockedId, blocked, now);
  }
  listBlockedUsers(blockerId: string, page: { limit: number; afterId?: string }): Promise<UserRecord[]> {
    return blocks.listBlockedUsers(this.db, blockerId, page);
  }
  blockedIds(blockerId: string): Promise<string[]> {
    return blocks.blockedIds(this.db, blockerId);
  }
  blockersAmong(userId: string, candidates: readonly string[]): Promise<string[]> {
    return blocks.blockersAmong(this.db, userId, candidates);
  }

  // ---- my settings of a conversation (sql/member-settings.ts) ----

  updateMemberSettings(
    conversationId: string,
    userId: string,
    change: SettingsChange,
    announce: Draft<ConversationListRow>,
  ): Promise<{ view: ConversationListRow; events: StoredEvent[] } | undefined> {
    return memberSettings.updateMemberSettings(this.db, conversationId, userId, change, announce);
  }
  getMemberSettings(conversationId: string, userId: string): Promise<MemberSettings | undefined> {
    return memberSettings.getMemberSettings(this.db, conversationId, userId);
  }
  mutedAmong(pairs: readonly MemberKey[]): Promise<MemberKey[]> {
    return memberSettings.mutedAmong(this.db, pairs);
  }
  // ---- notifications (sql/notifications.ts) ----

  createNotifications(list: readonly NotificationRecord[], announce: Draft<NotificationRecord>): Promise<StoredEvent[]> {
    return notifications.createNotifications(this.db, list, announce);
  }
  listNotifications(userId: string, page: { limit: number; beforeId?: string; unread?: boolean }): Promise<NotificationRecord[]> {
    return notifications.listNotifications(this.db, userId, page);
  }
  markNotificationsRead(userId: string, ids: readonly string[] | undefined, now: number): Promise<void> {
    return notifications.markNotificationsRead(this.db, userId, ids, now);
  }
  countUnreadNotifications(userId: string): Promise<number> {
    return notifications.countUnreadNotifications(this.db, userId);
  }
}
