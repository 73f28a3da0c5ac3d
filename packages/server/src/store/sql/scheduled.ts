import type { Selectable } from 'kysely';
import { appendEvents } from '../event-log.js';
import type { Database } from '../schema.js';
import { lockUserStreams, rowLocks } from '../stream-locks.js';
import type { Draft, NewScheduled, ScheduledEnd, ScheduledPageKey, ScheduledPatch, ScheduledRecord, StoredEvent } from '../store.js';
import type { Db } from './rows.js';

/**
 * Scheduled messages (issue 37). A user's changes and a schedule's end are logged in the user's
 * private stream, in the change's transaction: the row is written first, then the stream locked
 * (the order of saved messages, store/sql/saved.ts). Claims follow the notification outbox
 * (store/sql/outbox.ts): a token and a lease, so a node that dies mid-send leaves the row to another.
 */

type Row = Selectable<Database['scheduled_messages']>;

/** Logs one event in the user's private stream, in `trx`. */
async function logPrivate(trx: Db, userId: string, event: ReturnType<Draft<unknown>>, now: number): Promise<StoredEvent[]> {
  const lastPos = await lockUserStreams(trx, [userId]);
  return appendEvents(trx, lastPos, [{ conversationId: userId, private: true, event }], now);
}

export function createScheduled(
  db: Db,
  record: NewScheduled,
  announce: Draft<ScheduledRecord>,
): Promise<{ scheduled: ScheduledRecord; created: boolean; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('scheduled_messages')
      .values({
        id: record.id,
        user_id: record.userId,
        conversation_id: record.conversationId,
        client_id: record.clientId,
        body: record.body,
        reply_to_id: record.replyToId,
        thread_root_id: record.threadRootId,
        scheduled_at: record.scheduledAt,
        created_at: record.createdAt,
      })
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      // A repeat of this (user, clientId): the schedule stored the first time.
      const row = await trx
        .selectFrom('scheduled_messages')
        .selectAll()
        .where('user_id', '=', record.userId)
        .where('client_id', '=', record.clientId)
        .executeTakeFirstOrThrow();
      return { scheduled: toScheduled(row), created: false, events: [] };
    }
    const scheduled: ScheduledRecord = { ...record, status: 'pending', messageId: null, attempts: 0 };
    return { scheduled, created: true, events: await logPrivate(trx, record.userId, announce(scheduled), record.createdAt) };
  });
}

export async function getScheduled(db: Db, id: string): Promise<ScheduledRecord | undefined> {
  const row = await db.selectFrom('scheduled_messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toScheduled(row);
}

export async function listScheduled(db: Db, userId: string, page: { limit: number; after?: ScheduledPageKey }): Promise<ScheduledRecord[]> {
  let query = db.selectFrom('scheduled_messages').selectAll().where('user_id', '=', userId).where('status', '=', 'pending');
  const after = page.after;
  if (after !== undefined)
    query = query.where((eb) =>
      eb.or([eb('scheduled_at', '>', after.scheduledAt), eb.and([eb('scheduled_at', '=', after.scheduledAt), eb('id', '>', after.id)])]),
    );
  const rows = await query.orderBy('scheduled_at').orderBy('id').limit(page.limit).execute();
  return rows.map(toScheduled);
}

/** The pending row of `userId`, locked for the change (PostgreSQL, MySQL; SQLite's writer is alone), and whether a live claim holds it. */
async function ownPending(trx: Db, id: string, userId: string, now: number): Promise<{ row?: Row; busy: boolean }> {
  let query = trx
    .selectFrom('scheduled_messages')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'pending');
  if (rowLocks(trx)) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return { busy: false };
  return { row, busy: row.claimed_until !== null && Number(row.claimed_until) > now };
}

export function updateScheduled(
  db: Db,
  id: string,
  userId: string,
  patch: ScheduledPatch,
  now: number,
  announce: Draft<ScheduledRecord>,
): Promise<{ scheduled?: ScheduledRecord; busy: boolean; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const { row, busy } = await ownPending(trx, id, userId, now);
    if (!row || busy) return { busy, events: [] };
    await trx
      .updateTable('scheduled_messages')
      .set({
        ...(patch.body === undefined ? {} : { body: patch.body }),
        ...(patch.scheduledAt === undefined ? {} : { scheduled_at: patch.scheduledAt }),
      })
      .where('id', '=', id)
      .execute();
    const scheduled: ScheduledRecord = { ...toScheduled(row), ...patch };
    return { scheduled, busy, events: await logPrivate(trx, userId, announce(scheduled), now) };
  });
}

export function deleteScheduled(
  db: Db,
  id: string,
  userId: string,
  now: number,
  announce: Draft<ScheduledEnd>,
): Promise<{ deleted: boolean; busy: boolean; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const { row, busy } = await ownPending(trx, id, userId, now);
    if (!row || busy) return { deleted: false, busy, events: [] };
    await trx.deleteFrom('scheduled_messages').where('id', '=', id).execute();
    const end: ScheduledEnd = { id, userId, conversationId: row.conversation_id, reason: 'deleted', messageId: null, error: null };
    return { deleted: true, busy, events: await logPrivate(trx, userId, announce(end), now) };
  });
}

/**
 * In one transaction: pick the due rows, then take them (the two statements of
 * store/sql/outbox.ts's claimDeliveries, for the same reasons: SKIP LOCKED on PostgreSQL splits
 * concurrent claims, and the UPDATE re-checks each row so none is taken twice on any engine).
 */
export async function claimScheduled(
  db: Db,
  now: number,
  claim: { token: string; leaseMs: number; limit: number },
  skipLocked: boolean,
): Promise<ScheduledRecord[]> {
  const due = (from: Db) =>
    from
      .selectFrom('scheduled_messages')
      .select('id')
      .where('status', '=', 'pending')
      .where('scheduled_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]));
  // Every node polls often and mostly finds nothing: a plain read answers that without a write transaction.
  if ((await due(db).limit(1).executeTakeFirst()) === undefined) return [];
  return db.transaction().execute(async (trx) => {
    let pick = due(trx).orderBy('scheduled_at').orderBy('id').limit(claim.limit);
    if (skipLocked) pick = pick.forUpdate().skipLocked();
    const ids = (await pick.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await trx
      .updateTable('scheduled_messages')
      .set((eb) => ({ claimed_until: now + claim.leaseMs, claim_token: claim.token, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .returningAll()
      .execute();
    return rows.map(toScheduled).sort((a, b) => a.scheduledAt - b.scheduledAt || (a.id < b.id ? -1 : 1));
  });
}

export function finishScheduled(
  db: Db,
  end: ScheduledEnd,
  token: string,
  now: number,
  announce: Draft<ScheduledEnd>,
): Promise<{ finished: boolean; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('scheduled_messages')
      .set({ status: end.reason === 'sent' ? 'sent' : 'failed', message_id: end.messageId, claim_token: null, claimed_until: null })
      .where('id', '=', end.id)
      .where('status', '=', 'pending')
      .where('claim_token', '=', token)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return { finished: false, events: [] };
    return { finished: true, events: await logPrivate(trx, end.userId, announce(end), now) };
  });
}

export async function deferScheduled(db: Db, id: string, token: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('scheduled_messages')
    .set({ claimed_until: until })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function toScheduled(row: Row): ScheduledRecord {
  return {
    id: row.id,
    userId: row.user_id,
    conversationId: row.conversation_id,
    clientId: row.client_id,
    body: row.body,
    replyToId: row.reply_to_id,
    threadRootId: row.thread_root_id,
    scheduledAt: Number(row.scheduled_at),
    createdAt: Number(row.created_at),
    status: row.status,
    messageId: row.message_id,
    attempts: Number(row.attempts),
  };
}
