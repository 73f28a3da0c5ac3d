import { type Updateable, sql } from 'kysely';
import { usernameKey } from '@confab/protocol';
import type { Database } from '../schema.js';
import { usernameSkeleton } from '../username-skeleton.js';
import type { LastSeen, NewUser, UserPatch, UserRecord, UserSearch } from '../store.js';
import { type Db, toUser } from './rows.js';

/** Users: accounts, profiles, search and last-seen. */

export async function insertUser(db: Db, user: NewUser): Promise<UserRecord> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      username_lower: usernameKey(user.username),
      username_skeleton: usernameSkeleton(user.username),
      display_name: user.displayName,
      bio: user.bio,
      time_zone: user.timeZone ?? null,
      email: user.email,
      email_lower: user.email?.toLowerCase() ?? null,
      email_verified_at: user.emailVerified ? user.createdAt : null,
      is_admin: user.isAdmin ? 1 : 0,
      password_hash: user.passwordHash,
      created_at: user.createdAt,
      locale: user.locale ?? null,
    })
    .execute();
  return {
    ...user,
    timeZone: user.timeZone ?? null,
    hideLastSeen: user.hideLastSeen ?? false,
    locale: user.locale ?? null,
    lastSeenAt: user.lastSeenAt ?? null,
    emailVerified: user.emailVerified ?? false,
    deletedAt: null,
    deactivatedAt: null,
    avatarVersion: null,
  };
}

export async function getUser(db: Db, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function getUserByUsername(db: Db, username: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username_lower', '=', usernameKey(username)).executeTakeFirst();
  return row && toUser(row);
}

export async function getUsers(db: Db, ids: readonly string[]): Promise<UserRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  return rows.map(toUser);
}

/** A search text for LIKE: trimmed, lower-cased, its wildcards escaped (with `escape '\\'`). */
export const likeNeedle = (q: string): string =>
  q
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchUsers(db: Db, { q, limit, afterUsername, sharedWith, includeDeactivated }: UserSearch): Promise<UserRecord[]> {
  // Erased accounts are not in the directory, nor deactivated ones unless asked (admins see them).
  let query = db.selectFrom('users').selectAll().where('deleted_at', 'is', null);
  if (includeDeactivated !== true) query = query.where('deactivated_at', 'is', null);
  if (sharedWith !== undefined) {
    // DIRECTORY=shared: people who share a conversation with the searcher, or the exact username asked for.
    const exact = q === undefined || q.trim() === '' ? '' : usernameKey(q.trim());
    const shared = db
      .selectFrom('members as mine')
      .innerJoin('members as theirs', 'theirs.conversation_id', 'mine.conversation_id')
      .select('theirs.user_id')
      .where('mine.user_id', '=', sharedWith);
    query = query.where((eb) => eb.or([eb('id', 'in', shared), ...(exact === '' ? [] : [eb('username_lower', '=', exact)])]));
  }
  if (q !== undefined && q.trim() !== '') {
    const needle = likeNeedle(q);
    query = query.where((eb) =>
      eb.or([
        eb(sql`username_lower`, 'like', sql`${`${needle}%`} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql`${`%${needle}%`} escape '\\'`),
      ]),
    );
  }
  if (afterUsername !== undefined) query = query.where('username_lower', '>', usernameKey(afterUsername));
  const rows = await query.orderBy('username_lower').limit(limit).execute();
  return rows.map(toUser);
}

export async function updateUser(db: Db, id: string, patch: UserPatch): Promise<UserRecord | undefined> {
  const values: Updateable<Database['users']> = {};
  if (patch.displayName !== undefined) values.display_name = patch.displayName;
  if (patch.bio !== undefined) values.bio = patch.bio;
  if (patch.timeZone !== undefined) values.time_zone = patch.timeZone;
  if (patch.isAdmin !== undefined) values.is_admin = patch.isAdmin ? 1 : 0;
  if (patch.hideLastSeen !== undefined) values.hide_last_seen = patch.hideLastSeen ? 1 : 0;
  if (patch.locale !== undefined) values.locale = patch.locale;
  if (patch.avatarVersion !== undefined) values.avatar_version = patch.avatarVersion;
  if (Object.keys(values).length > 0) await db.updateTable('users').set(values).where('id', '=', id).execute();
  return getUser(db, id);
}

/** Users leaving together (a load balancer restarting drops thousands): one UPDATE per 500, not one each. */
export async function setLastSeen(db: Db, entries: readonly LastSeen[]): Promise<void> {
  const latest = [...new Map(entries.map((entry) => [entry.userId, entry.at]))]; // a user twice: the later entry wins
  for (let i = 0; i < latest.length; i += 500) {
    const chunk = latest.slice(i, i + 500);
    // The cast: PostgreSQL would otherwise type the parameters as text.
    const cases = sql.join(
      chunk.map(([userId, at]) => sql`when ${userId} then cast(${at} as bigint)`),
      sql` `,
    );
    const ids = chunk.map(([userId]) => userId);
    await db
      .updateTable('users')
      .set({ last_seen_at: sql<number>`case id ${cases} end` })
      .where('id', 'in', ids)
      .execute();
  }
}
