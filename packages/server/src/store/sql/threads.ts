import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';
import { appendEvents } from '../event-log.js';
import { lockUserStreams } from '../stream-locks.js';
import type { Draft, MessageRecord, StoredEvent, ThreadListRow, ThreadStateRecord } from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, toMessage } from './rows.js';

/**
 * Each user's own state of a thread (issue 35 item 2): how far they have read its replies and
 * whether they follow it. Lock order: a `thread_reads` row before the user's private stream (the
 * append writes the rows while it holds the conversations, then locks the streams it notifies).
 */

/**
 * The append's step for thread replies, one statement per batch that has any: the replier
 * follows the thread again and has read up to their reply; the root's author and everyone the
 * reply mentions follow it from then on unless they have a row already (an unfollow stands).
 */
export async function followRepliedThreads(trx: Db, created: readonly MessageRecord[], roots: readonly MessageRecord[]): Promise<void> {
  const authorOf = new Map(roots.map((r) => [r.id, r.senderId]));
  const rows = new Map<string, { root_id: string; user_id: string; conversation_id: string; following: number; read_seq: number }>();
  const add = (rootId: string, userId: string, conversationId: string, readSeq: number) => {
    const key = `${rootId}\u0000${userId}`;
    const had = rows.get(key);
    if (!had || had.read_seq < readSeq)
      rows.set(key, { root_id: rootId, user_id: userId, conversation_id: conversationId, following: 1, read_seq: readSeq });
  };
  for (const m of created) {
    if (m.threadRootId === null) continue;
    const author = authorOf.get(m.threadRootId);
    if (author !== undefined) add(m.threadRootId, author, m.conversationId, 0);
    for (const userId of m.mentions) add(m.threadRootId, userId, m.conversationId, 0);
  }
  // The repliers last, so their own read position wins over the zero of a mention or authorship.
  for (const m of created) if (m.threadRootId !== null) add(m.threadRootId, m.senderId, m.conversationId, m.seq);
  const values = [...rows.values()].sort((a, b) => (a.root_id + a.user_id < b.root_id + b.user_id ? -1 : 1));
  for (let i = 0; i < values.length; i += 300) {
    await trx
      .insertInto('thread_reads')
      .values(values.slice(i, i + 300))
      .onConflict((oc) =>
        oc.columns(['root_id', 'user_id']).doUpdateSet((eb) => ({
          // A replier's row (read_seq > 0) follows again; the others keep what they chose.
          following: eb.case().when('excluded.read_seq', '>', 0).then(1).else(eb.ref('thread_reads.following')).end(),
          read_seq: eb
            .case()
            .when('excluded.read_seq', '>', eb.ref('thread_reads.read_seq'))
            .then(eb.ref('excluded.read_seq'))
            .else(eb.ref('thread_reads.read_seq'))
            .end(),
        })),
      )
      .execute();
  }
}

/**
 * Moves my read position in a thread up to `seq` (at most its newest reply; never back) and logs
 * the change in my private stream. No event when it did not move.
 */
export function markThreadRead(
  db: Db,
  root: MessageRecord,
  userId: string,
  seq: number,
  announce: Draft<ThreadStateRecord>,
): Promise<ThreadStateRecord & { events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const newest = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('thread_root_id', '=', root.id)
      .executeTakeFirst();
    const target = Math.min(seq, Number(newest?.seq ?? 0));
    const before = await stateRow(trx, root.id, userId);
    let moved = false;
    if (target > Number(before?.read_seq ?? 0)) {
      await trx
        .insertInto('thread_reads')
        .values({ root_id: root.id, user_id: userId, conversation_id: root.conversationId, following: 0, read_seq: target })
        .onConflict((oc) =>
          oc.columns(['root_id', 'user_id']).doUpdateSet((eb) => ({
            read_seq: eb
              .case()
              .when('excluded.read_seq', '>', eb.ref('thread_reads.read_seq'))
              .then(eb.ref('excluded.read_seq'))
              .else(eb.ref('thread_reads.read_seq'))
              .end(),
          })),
        )
        .execute();
      moved = true;
    }
    return announceState(trx, root, userId, moved, announce);
  });
}

/** Follows or unfollows a thread; logs the change in my private stream when it recorded anything new. */
export function setThreadFollowing(
  db: Db,
  root: MessageRecord,
  userId: string,
  following: boolean,
  announce: Draft<ThreadStateRecord>,
): Promise<ThreadStateRecord & { events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const before = await stateRow(trx, root.id, userId);
    // Without a row the choice is recorded too: an unfollow before the first reply stands against
    // the auto-follow of the root's author.
    const changed = before === undefined || (Number(before.following) === 1) !== following;
    if (changed) {
      await trx
        .insertInto('thread_reads')
        .values({ root_id: root.id, user_id: userId, conversation_id: root.conversationId, following: following ? 1 : 0, read_seq: 0 })
        .onConflict((oc) => oc.columns(['root_id', 'user_id']).doUpdateSet({ following: following ? 1 : 0 }))
        .execute();
    }
    return announceState(trx, root, userId, changed, announce);
  });
}

/** My state of one thread, as the thread calls answer it. */
export async function getThreadState(db: Db, root: MessageRecord, userId: string): Promise<ThreadStateRecord> {
  const row = await stateRow(db, root.id, userId);
  return {
    conversationId: root.conversationId,
    rootId: root.id,
    following: Number(row?.following ?? 0) === 1,
    readSeq: Number(row?.read_seq ?? 0),
    unreadCount: await countThreadUnread(db, root.id, userId, Number(row?.read_seq ?? 0)),
    unreadThreads: await countUnreadThreads(db, root.conversationId, userId),
  };
}

async function announceState(
  trx: Db,
  root: MessageRecord,
  userId: string,
  changed: boolean,
  announce: Draft<ThreadStateRecord>,
): Promise<ThreadStateRecord & { events: StoredEvent[] }> {
  const state = await getThreadState(trx, root, userId);
  if (!changed) return { ...state, events: [] };
  // The event goes to my private stream alone: locked after the thread row (the append's order).
  const lastPos = await lockUserStreams(trx, [userId]);
  const events = await appendEvents(trx, lastPos, [{ conversationId: userId, private: true, event: announce(state) }], Date.now());
  return { ...state, events };
}

function stateRow(db: Db, rootId: string, userId: string) {
  return db
    .selectFrom('thread_reads')
    .select(['following', 'read_seq'])
    .where('root_id', '=', rootId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

async function countThreadUnread(db: Db, rootId: string, userId: string, readSeq: number): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('thread_root_id', '=', rootId)
    .where('seq', '>', readSeq)
    .where('sender_id', '<>', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Who a new reply in the thread concerns (its `thread_reply` notification): the root's author,
 * every replier and everyone who follows it, less whoever unfollowed it.
 */
export async function threadAudience(db: Db, root: MessageRecord): Promise<string[]> {
  const [repliers, states] = await Promise.all([
    db.selectFrom('messages').select('sender_id').distinct().where('thread_root_id', '=', root.id).execute(),
    db.selectFrom('thread_reads').select(['user_id', 'following']).where('root_id', '=', root.id).execute(),
  ]);
  const audience = new Set([root.senderId, ...repliers.map((r) => r.sender_id)]);
  for (const s of states) {
    if (Number(s.following) === 1) audience.add(s.user_id);
    else audience.delete(s.user_id);
  }
  return [...audience].sort();
}

/** How many threads of the conversation I follow have replies from others I have not read. */
export async function countUnreadThreads(db: Db, conversationId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('thread_reads as t')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('t.user_id', '=', userId)
    .where('t.conversation_id', '=', conversationId)
    .where('t.following', '=', 1)
    .where((eb) => hasUnreadReply(eb, userId))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** For the conversation list's subquery: a followed thread row `t` with a reply from someone else after its read position. */
export function hasUnreadReply(eb: ExpressionBuilder<Database & { t: Database['thread_reads'] }, 't'>, userId: string) {
  return eb.exists(
    eb
      .selectFrom('messages as r')
      .select(sql<number>`1`.as('one'))
      .whereRef('r.thread_root_id', '=', 't.root_id')
      .whereRef('r.seq', '>', 't.read_seq')
      .where('r.sender_id', '<>', userId),
  );
}

/**
 * The conversation's threads (roots with at least one reply), newest reply first, with my state
 * of each; `followed` keeps the ones I follow. Keyset pagination on (last reply time, root id).
 */
export async function listThreads(
  db: Db,
  conversationId: string,
  userId: string,
  page: { limit: number; followed: boolean; after?: { lastReplyAt: number; id: string } },
): Promise<ThreadListRow[]> {
  let query = db
    .selectFrom('messages as m')
    .leftJoin('thread_reads as t', (join) => join.onRef('t.root_id', '=', 'm.id').on('t.user_id', '=', userId))
    .selectAll('m')
    .select(['t.following as my_following', 't.read_seq as my_read_seq'])
    .select((eb) =>
      eb
        .selectFrom('messages as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.thread_root_id', '=', 'm.id')
        .where('r.seq', '>', eb.fn.coalesce('t.read_seq', sql<number>`0`))
        .where('r.sender_id', '<>', userId)
        .as('unread_count'),
    )
    .where('m.conversation_id', '=', conversationId)
    .where('m.last_reply_at', 'is not', null); // a root with a reply (index messages_thread_roots)
  if (page.followed) query = query.where('t.following', '=', 1);
  if (page.after) {
    const { lastReplyAt, id } = page.after;
    query = query.where((eb) =>
      eb.or([eb('m.last_reply_at', '<', lastReplyAt), eb.and([eb('m.last_reply_at', '=', lastReplyAt), eb('m.id', '<', id)])]),
    );
  }
  const rows = await query.orderBy('m.last_reply_at', 'desc').orderBy('m.id', 'desc').limit(page.limit).execute();
  const roots = await withQuotes(
    db,
    rows.map((r) => toMessage(r)),
  );
  return rows.map((r, i) => ({
    root: roots[i]!,
    following: Number(r.my_following ?? 0) === 1,
    readSeq: Number(r.my_read_seq ?? 0),
    unreadCount: Number(r.unread_count ?? 0),
  }));
}
