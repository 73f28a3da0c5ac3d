import type { UserRecord } from '../store.js';
import { type Db, toUser } from './rows.js';
import { readGrouped } from './hot-statements.js';

/** Blocks: who will not hear from whom. */

/** Blocks or unblocks; true when that changed anything (both are idempotent). */
export async function setBlock(db: Db, blockerId: string, blockedId: string, blocked: boolean, now: number): Promise<boolean> {
  if (!blocked) {
    const result = await db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
  const result = await db
    .insertInto('blocks')
    .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The users `blockerId` blocks, by id; `afterId` continues after that id. */
export async function listBlockedUsers(db: Db, blockerId: string, page: { limit: number; afterId?: string }): Promise<UserRecord[]> {
  let query = db
    .selectFrom('blocks as b')
    .innerJoin('users as u', 'u.id', 'b.blocked_id')
    .selectAll('u')
    .where('b.blocker_id', '=', blockerId);
  if (page.afterId !== undefined) query = query.where('b.blocked_id', '>', page.afterId);
  const rows = await query.orderBy('b.blocked_id').limit(page.limit).execute();
  return rows.map(toUser);
}

/** Whom each of `blockerIds` blocks (a user who blocks nobody is left out). */
export function blockedIds(db: Db, blockerIds: readonly string[]): Promise<Map<string, string[]>> {
  return readGrouped(blockerIds, async (ids) =>
    (await db.selectFrom('blocks').select(['blocker_id', 'blocked_id']).where('blocker_id', 'in', ids).execute()).map((r) => [
      r.blocker_id,
      r.blocked_id,
    ]),
  );
}

/** Who blocks each of `blockedIds` (a user nobody blocks is left out): a block hides both ways (issue 35). */
export function blockerIds(db: Db, blockedIds: readonly string[]): Promise<Map<string, string[]>> {
  return readGrouped(blockedIds, async (ids) =>
    (await db.selectFrom('blocks').select(['blocker_id', 'blocked_id']).where('blocked_id', 'in', ids).execute()).map((r) => [
      r.blocked_id,
      r.blocker_id,
    ]),
  );
}

/** Which of `candidates` block `userId`. */
export async function blockersAmong(db: Db, userId: string, candidates: readonly string[]): Promise<string[]> {
  if (candidates.length === 0) return [];
  const found: string[] = [];
  // Chunked so a 10,000-member group stays under SQLite's bound-parameter limit.
  for (let i = 0; i < candidates.length; i += 500) {
    const rows = await db
      .selectFrom('blocks')
      .select('blocker_id')
      .where('blocked_id', '=', userId)
      .where('blocker_id', 'in', candidates.slice(i, i + 500))
      .execute();
    found.push(...rows.map((r) => r.blocker_id));
  }
  return found;
}
