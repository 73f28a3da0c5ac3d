import { CompiledQuery, type Kysely, MysqlAdapter } from 'kysely';
import type { Database } from '../schema.js';
import { shapedText } from '../sql/hot-statements.js';
import type { ReservedSeqs } from '../stream-locks.js';

/**
 * The counter rows (a conversation's `last_seq`, the log's `stream_head.pos`) on MySQL/MariaDB,
 * which have no `UPDATE … RETURNING`: the row is taken by a locking read or by the UPDATE itself,
 * and read back under that lock in the same transaction. Never `MAX(seq) … FOR UPDATE` (next-key
 * locks on the index end: concurrent sends deadlock), never a plain `MAX(seq)` (two transactions
 * read the same one), never AUTO_INCREMENT (a rolled-back insert leaves a gap for good): the
 * counter row's lock queues the writers, so seqs and positions are gap-free (decision 0026).
 */

type Db = Kysely<Database>;

export const isMysql = (db: Db): boolean => db.getExecutor().adapter instanceof MysqlAdapter;

/**
 * Locks the conversations in id order (`select … order by id for update`: InnoDB locks the rows of
 * the primary-key range in that order, the one lock order across nodes) and reads each one's seq
 * and newest event position, then moves the seqs and activity times on in one UPDATE.
 */
export async function reserveSeqsByLockingRead(
  trx: Db,
  chunk: readonly { id: string; count: number; lastCreatedAt: number }[],
): Promise<Map<string, ReservedSeqs>> {
  const ids = chunk.map((r) => r.id);
  const lockText = shapedText(trx, `mysql-lock-seq|${chunk.length}`, (mark) => {
    const list = chunk.map((_, i) => mark(i)).join(', ');
    return `select id, last_seq, last_pos, encrypted from conversations where id in (${list}) order by id for update`;
  });
  const { rows } = await trx.executeQuery<{ id: string; last_seq: number; last_pos: number; encrypted: number }>(
    CompiledQuery.raw(lockText, ids),
  );
  const updateText = shapedText(trx, `mysql-move-seq|${chunk.length}`, (mark) => {
    let n = 0;
    const next = () => mark(n++);
    const counts = chunk.map(() => `when ${next()} then ${next()}`).join(' ');
    const times = chunk.map(() => `when ${next()} then greatest(last_activity_at, ${next()})`).join(' ');
    const list = chunk.map(() => next()).join(', ');
    return `update conversations set last_seq = last_seq + case id ${counts} end, last_activity_at = case id ${times} end where id in (${list})`;
  });
  await trx.executeQuery(
    CompiledQuery.raw(updateText, [...chunk.flatMap((r) => [r.id, r.count]), ...chunk.flatMap((r) => [r.id, r.lastCreatedAt]), ...ids]),
  );
  const counts = new Map(chunk.map((r) => [r.id, r.count]));
  const reserved = new Map<string, ReservedSeqs>();
  for (const row of rows)
    reserved.set(row.id, {
      lastSeq: Number(row.last_seq) + counts.get(row.id)!,
      lastPos: Number(row.last_pos),
      encrypted: Number(row.encrypted) === 1,
    });
  return reserved;
}

/** Moves the log's head on by `count` positions (the UPDATE takes its row lock) and reads it back under that lock. */
export async function takePositions(trx: Db, count: number): Promise<{ pos: number; epoch: string } | undefined> {
  await trx.executeQuery(CompiledQuery.raw('update stream_head set pos = pos + ? where id = 1', [count]));
  const { rows } = await trx.executeQuery<{ pos: number; epoch: string }>(
    CompiledQuery.raw('select pos, epoch from stream_head where id = 1'),
  );
  return rows[0];
}
