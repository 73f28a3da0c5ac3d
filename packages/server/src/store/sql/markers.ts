import { appendEvents } from '../event-log.js';
import type { Draft, ReadMarkerRecord, ReceiptRecord, StoredEvent } from '../store.js';
import type { Db } from './rows.js';
import { isUnreadFor } from './unread.js';

/** Read and delivery markers, receipts and unread counts. */

export function advanceReadMarker(
  db: Db,
  conversationId: string,
  userId: string,
  seq: number,
  announce: Draft<ReadMarkerRecord>,
): Promise<ReadMarkerRecord & { events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    // The conversation row first (lock order: conversations, then the log's head).
    const conversation = await trx
      .updateTable('conversations')
      .set((eb) => ({ last_pos: eb.ref('last_pos') }))
      .where('id', '=', conversationId)
      .returning(['last_seq', 'last_pos'])
      .executeTakeFirstOrThrow();
    const target = Math.min(seq, Number(conversation.last_seq));
    const moved = await trx
      .updateTable('members')
      .set({ read_seq: target })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('read_seq', '<', target)
      .executeTakeFirst();
    const member = await trx
      .selectFrom('members')
      .select('read_seq')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const readSeq = Number(member.read_seq);
    const unreadCount = await countUnreadIn(trx, conversationId, userId);
    const mentionCount = await countMentionsIn(trx, conversationId, userId);
    if (Number(moved.numUpdatedRows) === 0) return { readSeq, unreadCount, mentionCount, events: [] };
    const events = await appendEvents(
      trx,
      new Map([[conversationId, Number(conversation.last_pos)]]),
      [{ conversationId, event: announce({ readSeq, unreadCount, mentionCount }) }],
      Date.now(),
    );
    return { readSeq, unreadCount, mentionCount, events };
  });
}

export function advanceDeliveredMarker(
  db: Db,
  conversationId: string,
  userId: string,
  seq: number,
): Promise<{ deliveredSeq: number; moved: boolean }> {
  return db.transaction().execute(async (trx) => {
    const conversation = await trx
      .selectFrom('conversations')
      .select('last_seq')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    const target = Math.min(seq, Number(conversation.last_seq));
    const moved = await trx
      .updateTable('members')
      .set({ delivered_seq: target })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('delivered_seq', '<', target)
      .executeTakeFirst();
    const member = await trx
      .selectFrom('members')
      .select('delivered_seq')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return { deliveredSeq: Number(member.delivered_seq), moved: Number(moved.numUpdatedRows) > 0 };
  });
}

export async function listReceipts(db: Db, conversationId: string): Promise<ReceiptRecord[]> {
  const rows = await db
    .selectFrom('members')
    .select(['user_id', 'read_seq', 'delivered_seq'])
    .where('conversation_id', '=', conversationId)
    .orderBy('user_id')
    .execute();
  // What a member has read has reached one of their devices.
  return rows.map((r) => ({
    userId: r.user_id,
    readSeq: Number(r.read_seq),
    deliveredSeq: Math.max(Number(r.delivered_seq), Number(r.read_seq)),
  }));
}

/**
 * Unread messages across all the user's conversations (sql/unread.ts says which count), counted
 * per membership and summed: each count walks one conversation's index range from my read marker.
 * A join of messages to my memberships was planned by PostgreSQL as a scan of every message
 * (issue 41: 248 ms a list page at 1,000,000 messages); MariaDB has no LATERAL, hence the
 * correlated subquery.
 */
export async function countUnreadTotal(db: Db, userId: string): Promise<number> {
  const perMembership = db
    .selectFrom('members as me')
    .select((eb) =>
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.conversation_id', '=', 'me.conversation_id')
        .where((e) => isUnreadFor(e, userId))
        .as('n'),
    )
    .where('me.user_id', '=', userId)
    // Only where something came after my markers: the conversation's last seq is its newest
    // message's. Each count probes the messages index, ~4 pages a membership: at 2,000
    // conversations, nearly all read, that was 9,400 buffers and ~31 ms on PostgreSQL (issue 41).
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversations as c')
          .select('c.id')
          .whereRef('c.id', '=', 'me.conversation_id')
          .whereRef('c.last_seq', '>', 'me.read_seq')
          .whereRef('c.last_seq', '>', 'me.cleared_seq'),
      ),
    )
    .as('t');
  const row = await db
    .selectFrom(perMembership)
    .select((eb) => eb.fn.sum<number | string | null>('t.n').as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}

async function countUnreadIn(db: Db, conversationId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.conversation_id', '=', conversationId)
    .where((eb) => isUnreadFor(eb, userId))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countMentionsIn(db: Db, conversationId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('message_mentions as mm')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'mm.conversation_id').on('me.user_id', '=', userId))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mm.conversation_id', '=', conversationId)
    .where('mm.user_id', '=', userId)
    .whereRef('mm.seq', '>', 'me.read_seq')
    .whereRef('mm.seq', '>', 'me.cleared_seq')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
