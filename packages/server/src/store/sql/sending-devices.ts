import { sql } from 'kysely';
import type { AppendRefusal, NewMessage } from '../store.js';
import { isMysql } from '../mysql/mysql-counters.js';
import { rowLocks } from '../stream-locks.js';
import type { Db } from './rows.js';

/**
 * The append's device step (issue 39): an MLS message is numbered only if its sending device is,
 * in the transaction that numbers it, an active device of its sender; the others are refused
 * (`deviceRevoked`) before any epoch moves or seq is taken. Checked only before the transaction,
 * a message whose check passed just before a revocation would be stored with a time after it, and
 * every member's credential check would refuse it: at a commit, the group would stop for everyone.
 *
 * Why no revocation can slip between this read and the numbering (docs/encryption.md, "A revoked
 * device's past"): `revokeDevice` (sql/devices.ts) locks the device row before it reads its clock.
 * - PostgreSQL, MySQL/MariaDB: the rows are read with a shared lock, held to this transaction's
 *   end. A revocation that locked first is committed before the read returns (the locking read
 *   sees the newest committed row, in READ COMMITTED as in InnoDB's locking reads): refused here.
 *   One that locks after waits for this commit, then reads its clock: later than every createdAt
 *   numbered here (each taken before this transaction began). Shared locks do not conflict, so
 *   appends never wait on each other here, and a revocation holds nothing an append takes next.
 * - SQLite: transactions begin IMMEDIATE (one writer), so a revocation runs wholly before or after.
 * PostgreSQL's one-query append (`postgres/one-statement-append.ts`) makes the same read inside its
 * function for the application messages and welcomes it takes.
 */
export async function checkSendingDevices<E extends { index: number; message: NewMessage }>(
  trx: Db,
  entries: readonly E[],
  refused: Map<number, AppendRefusal>,
): Promise<{ kept: E[]; refused: Map<number, AppendRefusal> }> {
  const sending = entries.filter((e) => e.message.mls !== undefined);
  if (sending.length === 0) return { kept: [...entries], refused };
  const ids = [...new Set(sending.map((e) => e.message.mls!.senderDevice))].sort();
  let query = trx.selectFrom('devices').select(['id', 'user_id']).where('id', 'in', ids).where('revoked_at', 'is', null).orderBy('id');
  if (isMysql(trx)) query = query.modifyEnd(sql`lock in share mode`);
  else if (rowLocks(trx)) query = query.forShare();
  const owners = new Map((await query.execute()).map((row) => [row.id, row.user_id]));
  for (const { index, message } of sending) {
    if (owners.get(message.mls!.senderDevice) !== message.senderId) refused.set(index, { deviceRevoked: true });
  }
  return { kept: entries.filter((e) => !refused.has(e.index)), refused };
}
