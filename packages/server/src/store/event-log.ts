import { CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely';
import { type EventDraft, type PositionedEvent, encodeSyncCursor } from '@confab/protocol';
import { extendedCopy } from '../infra/extended-copy.js';
import type { Database } from './schema.js';
import { isMysql, takePositions } from './mysql/mysql-counters.js';
import type { StoredEvent, StreamHead } from './store.js';
import { insertBulk, paddedIdLists, shapedText } from './sql/hot-statements.js';

/**
 * Writing to the event log inside a store transaction.
 *
 * Positions come from the single `stream_head` row, taken by `appendEvents` as the transaction's
 * last write: transactions that log events queue on that one row lock and commit in position
 * order, so the stored log is always a prefix without holes — what lets a reader resume "after
 * pos N" from storage alone. Locks are taken in one order to rule out deadlocks between nodes:
 * first the conversation rows the transaction changes, then the user rows of the private streams
 * it writes to (both in id order: `stream-locks.ts`), then the head.
 *
 * A private entry (an event for one user alone: their own settings, their notifications) is
 * chained in that user's stream instead of a conversation's: stored under the user's id as its
 * `conversation_id` (no member reads it as a conversation's) and as its subject (so the user does). The head is held only for the event rows, the conversations' `last_pos` (and an MLS message's `log_pos`: message-append.ts) and the commit, so other transactions do
 * their own work meanwhile.
 */
export interface LogEntry {
  conversationId: string;
  /** A non-member who may read the event (the removed member), else null. */
  subjectUserId?: string | null;
  /** For the user `conversationId` names alone, in their private stream. */
  private?: boolean;
  event: EventDraft;
  /** The event once its position is known, when it must carry that position itself (an MLS message's `logPos`). */
  positioned?: (pos: number) => EventDraft;
}

type Db = Kysely<Database>;

/**
 * Gives the entries the next positions, chains each to its conversation's previous event and
 * stores them. `lastPos` holds the conversations' newest positions as locked by this transaction
 * (`lockConversations`, or its seq reservation), or a conversation it has just created (0).
 */
export async function appendEvents(
  trx: Db,
  lastPos: Map<string, number>,
  entries: readonly LogEntry[],
  now: number,
): Promise<StoredEvent[]> {
  if (entries.length === 0) return [];
  const text = shapedText(
    trx,
    'stream_head',
    (mark) => `update "stream_head" set "pos" = "pos" + ${mark(0)} where "id" = ${mark(1)} returning "pos", "epoch"`,
  );
  // MySQL/MariaDB: no UPDATE … RETURNING; the UPDATE takes the row, a read under its lock follows.
  const head = isMysql(trx)
    ? await takePositions(trx, entries.length)
    : (await trx.executeQuery<Pick<Selectable<Database['stream_head']>, 'pos' | 'epoch'>>(CompiledQuery.raw(text, [entries.length, 1])))
        .rows[0];
  if (head === undefined) throw new Error('the stream_head row is missing');
  const stored = positionEvents(entries, lastPos, { pos: Number(head.pos), epoch: head.epoch }, now);
  await insertBulk(trx, 'events', stored.map(eventRow));
  // One statement for every conversation the entries touched, one for every private stream.
  const touched = [...new Set(entries.filter((e) => !e.private).map((e) => e.conversationId))];
  const streams = [...new Set(entries.filter((e) => e.private).map((e) => e.conversationId))];
  // The newest position of each, one statement per table: `case id when … then … end`.
  const moveOn = async (table: 'conversations' | 'users', column: 'last_pos' | 'stream_pos', ids: string[]) => {
    if (ids.length === 0) return;
    const text = shapedText(trx, `${column}|${ids.length}`, (mark) => {
      const cases = ids.map((_, i) => `when ${mark(2 * i)} then cast(${mark(2 * i + 1)} as bigint)`).join(' ');
      const list = ids.map((_, i) => mark(2 * ids.length + i)).join(', ');
      return `update "${table}" set "${column}" = case id ${cases} end where "id" in (${list})`;
    });
    await trx.executeQuery(CompiledQuery.raw(text, [...ids.flatMap((id) => [id, lastPos.get(id)!]), ...ids]));
  };
  await moveOn('conversations', 'last_pos', touched);
  await moveOn('users', 'stream_pos', streams);
  return stored;
}

/**
 * Numbers the entries: the head has just been moved on by their count to `head.pos`, so they take
 * the positions up to it, in order. Each is chained to its conversation's previous event
 * (`lastPos`, moved on as it goes) and carries its cursor.
 */
export function positionEvents(
  entries: readonly LogEntry[],
  lastPos: Map<string, number>,
  head: { pos: number; epoch: string },
  now: number,
): StoredEvent[] {
  let pos = head.pos - entries.length;
  return entries.map((entry) => {
    pos += 1;
    const prev = lastPos.get(entry.conversationId) ?? 0;
    lastPos.set(entry.conversationId, pos);
    // The cursor is stored in the event, so every reader (live, replay, long-poll, gap fill) sends it as stored.
    const draft = entry.positioned ? entry.positioned(pos) : entry.event;
    // Not `{ ...draft, pos, … }`: on Node 20 that copy outlives itself (infra/extended-copy.ts).
    const event = extendedCopy(draft, { pos, prev, cursor: encodeSyncCursor(head.epoch, pos) }) as PositionedEvent;
    const frame = JSON.stringify(event);
    const subjectUserId = entry.private ? entry.conversationId : (entry.subjectUserId ?? null);
    return { pos, conversationId: entry.conversationId, subjectUserId, createdAt: now, event, frame };
  });
}

/** An event's row in `events`. */
export function eventRow(e: StoredEvent): Insertable<Database['events']> {
  return {
    pos: e.pos,
    conversation_id: e.conversationId,
    subject_user_id: e.subjectUserId,
    created_at: e.createdAt,
    payload: e.frame,
    message_id: 'message' in e.event ? e.event.message.id : null,
  };
}

// ---- reading ----

export async function streamHead(db: Db): Promise<StreamHead> {
  const row = await db.selectFrom('stream_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return { epoch: row.epoch, pos: Number(row.pos), floor: Number(row.floor) };
}

/**
 * Two indexed reads merged by position: the user's conversations' events since they joined each,
 * and events about them (their removal from a conversation they are no longer in).
 */
export async function readUserEvents(db: Db, userId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const asMember = await db
    .selectFrom('events as e')
    .innerJoin('members as m', (join) => join.onRef('m.conversation_id', '=', 'e.conversation_id').on('m.user_id', '=', userId))
    .selectAll('e')
    .where('e.pos', '>', after)
    .whereRef('e.pos', '>=', 'm.joined_pos')
    .orderBy('e.pos')
    .limit(limit)
    .execute();
  const asSubject = await db
    .selectFrom('events')
    .selectAll()
    .where('subject_user_id', '=', userId)
    .where('pos', '>', after)
    .orderBy('pos')
    .limit(limit)
    .execute();
  const byPos = new Map<number, Selectable<Database['events']>>();
  for (const row of [...asMember, ...asSubject]) byPos.set(Number(row.pos), row);
  return [...byPos.values()]
    .map(toStoredEvent)
    .sort((a, b) => a.pos - b.pos)
    .slice(0, limit);
}

export async function readConversationEvents(db: Db, conversationId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('pos', '>', after)
    .orderBy('pos')
    .limit(limit)
    .execute();
  return rows.map(toStoredEvent);
}

export async function conversationHeadsBetween(db: Db, after: number, upTo: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('events')
    .select(['conversation_id', (eb) => eb.fn.max('pos').as('pos')])
    .where('pos', '>', after)
    .where('pos', '<=', upTo)
    .groupBy('conversation_id')
    .execute();
  return new Map(rows.map((r) => [r.conversation_id, Number(r.pos)]));
}

/**
 * Each user's conversations' heads, and their private stream's under their own id once it has an
 * event; every user asked for has an entry. With `after`, only the heads past it: the database
 * filters, so a resume with nothing missed reads no rows rather than one per conversation (the
 * plan still walks the user's memberships in `members_user`, each a primary-key probe of
 * `conversations`: an index on `last_pos` would cost every send an index page, issue 41).
 */
export async function conversationHeads(db: Db, userIds: readonly string[], after?: number): Promise<Map<string, Map<string, number>>> {
  const heads = new Map(userIds.map((id) => [id, new Map<string, number>()]));
  for (const ids of paddedIdLists(userIds)) {
    let conversations = db
      .selectFrom('members as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.user_id', 'c.id', 'c.last_pos'])
      .where('m.user_id', 'in', ids);
    if (after !== undefined) conversations = conversations.where('c.last_pos', '>', after);
    for (const row of await conversations.execute()) heads.get(row.user_id)?.set(row.id, Number(row.last_pos));
    const streams = await db
      .selectFrom('users')
      .select(['id', 'stream_pos'])
      .where('id', 'in', ids)
      .where('stream_pos', '>', Math.max(after ?? 0, 0))
      .execute();
    for (const row of streams) heads.get(row.id)?.set(row.id, Number(row.stream_pos));
  }
  return heads;
}

/**
 * Events deleted per transaction when the log is pruned. One DELETE of everything due held a
 * SQLite node's event loop for about a second per 120,000 events (a minute of 2,000 sends a
 * second, a week on; a backlog after downtime is far more): in chunks, sends and reads run between.
 */
export const PRUNE_CHUNK = 1_000;

/**
 * The position of the newest event created before `before`, or 0 when there is none: what
 * pruning may delete up to. Found by bisecting positions, since an event's time rises with its
 * position: about log2(events kept) probes of the primary key, once a prune, where an index on
 * `created_at` cost every event written a key and one more page in its commit (issue 41; dropped
 * by migration 0048). Positions may have gaps (a prune under way on another node), so each probe
 * reads the first event at or past its position. Clocks of several nodes, or one set back, can
 * make times not quite rise with positions: the bisection then settles on one place where they
 * cross `before`, as the index's answer did only approximately too.
 */
export async function newestEventBefore(db: Db, before: number): Promise<number> {
  const bounds = await db
    .selectFrom('events')
    .select((eb) => [eb.fn.min('pos').as('oldest'), eb.fn.max('pos').as('newest')])
    .executeTakeFirst();
  if (bounds?.oldest === null || bounds?.oldest === undefined || bounds.newest === null) return 0;
  const firstFrom = async (pos: number) => {
    const row = await db
      .selectFrom('events')
      .select(['pos', 'created_at'])
      .where('pos', '>=', pos)
      .orderBy('pos')
      .limit(1)
      .executeTakeFirst();
    return row && { pos: Number(row.pos), createdAt: Number(row.created_at) };
  };
  const [oldest, newest] = [await firstFrom(Number(bounds.oldest)), await firstFrom(Number(bounds.newest))];
  if (oldest === undefined || oldest.createdAt >= before) return 0;
  // Deleted meanwhile (another node pruning): this prune has nothing left to do.
  if (newest === undefined) return 0;
  if (newest.createdAt < before) return newest.pos;
  // `low` is an event created before `before`; no event at or past `high` is.
  let [low, high] = [oldest.pos, newest.pos];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const probe = await firstFrom(middle);
    if (probe !== undefined && probe.pos < high && probe.createdAt < before) low = probe.pos;
    else high = middle;
  }
  return low;
}

/**
 * Deletes the oldest events, at most `chunk` of them and none past `due` (`newestEventBefore`),
 * and raises the floor to the last one deleted, so what is kept stays a suffix of the log.
 * Answers how many it deleted.
 */
export async function pruneEvents(trx: Db, due: number, chunk: number): Promise<number> {
  if (due === 0) return 0;
  const oldest = await trx
    .selectFrom('events')
    .select((eb) => eb.fn.min('pos').as('pos'))
    .executeTakeFirst();
  if (oldest?.pos === null || oldest?.pos === undefined || Number(oldest.pos) > due) return 0;
  // Positions are gap-free above the floor: this takes `chunk` events at most.
  const floor = Math.min(due, Number(oldest.pos) + chunk - 1);
  const deleted = await trx.deleteFrom('events').where('pos', '<=', floor).executeTakeFirst();
  await trx.updateTable('stream_head').set({ floor }).where('id', '=', 1).where('floor', '<', floor).execute();
  return Number(deleted.numDeletedRows);
}

export function toStoredEvent(row: Selectable<Database['events']>): StoredEvent {
  return {
    pos: Number(row.pos),
    conversationId: row.conversation_id,
    subjectUserId: row.subject_user_id,
    createdAt: Number(row.created_at),
    event: JSON.parse(row.payload) as PositionedEvent,
    frame: row.payload,
  };
}
