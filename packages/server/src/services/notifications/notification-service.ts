import type {
  MarkNotificationsReadBody,
  NotificationKind,
  NotificationPage,
  NotificationQuery,
  UnreadNotifications,
} from '@confab/protocol';
import DataLoader from 'dataloader';
import { newId } from '../../ids.js';
import type { BlockService } from '../conversations/block-service.js';
import type { NotificationRecord, NotifyDraft, OutboxDraft, Store } from '../../store/store.js';
import type { MessageActivity, MessageActivityKind } from '../messaging/message-activity.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import { notificationCreated, outboundNotification } from '../events/event-drafts.js';
import { notificationView } from '../views.js';

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
  /**
   * Whether a member muted a conversation, read for all the actions of one turn of the event loop
   * at once (one query, not one per recipient); never cached, so a mute counts from the next turn.
   */
  private readonly muted: DataLoader<string, boolean>;
  /** Each notification's outbound deliveries, stored with it: the webhook when one is set, a push per subscription. */
  private readonly outbox: OutboxDraft;

  constructor(
    private readonly store: Store,
    /** Where the message hook's notifications are committed: with the next batch of sends (MessageService). */
    private readonly writer: NotificationWriter,
    /** Who blocks whom, from the node's cache (kept true by `block.updated`). */
    private readonly blocks: Pick<BlockService, 'blockersOf'>,
    outbound: { webhook: boolean } = { webhook: false },
  ) {
    this.outbox = { webhook: outbound.webhook, push: true, payload: outboundNotification };
    this.muted = new DataLoader(
      async (keys) => {
        const pairs = keys.map((key) => {
          const [conversationId, userId] = key.split(KEY_SEPARATOR) as [string, string];
          return { conversationId, userId };
        });
        const muted = new Set((await this.store.members.mutedAmong(pairs)).map((p) => memberKey(p.conversationId, p.userId)));
        return keys.map((key) => muted.has(key));
      },
      { cache: false, batchScheduleFn: (run) => setImmediate(run) },
    );
  }

  async list(userId: string, query: NotificationQuery): Promise<NotificationPage> {
    const limit = query.limit ?? 20;
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CursorFields.id);
    const rows = await this.store.notifications.listNotifications(userId, {
      limit: limit + 1,
      ...(beforeId === undefined ? {} : { beforeId }),
      ...(query.unread ? { unread: true } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(notificationView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
      unreadCount: await this.store.notifications.countUnreadNotifications(userId),
    };
  }

  async markRead(userId: string, body: MarkNotificationsReadBody): Promise<UnreadNotifications> {
    await this.store.notifications.markNotificationsRead(userId, body.all ? undefined : body.ids, Date.now());
    return { unreadCount: await this.store.notifications.countUnreadNotifications(userId) };
  }

  /**
   * The notifications a change makes, with the rules applied, for the store to write in the
   * change's own transaction (undefined when nobody is to be notified).
   */
  async draft(cause: NotificationCause, candidates: readonly NotificationCandidate[]): Promise<NotifyDraft | undefined> {
    const records = await this.records(cause, candidates);
    return records.length === 0 ? undefined : { notifications: records, announce: notificationCreated, outbox: this.outbox };
  }

  // ---- the message hook: the activity feed (services/messaging/message-activity.ts) after each action commits ----

  /**
   * Mentions, replies, thread replies and reactions, as the message service and lifecycle report
   * them: one notification per user per message, a mention first. They are stored and published
   * with the next batch of sends (one commit for many actions' notifications, not one each).
   */
  async fromActivities(activities: readonly MessageActivity[]): Promise<void> {
    const byMessage = new Map<string, MessageActivity[]>();
    for (const activity of activities) {
      const key = `${activity.messageId}:${activity.actorId}`;
      byMessage.set(key, [...(byMessage.get(key) ?? []), activity]);
    }
    const records: NotificationRecord[] = [];
    for (const group of byMessage.values()) {
      const ordered = [...group].sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
      const { actorId, conversationId, messageId } = ordered[0]!;
      const candidates = ordered.flatMap((a) => a.userIds.map((userId) => ({ userId, kind: a.kind })));
      records.push(...(await this.records({ actorId, conversationId, messageId }, candidates)));
    }
    await this.writer.submitNotifications(records, this.outbox);
  }

  private async records(cause: NotificationCause, candidates: readonly NotificationCandidate[]): Promise<NotificationRecord[]> {
    // One per user: the first candidate wins (callers list a mention before a reply).
    const byUser = new Map<string, NotificationKind>();
    for (const { userId, kind } of candidates) if (userId !== cause.actorId && !byUser.has(userId)) byUser.set(userId, kind);
    if (byUser.size === 0) return [];
    const blockers = await this.blocks.blockersOf(cause.actorId, byUser.keys());
    const kept = [...byUser].filter(([userId]) => !blockers.has(userId));
    const muted = await Promise.all(
      kept.map(([userId, kind]) =>
        kind === 'mention' || kind === 'added_to_conversation' ? false : this.muted.load(memberKey(cause.conversationId, userId)),
      ),
    );
    const now = Date.now();
    return kept
      .filter((_, i) => !muted[i])
      .map(([userId, kind]) => ({ id: newId(), userId, kind, ...cause, createdAt: now, readAt: null }));
  }
}

/** Commits notifications and publishes their events (MessageService, with its next batch). */
export interface NotificationWriter {
  submitNotifications(notifications: readonly NotificationRecord[], outbox: OutboxDraft): Promise<void>;
}

const KEY_SEPARATOR = '\u0000';
const memberKey = (conversationId: string, userId: string) => `${conversationId}${KEY_SEPARATOR}${userId}`;
/** When one message concerns a user several ways, the first of these is what they are told. */
const PRIORITY: readonly MessageActivityKind[] = ['mention', 'reply', 'thread_reply', 'reaction'];
