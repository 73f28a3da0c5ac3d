import { createHash, randomBytes, randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';

/**
 * The idle phase's accounts and groups, written with SQL into the migrated SQLite file while no
 * server runs (as the search bench seeds its corpus). Registering 19,000 users through the API
 * costs an argon2id hash each (tens of ms of CPU on a 2-core machine: minutes); here every user
 * gets the one real hash of BENCH_PASSWORD that a registration through the API produced, so each
 * could still sign in, and a session with a refresh token the bench knows: the server mints each
 * access token itself when the bench spends it (POST /auth/refresh), with no argon2 on the way.
 */
export interface SeededUser {
  index: number;
  id: string;
  refreshToken: string;
}

export function seedIdle(
  file: string,
  count: number,
  passwordHash: string,
  groups: readonly (readonly number[])[],
  refreshTtlMs = 86_400_000,
): SeededUser[] {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // Bulk load before the server starts: a crash only loses the bench's own data.
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const users: SeededUser[] = Array.from({ length: count }, (_, index) => ({
    index,
    id: randomUUID(),
    refreshToken: randomBytes(32).toString('base64url'),
  }));
  const insertUser = db.prepare(
    `insert into users (id, username, username_lower, display_name, bio, is_admin, password_hash, created_at) values (?, ?, ?, ?, '', 0, ?, ?)`,
  );
  const insertSession = db.prepare(`insert into sessions (id, user_id, created_at, revoked_at) values (?, ?, ?, null)`);
  const insertRefresh = db.prepare(`insert into refresh_tokens (token_hash, session_id, expires_at, spent_at) values (?, ?, ?, null)`);
  const insertConversation = db.prepare(
    `insert into conversations (id, kind, title, created_by, created_at, last_seq, last_activity_at, member_count) values (?, 'group', ?, ?, ?, 0, ?, ?)`,
  );
  const insertMember = db.prepare(`insert into members (conversation_id, user_id, role, joined_at, read_seq) values (?, ?, ?, ?, 0)`);
  db.transaction(() => {
    for (const user of users) {
      const name = `idle${user.index}`;
      insertUser.run(user.id, name, name, name, passwordHash, now);
      const sessionId = randomUUID();
      insertSession.run(sessionId, user.id, now);
      // The server keeps only the SHA-256 (hex) of a refresh token (token-service.ts).
      insertRefresh.run(createHash('sha256').update(user.refreshToken).digest('hex'), sessionId, now + refreshTtlMs);
    }
    groups.forEach((members, g) => {
      const id = randomUUID();
      const owner = users[members[0]!]!;
      insertConversation.run(id, `idle ${g}`, owner.id, now, now, members.length);
      members.forEach((m, i) => insertMember.run(id, users[m]!.id, i === 0 ? 'owner' : 'member', now));
    });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return users;
}

/** The stored password hash of a user registered through the API. */
export function passwordHashOf(file: string, username: string): string {
  const db = new SQLite(file, { readonly: true });
  try {
    const row = db.prepare('select password_hash from users where username_lower = ?').get(username.toLowerCase()) as
      { password_hash: string } | undefined;
    if (!row) throw new Error(`no user ${username} in ${file}`);
    return row.password_hash;
  } finally {
    db.close();
  }
}
