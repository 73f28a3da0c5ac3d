import type { Insertable, Selectable } from 'kysely';
import { newId } from '../../ids.js';
import type { Database } from '../schema.js';
import type { DeliveryRecord, NotificationRecord, OutboxDraft } from '../store.js';
import type { Db } from './rows.js';

/**
 * The outbox of outbound notifications (docs/decisions/0007-notification-outbox.md). Rows are
 * written in the transaction that stores their notifications, so a delivery exists exactly when
 * its notification does; a node delivers a row only while its claim (token and lease) holds it.
 */

/** The deliveries of `notifications`, in the caller's transaction: a webhook row each, a push row per subscription of the recipient. */
export async function insertOutboxRows(
  trx: Db,
  notifications: readonly NotificationRecord[],
  outbox: OutboxDraft | undefined,
): Promise<void> {
  if (!outbox || notifications.length === 0 || (!outbox.webhook && !outbox.push)) return;
  const endpoints = outbox.push
    ? await subscriptionsOf(trx, [...new Set(notifications.map((n) => n.userId))])
    : new Map<string, string[]>();
  const rows: Insertable<Database['notification_outbox']>[] = [];
  for (const n of notifications) {
    const targets = [...(outbox.webhook ? [null] : []), ...(endpoints.get(n.userId) ?? [])];
    if (targets.length === 0) continue;
    const payload = JSON.stringify(outbox.payload(n));
    for (const endpoint of targets) {
      rows.push({
        id: newId(),
        notification_id: n.id,
        channel: endpoint === null ? 'webhook' : 'push',
        user_id: n.userId,
        endpoint,
        payload,
        next_attempt_at: n.createdAt,
        created_at: n.createdAt,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('notification_outbox')
      .values(rows.slice(i, i + 500))
      .execute();
}

async function subscriptionsOf(trx: Db, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await trx
    .selectFrom('push_subscriptions')
    .select(['user_id', 'endpoint'])
    .where('user_id', 'in', userIds)
    .orderBy('endpoint')
    .execute();
  const byUser = new Map<string, string[]>();
  for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.endpoint]);
  return byUser;
}

/**
 * In one transaction: pick the due rows, then take them. With `skipLocked` (PostgreSQL) the pick
 * locks what it picks and passes over rows another node's claim is locking, so concurrent claims
 * split the work instead of queueing; the UPDATE re-checks each row, so a row claimed meanwhile is
 * never taken twice on any engine. (Two statements, not `UPDATE … WHERE id IN (SELECT … LIMIT n
 * FOR UPDATE SKIP LOCKED)`: PostgreSQL may run that sub-select again per row and take them all.)
 */
export async function claimDeliveries(
  db: Db,
  now: number,
  claim: { token: string; leaseMs: number; limit: number },
  skipLocked: boolean,
): Promise<DeliveryRecord[]> {
  const due = (from: Db) =>
    from
      .selectFrom('notification_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]));
  // A node is nudged after every batch of notifications, most of which have no delivery (no
  // webhook, no push subscription): a plain read answers those without a write transaction.
  if ((await due(db).limit(1).executeTakeFirst()) === undefined) return [];
  return db.transaction().execute(async (trx) => {
    let pick = due(trx).orderBy('next_attempt_at').orderBy('id').limit(claim.limit);
    if (skipLocked) pick = pick.forUpdate().skipLocked();
    const ids = (await pick.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await trx
      .updateTable('notification_outbox')
      .set((eb) => ({ claimed_until: now + claim.leaseMs, claim_token: claim.token, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .returningAll()
      .execute();
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : 1));
  });
}

export async function completeDeliveries(db: Db, ids: readonly string[], token: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('notification_outbox').where('id', 'in', ids).where('claim_token', '=', token).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function retryDelivery(db: Db, id: string, token: string, nextAttemptAt: number, error: string): Promise<boolean> {
  const result = await db
    .updateTable('notification_outbox')
    .set({ next_attempt_at: nextAttemptAt, claimed_until: null, claim_token: null, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function abandonDelivery(db: Db, id: string, token: string, error: string): Promise<boolean> {
  const result = await db
    .updateTable('notification_outbox')
    .set({ status: 'dead', claimed_until: null, claim_token: null, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listDeadDeliveries(db: Db, limit: number): Promise<DeliveryRecord[]> {
  const rows = await db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('status', '=', 'dead')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

export async function countPendingDeliveries(db: Db): Promise<number> {
  // The (status, next_attempt_at) index covers it: a scrape reads the index, not the rows.
  const row = await db
    .selectFrom('notification_outbox')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function toDelivery(row: Selectable<Database['notification_outbox']>): DeliveryRecord {
  return {
    id: row.id,
    notificationId: row.notification_id,
    channel: row.channel,
    userId: row.user_id,
    endpoint: row.endpoint,
    payload: row.payload,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
  };
}
