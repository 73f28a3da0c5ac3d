import type { RotateResult, SessionRecord } from '../store.js';
import { type Db, toSession } from './rows.js';

/** Sessions and their refresh tokens (stored as hashes only). */

export async function createSession(db: Db, session: SessionRecord, refreshTokenHash: string, refreshExpiresAt: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ id: session.id, user_id: session.userId, created_at: session.createdAt, revoked_at: session.revokedAt })
      .execute();
    await trx
      .insertInto('refresh_tokens')
      .values({ token_hash: refreshTokenHash, session_id: session.id, expires_at: refreshExpiresAt, spent_at: null })
      .execute();
  });
}

export async function getSession(db: Db, id: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

export function rotateRefreshToken(
  db: Db,
  { oldHash, newHash, now, expiresAt }: { oldHash: string; newHash: string; now: number; expiresAt: number },
): Promise<RotateResult> {
  return db.transaction().execute(async (trx): Promise<RotateResult> => {
    const token = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', oldHash).executeTakeFirst();
    if (!token) return { status: 'invalid' };
    const sessionRow = await trx.selectFrom('sessions').selectAll().where('id', '=', token.session_id).executeTakeFirst();
    if (!sessionRow || sessionRow.revoked_at !== null) return { status: 'invalid' };
    const session = toSession(sessionRow);
    if (token.spent_at !== null) {
      // Replay of a spent token: someone else holds this session's tokens. End it.
      await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', session.id).execute();
      return { status: 'reused', session: { ...session, revokedAt: now } };
    }
    if (token.expires_at <= now) return { status: 'invalid' };
    // Spend it only if nobody spent it concurrently (the WHERE makes this a compare-and-set).
    const spent = await trx
      .updateTable('refresh_tokens')
      .set({ spent_at: now })
      .where('token_hash', '=', oldHash)
      .where('spent_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) {
      await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', session.id).execute();
      return { status: 'reused', session: { ...session, revokedAt: now } };
    }
    await trx
      .insertInto('refresh_tokens')
      .values({ token_hash: newHash, session_id: session.id, expires_at: expiresAt, spent_at: null })
      .execute();
    return { status: 'rotated', session };
  });
}

export async function revokeSession(db: Db, sessionId: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}
