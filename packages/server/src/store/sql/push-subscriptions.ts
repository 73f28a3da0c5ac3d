import type { PushSubscriptionRecord } from '../store.js';
import type { Db } from './rows.js';

/** Web Push subscriptions (one per browser endpoint), and the keys a deployment generates once. */

export async function savePushSubscription(db: Db, s: PushSubscriptionRecord): Promise<void> {
  await db
    .insertInto('push_subscriptions')
    .values({ endpoint: s.endpoint, user_id: s.userId, p256dh: s.p256dh, auth: s.auth, created_at: s.createdAt })
    // An endpoint belongs to one browser profile: subscribing it again (another user signed in there) moves it.
    .onConflict((oc) => oc.column('endpoint').doUpdateSet({ user_id: s.userId, p256dh: s.p256dh, auth: s.auth, created_at: s.createdAt }))
    .execute();
}

export async function deletePushSubscription(db: Db, userId: string, endpoint: string): Promise<boolean> {
  const result = await db
    .deleteFrom('push_subscriptions')
    .where('endpoint', '=', endpoint)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Drops the user's subscriptions but the newest `keep` (by when subscribed); how many were dropped. Issue 35: a cap per user. */
export async function trimPushSubscriptions(db: Db, userId: string, keep: number): Promise<number> {
  const result = await db
    .deleteFrom('push_subscriptions')
    .where('user_id', '=', userId)
    .where('endpoint', 'not in', (q) =>
      q
        .selectFrom('push_subscriptions')
        .select('endpoint')
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('endpoint', 'desc')
        .limit(keep),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function dropPushSubscription(db: Db, endpoint: string): Promise<void> {
  await db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).execute();
}

export async function getPushSubscription(db: Db, endpoint: string): Promise<PushSubscriptionRecord | undefined> {
  const row = await db.selectFrom('push_subscriptions').selectAll().where('endpoint', '=', endpoint).executeTakeFirst();
  return row && { endpoint: row.endpoint, userId: row.user_id, p256dh: row.p256dh, auth: row.auth, createdAt: Number(row.created_at) };
}

export async function keepServerKey(db: Db, name: string, value: string, now: number): Promise<string> {
  await db
    .insertInto('server_keys')
    .values({ name, value, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_keys').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
