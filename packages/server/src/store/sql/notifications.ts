import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { type LogEntry, appendEvents } from '../event-log.js';
import { lockUserStreams } from '../stream-locks.js';
import type { NotificationRecord } from '../notifications/notification-store.js';
import type { Draft, OutboxDraft, StoredEvent } from '../store.js';
import { insertBulk } from './hot-statements.js';
import { insertOutboxRows } from './outbox.js';
import type { Db } from './rows.js';

/** Notifications, each logged as an event in its recipient's private stream. */

export function createNotifications(
  db: Db,
  notifications: readonly NotificationRecord[],
  announce: Draft<NotificationRecord>,
  outbox?: OutboxDraft,
): Promise<StoredEvent[]> {
  if (notifications.length === 0) return Promise.resolve([]);
  return db.transaction().execute(async (trx) => {
    const streams = await lockUserStreams(
      trx,
      notifications.map((n) => n.userId),
    );
    await insertNotificationRows(trx, notifications, outbox);
    return appendEvents(trx, streams, notificationEntries(notifications, announce), notifications[0]!.createdAt);
  });
}

/**
 * The rows alone (with their outbound deliveries), for a transaction that logs them with its own events: it locks the recipients'
 * streams (`lockUserStreams`) after its conversation rows and before the head, and appends
 * `notificationEntries` with its own entries.
 */
export async function insertNotificationRows(
  trx: Db,
  notifications: readonly NotificationRecord[],
  outbox: OutboxDraft | undefined,
): Promise<void> {
  await insertBulk(
    trx,
    'notifications',
    notifications.map((n) => ({
      id: n.id,
      user_id: n.userId,
      kind: n.kind,
      conversation_id: n.conversationId,
      message_id: n.messageId,
      actor_id: n.actorId,
      created_at: n.createdAt,
      read_at: n.readAt,
    })),
  );
  await insertOutboxRows(trx, notifications, outbox);
}

export function notificationEntries(notifications: readonly NotificationRecord[], announce: Draft<NotificationRecord>): LogEntry[] {
  return notifications.map((n) => ({ conversationId: n.userId, private: true, event: announce(n) }));
}

export async function listNotifications(
  db: Db,
  userId: string,
  page: { limit: number; beforeId?: string; unread?: boolean },
): Promise<NotificationRecord[]> {
  let query = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (page.unread) query = query.where('read_at', 'is', null);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map(toNotification);
}

export async function markNotificationsRead(db: Db, userId: string, ids: readonly string[] | undefined, now: number): Promise<void> {
  let query = db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== undefined) query = query.where('id', 'in', ids);
  await query.execute();
}

export async function countUnreadNotifications(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function toNotification(row: Selectable<Database['notifications']>): NotificationRecord {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    actorId: row.actor_id,
    createdAt: Number(row.created_at),
    readAt: row.read_at === null ? null : Number(row.read_at),
  };
}
