import type { NotificationKind } from '@confab/protocol';
import type { Draft, OutboxDraft, StoredEvent } from '../store.js';

/**
 * `store.notifications`: notifications (issue 10), each logged in its recipient's private stream
 * with its outbound deliveries. Its conformance section is beside it
 * (notifications/*.conformance.ts).
 */
export interface NotificationStore {
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
