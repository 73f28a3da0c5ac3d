import type { RotateInput, RotateResult, SessionClient, SessionRecord } from '../store.js';
import { type Db, toSession } from './rows.js';

/** Sessions and their refresh tokens (stored as hashes only). */

export async function createSession(
  db: Db,
  session: SessionRecord,
  refreshTokenHash: string,
  refreshExpiresAt: number,
  client?: SessionClient,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        created_at: session.createdAt,
        revoked_at: session.revokedAt,
        last_used_at: session.createdAt,
        user_agent: client?.userAgent ?? null,
        ip: client?.ip ?? null,
      })
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

/**
 * Spends a refresh token (a compare-and-set) and records its successor. A spent token presented
 * again is a replay that ends the session, unless it is the same client again within the grace
 * window: spent after `reissueIfSpentAfter`, with the successor it was given still unspent. Then
 * the first rotation is reported again, and the caller answers with the same pair.
 */
export function rotateRefreshToken(
  db: Db,
  { oldHash, newHash, now, expiresAt, reissueIfSpentAfter, client }: RotateInput,
): Promise<RotateResult> {
  return db.transaction().execute(async (trx): Promise<RotateResult> => {
    let token = await findToken(trx, oldHash);
    if (!token) return { status: 'invalid' };
    const sessionRow = await trx.selectFrom('sessions').selectAll().where('id', '=', token.session_id).executeTakeFirst();
    if (!sessionRow) return { status: 'invalid' };
    if (sessionRow.revoked_at !== null) return { status: 'invalid', endedSessionOf: sessionRow.user_id };
    const session = toSession(sessionRow);
    if (token.spent_at === null) {
      if (Number(token.expires_at) <= now) return { status: 'invalid' };
      // Spend it only if nobody spent it concurrently (the WHERE makes this a compare-and-set).
      const spent = await trx
        .updateTable('refresh_tokens')
        .set({ spent_at: now })
        .where('token_hash', '=', oldHash)
        .where('spent_at', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) === 1) {
        await trx
          .insertInto('refresh_tokens')
          .values({ token_hash: newHash, session_id: session.id, expires_at: expiresAt, spent_at: null })
          .execute();
        // The session's last use: written at refresh only, never per request.
        await trx
          .updateTable('sessions')
          .set({ last_used_at: now, ...(client ? { user_agent: client.userAgent, ip: client.ip } : {}) })
          .where('id', '=', session.id)
          .execute();
        return { status: 'rotated', session, rotatedAt: now };
      }
      // A concurrent refresh spent it first and has committed (PostgreSQL's UPDATE waited for
      // it): read what it did.
      token = await findToken(trx, oldHash);
      if (!token || token.spent_at === null) return { status: 'invalid' };
    }
    const spentAt = Number(token.spent_at);
    if (spentAt > reissueIfSpentAfter && (await unspent(trx, newHash, session.id)))
      return { status: 'rotated', session, rotatedAt: spentAt };
    // A replay: someone else holds this session's tokens. End it.
    await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', session.id).execute();
    return { status: 'reused', session: { ...session, revokedAt: now } };
  });
}

function findToken(db: Db, tokenHash: string) {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

async function unspent(db: Db, tokenHash: string, sessionId: string): Promise<boolean> {
  const token = await findToken(db, tokenHash);
  return token !== undefined && token.session_id === sessionId && token.spent_at === null;
}

export async function revokeSession(db: Db, sessionId: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Sessions revoked at or after `since`: an indexed range read (`sessions_revoked_at`). */
export async function listRevokedSessions(db: Db, since: number): Promise<SessionRecord[]> {
  const rows = await db.selectFrom('sessions').selectAll().where('revoked_at', '>=', since).execute();
  return rows.map(toSession);
}
