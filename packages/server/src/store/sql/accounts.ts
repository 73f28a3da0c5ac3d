import { randomBytes } from 'node:crypto';
import type { AccountTokenPurpose, AccountTokenRecord, NewAccountToken } from '../accounts/account-store.js';
import type { SessionInfoRecord } from '../sessions/session-store.js';
import type { MemberRecord, MessageRecord, SessionRecord, UserRecord } from '../store.js';
import { type Db, toMember, toMessage, toSession, toUser } from './rows.js';
import { getUser } from './users.js';

/** Accounts: email addresses, passwords, erasure, mailed tokens, a user's sessions, exports. */

/** The account that verified this address (unverified claims may be many: issue 35, they name nobody). */
export async function getUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email_lower', '=', email.toLowerCase())
    .where('email_verified_at', 'is not', null)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function setEmail(db: Db, userId: string, email: string | null): Promise<UserRecord | undefined> {
  await db
    .updateTable('users')
    .set({ email, email_lower: email?.toLowerCase() ?? null, email_verified_at: null })
    .where('id', '=', userId)
    .execute();
  return getUser(db, userId);
}

/**
 * The first account to verify an address owns it (issue 35): the other accounts' unverified
 * claims to it are cleared in the same transaction. Another account's verified claim makes the
 * UPDATE break the unique index of verified addresses (the caller gets UniqueViolation).
 */
export async function markEmailVerified(db: Db, userId: string, email: string, at: number): Promise<boolean> {
  const emailLower = email.toLowerCase();
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('users')
      .set({ email_verified_at: at })
      .where('id', '=', userId)
      .where('email_lower', '=', emailLower)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx
      .updateTable('users')
      .set({ email: null, email_lower: null })
      .where('email_lower', '=', emailLower)
      .where('email_verified_at', 'is', null)
      .where('id', '<>', userId)
      .execute();
    return true;
  });
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

export async function eraseUser(db: Db, userId: string, at: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        username: 'deleted',
        display_name: 'Deleted user',
        bio: '',
        time_zone: null,
        email: null,
        email_lower: null,
        email_verified_at: null,
        // No argon2 hash verifies against an empty string: nobody can sign in.
        password_hash: '',
        hide_last_seen: 1,
        locale: null,
        last_seen_at: null,
        // The picture goes too (the service deletes its blobs once this commits).
        avatar_version: null,
        deleted_at: at,
      })
      .where('id', '=', userId)
      .execute();
    await trx.updateTable('account_tokens').set({ used_at: at }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  });
}

export async function releaseUsername(db: Db, key: string, erasedBefore: number): Promise<boolean> {
  // The key moves to a placeholder no username can equal ("~" is not a username character).
  const result = await db
    .updateTable('users')
    .set({ username_lower: `~${randomBytes(12).toString('base64url')}`, username_skeleton: null })
    .where('username_lower', '=', key)
    .where('deleted_at', 'is not', null)
    .where('deleted_at', '<', erasedBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function createAccountToken(db: Db, token: NewAccountToken): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: token.tokenHash,
      user_id: token.userId,
      purpose: token.purpose,
      email: token.email,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      used_at: null,
    })
    .execute();
}

export async function consumeAccountToken(
  db: Db,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  now: number,
): Promise<AccountTokenRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    // A compare-and-set: of concurrent spends, one updates the row and the others match nothing.
    const spent = await trx
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return undefined;
    const row = await trx.selectFrom('account_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
    return {
      tokenHash: row.token_hash,
      userId: row.user_id,
      purpose: row.purpose,
      email: row.email,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      usedAt: Number(row.used_at),
    };
  });
}

export async function spendAccountTokens(db: Db, userId: string, purpose: AccountTokenPurpose, now: number): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function listActiveSessions(db: Db, userId: string, now: number): Promise<SessionInfoRecord[]> {
  const rows = await db
    .selectFrom('sessions as s')
    .selectAll('s')
    .where('s.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('refresh_tokens as t')
          .select('t.token_hash')
          .whereRef('t.session_id', '=', 's.id')
          .where('t.spent_at', 'is', null)
          .where('t.expires_at', '>', now),
      ),
    )
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at ?? row.created_at),
    userAgent: row.user_agent,
    ip: row.ip,
  }));
}

export async function revokeUserSessions(db: Db, userId: string, now: number, exceptSessionId?: string): Promise<SessionRecord[]> {
  return db.transaction().execute(async (trx) => {
    let live = trx.selectFrom('sessions').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptSessionId !== undefined) live = live.where('id', '!=', exceptSessionId);
    const rows = await live.execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    await trx.updateTable('sessions').set({ revoked_at: now }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
    return rows.map((row) => ({ ...toSession(row), revokedAt: now }));
  });
}

export async function listMessagesBySender(db: Db, userId: string, page: { limit: number; afterId?: string }): Promise<MessageRecord[]> {
  let query = db.selectFrom('messages').selectAll().where('sender_id', '=', userId).where('kind', '=', 'text');
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  const rows = await query.orderBy('id').limit(page.limit).execute();
  return rows.map(toMessage);
}

export async function listMemberships(db: Db, userId: string): Promise<MemberRecord[]> {
  const rows = await db.selectFrom('members').selectAll().where('user_id', '=', userId).orderBy('conversation_id').execute();
  return rows.map(toMember);
}
