import { CompiledQuery, type Kysely, SqliteAdapter } from 'kysely';
import { shapedText } from './sql/hot-statements.js';
import type { Database } from './schema.js';
import { isMysql, reserveSeqsByLockingRead } from './mysql/mysql-counters.js';

/**
 * The row locks a transaction takes before it logs events (`event-log.ts`), always in one order
 * so that transactions on different nodes cannot deadlock: the conversation rows it changes, in
 * id order, then the user rows of the private streams it writes to, in id order (the stream head
 * last, in `appendEvents`). Each lock answers what the log needs: the newest event position of
 * each stream, and for sends each conversation's seq.
 */

type Db = Kysely<Database>;

/** Row-locks the conversations (in id order) and answers each one's newest event position. */
export async function lockConversations(trx: Db, conversationIds: Iterable<string>): Promise<Map<string, number>> {
  const lastPos = new Map<string, number>();
  for (const ids of lockOrder(conversationIds)) {
    let query = trx.selectFrom('conversations').select(['id', 'last_pos']).where('id', 'in', ids).orderBy('id');
    if (rowLocks(trx)) query = query.forUpdate();
    for (const row of await query.execute()) lastPos.set(row.id, Number(row.last_pos));
  }
  return lastPos;
}

/** A conversation's share of a batch of sends: how many new messages, and the newest one's time. */
export interface SeqReservation {
  id: string;
  count: number;
  lastCreatedAt: number;
}

/** A conversation's seqs moved on: its last seq after the move, its newest event position, whether it is encrypted now. */
export interface ReservedSeqs {
  lastSeq: number;
  lastPos: number;
  encrypted: boolean;
}

/**
 * Locks the conversations (in id order) and moves each one's last seq on by its count (and its
 * activity time up to its newest message) in the same statement, answering each one's last seq
 * after the move, its newest event position and whether it is encrypted (read under the lock, so
 * a switch committed before cannot be missed: issue 39): one round trip under the lock instead of a
 * locking read and then an UPDATE. On PostgreSQL a CTE takes the row locks in id order (one lock
 * order across nodes: an UPDATE alone locks rows in whatever order its plan visits them); in
 * READ COMMITTED the UPDATE then works on the row versions those locks waited for. SQLite's
 * transaction already holds the database's write lock.
 */
export async function reserveConversationSeqs(trx: Db, reservations: readonly SeqReservation[]): Promise<Map<string, ReservedSeqs>> {
  const reserved = new Map<string, ReservedSeqs>();
  const sorted = [...reservations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 0; i < sorted.length; i += 300) {
    const chunk = sorted.slice(i, i + 300);
    // MySQL/MariaDB: no UPDATE … RETURNING; a locking read in id order, then the UPDATE.
    if (isMysql(trx)) {
      for (const [id, reservedSeq] of await reserveSeqsByLockingRead(trx, chunk)) reserved.set(id, reservedSeq);
      continue;
    }
    const locks = rowLocks(trx);
    // Placeholders numbered in the order they appear, the values bound in that order below.
    const text = shapedText(trx, `reserve|${locks}|${chunk.length}`, (mark) => {
      let n = 0;
      const next = () => mark(n++);
      const ids = () => chunk.map(next).join(', ');
      const locked = locks ? ids() : '';
      const counts = chunk.map(() => `when ${next()} then cast(${next()} as bigint)`).join(' ');
      const times = chunk
        .map(() => `when ${next()} then case when last_activity_at > ${next()} then last_activity_at else cast(${next()} as bigint) end`)
        .join(' ');
      const set = `last_seq = last_seq + case id ${counts} end, last_activity_at = case id ${times} end`;
      return locks
        ? `with locked as materialized (select id from conversations where id in (${locked}) order by id for update) ` +
            `update conversations set ${set} where id in (select id from locked) returning id, last_seq, last_pos, encrypted`
        : `update conversations set ${set} where id in (${ids()}) returning id, last_seq, last_pos, encrypted`;
    });
    const ids = chunk.map((r) => r.id);
    const counts = chunk.flatMap((r) => [r.id, r.count]);
    const times = chunk.flatMap((r) => [r.id, r.lastCreatedAt, r.lastCreatedAt]);
    const params = locks ? [...ids, ...counts, ...times] : [...counts, ...times, ...ids];
    const { rows } = await trx.executeQuery<{ id: string; last_seq: number | string; last_pos: number | string; encrypted: number }>(
      CompiledQuery.raw(text, params),
    );
    for (const row of rows)
      reserved.set(row.id, { lastSeq: Number(row.last_seq), lastPos: Number(row.last_pos), encrypted: Number(row.encrypted) === 1 });
  }
  return reserved;
}

/** Row-locks the users' private streams (in id order) and answers each one's newest position. */
export async function lockUserStreams(trx: Db, userIds: Iterable<string>): Promise<Map<string, number>> {
  const lastPos = new Map<string, number>();
  for (const ids of lockOrder(userIds)) {
    let query = trx.selectFrom('users').select(['id', 'stream_pos']).where('id', 'in', ids).orderBy('id');
    if (rowLocks(trx)) query = query.forUpdate();
    for (const row of await query.execute()) lastPos.set(row.id, Number(row.stream_pos));
  }
  return lastPos;
}

/**
 * The ids sorted, in chunks of a statement each: one locking read per chunk rather than one per
 * row (a batch of notifications locks dozens of streams). PostgreSQL locks the rows of
 * `ORDER BY id FOR UPDATE` in the sorted order, so chunks taken in order keep the one lock order.
 */
function lockOrder(ids: Iterable<string>): string[][] {
  const sorted = [...new Set(ids)].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < sorted.length; i += 500) chunks.push(sorted.slice(i, i + 500));
  return chunks;
}

/**
 * Whether the engine locks rows (PostgreSQL): SQLite has no `FOR UPDATE`, and needs none — its
 * transactions begin IMMEDIATE, holding the whole database's write lock (store/sqlite).
 */
export const rowLocks = (trx: Db) => !(trx.getExecutor().adapter instanceof SqliteAdapter);
