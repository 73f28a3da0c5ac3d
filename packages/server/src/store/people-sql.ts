import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type {
  ConversationListRow,
  MemberKey,
  DeliveryRecord,
  OutboxDraft,
  PushSubscriptionRecord,
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
import * as outbox from './sql/outbox.js';
import * as push from './sql/push-subscriptions.js';

/** The people side of the SQL store (store/people-store.ts), which SqlStore extends: one delegation per method. */
export class PeopleSql implements PeopleStore {
  /** `skipLocked`: the engine has SELECT … FOR UPDATE SKIP LOCKED (outbox claims by several nodes pass over each other's rows). */
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly skipLocked = false,
  ) {}

  // ---- blocks (sql/blocks.ts) ----

  setBlock(blockerId: string, blockedId: string, blocked: boolean, now: number): Promise<boolean> {
    return blocks.setBlock(this.db, blockerId, blockedId, blocked, now);
  }
  listBlockedUsers(blockerId: string, page: { limit: number; afterId?: string }): Promise<UserRecord[]> {
    return blocks.listBlockedUsers(this.db, blockerId, page);
  }
  blockedIds(blockerIds: readonly string[]): Promise<Map<string, string[]>> {
    return blocks.blockedIds(this.db, blockerIds);
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

  createNotifications(
    list: readonly NotificationRecord[],
    announce: Draft<NotificationRecord>,
    deliveries?: OutboxDraft,
  ): Promise<StoredEvent[]> {
    return notifications.createNotifications(this.db, list, announce, deliveries);
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

  // ---- the outbox (sql/outbox.ts), push subscriptions and server keys (sql/push-subscriptions.ts) ----

  claimDeliveries(now: number, claim: { token: string; leaseMs: number; limit: number }): Promise<DeliveryRecord[]> {
    return outbox.claimDeliveries(this.db, now, claim, this.skipLocked);
  }
  completeDeliveries(ids: readonly string[], token: string): Promise<number> {
    return outbox.completeDeliveries(this.db, ids, token);
  }
  retryDelivery(id: string, token: string, nextAttemptAt: number, error: string): Promise<boolean> {
    return outbox.retryDelivery(this.db, id, token, nextAttemptAt, error);
  }
  abandonDelivery(id: string, token: string, error: string): Promise<boolean> {
    return outbox.abandonDelivery(this.db, id, token, error);
  }
  listDeadDeliveries(limit: number): Promise<DeliveryRecord[]> {
    return outbox.listDeadDeliveries(this.db, limit);
  }
  countPendingDeliveries(): Promise<number> {
    return outbox.countPendingDeliveries(this.db);
  }
  savePushSubscription(subscription: PushSubscriptionRecord): Promise<void> {
    return push.savePushSubscription(this.db, subscription);
  }
  deletePushSubscription(userId: string, endpoint: string): Promise<boolean> {
    return push.deletePushSubscription(this.db, userId, endpoint);
  }
  // Issue 35: the cap on push subscriptions per user.
  trimPushSubscriptions(userId: string, keep: number): Promise<number> {
    return push.trimPushSubscriptions(this.db, userId, keep);
  }
  dropPushSubscription(endpoint: string): Promise<void> {
    return push.dropPushSubscription(this.db, endpoint);
  }
  getPushSubscription(endpoint: string): Promise<PushSubscriptionRecord | undefined> {
    return push.getPushSubscription(this.db, endpoint);
  }
  keepServerKey(name: string, value: string, now: number): Promise<string> {
    return push.keepServerKey(this.db, name, value, now);
  }
}
