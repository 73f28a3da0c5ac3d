import type {
  MarkNotificationsReadBody,
  NotificationKind,
  NotificationPage,
  NotificationQuery,
  UnreadNotifications,
} from '@confab/protocol';
import { newId } from '../ids.js';
import type { NotificationRecord, NotifyDraft, OutboxDraft, Store } from '../store/store.js';
import type { MessageActivity, MessageActivityKind } from './message-activity.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { EventPublisher } from './event-publisher.js';
import { notificationCreated, outboundNotification } from './event-drafts.js';
import { notificationView } from './views.js';

/** Whom something concerns, and how: a candidate notification before the rules apply. */
export interface NotificationCandidate {
  userId: string;
  kind: NotificationKind;
}

/** What happened: who did it, where, about which message. */
export interface NotificationCause {
  actorId: string;
  conversationId: string;
  messageId: string | null;
}

/**
 * Notifications: my list, marking read, and the rules for who is notified of what. Each
 * notification is a `notification.created` in its recipient's private stream (to their devices
 * only, replayed on resume). Never about one's own action; not from a user the recipient blocks;
 * in a conversation the recipient muted, only mentions.
 */
export class NotificationService {
  /** Each notification's outbound deliveries, stored with it: the webhook when one is set, a push per subscription. */
  private readonly outbox: OutboxDraft;

  constructor(
    private readonly store: Store,
    private readonly events: EventPublisher,
    outbound: { webhook: boolean } = { webhook: false },
  ) {
    this.outbox = { webhook: outbound.webhook, push: true, payload: outboundNotification };
  }

  async list(userId: string, query: NotificationQuery): Promise<NotificationPage> {
    const limit = query.limit ?? 20;
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isString);
    const rows = await this.store.listNotifications(userId, {
      limit: limit + 1,
      ...(beforeId === undefined ? {} : { beforeId }),
      ...(query.unread ? { unread: true } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(notificationView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
      unreadCount: await this.store.countUnreadNotifications(userId),
    };
  }

  async markRead(userId: string, body: MarkNotificationsReadBody): Promise<UnreadNotifications> {
    await this.store.markNotificationsRead(userId, body.all ? undefined : body.ids, Date.now());
    return { unreadCount: await this.store.countUnreadNotifications(userId) };
  }

  /**
   * The notifications a change makes, with the rules applied, for the store to write in the
   * change's own transaction (undefined when nobody is to be notified).
   */
  async draft(cause: NotificationCause, candidates: readonly NotificationCandidate[]): Promise<NotifyDraft | undefined> {
    const records = await this.records(cause, candidates);
    return records.length === 0 ? undefined : { notifications: records, announce: notificationCreated, outbox: this.outbox };
  }

  /** Stores and publishes the notifications of a change already committed (a send, a reaction). */
  async notify(cause: NotificationCause, candidates: readonly NotificationCandidate[]): Promise<void> {
    const records = await this.records(cause, candidates);
    if (records.length === 0) return;
    await this.events.publish(await this.store.createNotifications(records, notificationCreated, this.outbox));
  }

  // ---- the message hook: the activity feed (services/message-activity.ts) after each action commits ----

  /**
   * Mentions, replies, thread replies and reactions, as the message service and lifecycle report
   * them: one notification per user per message, a mention first.
   */
  async fromActivities(activities: readonly MessageActivity[]): Promise<void> {
    const byMessage = new Map<string, MessageActivity[]>();
    for (const activity of activities) {
      const key = `${activity.messageId}:${activity.actorId}`;
      byMessage.set(key, [...(byMessage.get(key) ?? []), activity]);
    }
    for (const group of byMessage.values()) {
      const ordered = [...group].sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
      const { actorId, conversationId, messageId } = ordered[0]!;
      await this.notify(
        { actorId, conversationId, messageId },
        ordered.flatMap((a) => a.userIds.map((userId) => ({ userId, kind: a.kind }))),
      );
    }
  }

  private async records(cause: NotificationCause, candidates: readonly NotificationCandidate[]): Promise<NotificationRecord[]> {
    // One per user: the first candidate wins (callers list a mention before a reply).
    const byUser = new Map<string, NotificationKind>();
    for (const { userId, kind } of candidates) if (userId !== cause.actorId && !byUser.has(userId)) byUser.set(userId, kind);
    if (byUser.size === 0) return [];
    const blockers = new Set(await this.store.blockersAmong(cause.actorId, [...byUser.keys()]));
    const now = Date.now();
    const records: NotificationRecord[] = [];
    for (const [userId, kind] of byUser) {
      if (blockers.has(userId)) continue;
      if (
        kind !== 'mention' &&
        kind !== 'added_to_conversation' &&
        (await this.store.getMemberSettings(cause.conversationId, userId))?.muted
      )
        continue;
      records.push({ id: newId(), userId, kind, ...cause, createdAt: now, readAt: null });
    }
    return records;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
/** When one message concerns a user several ways, the first of these is what they are told. */
const PRIORITY: readonly MessageActivityKind[] = ['mention', 'reply', 'thread_reply', 'reaction'];
