import { createHash, randomBytes, randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { withPostgres } from './cluster-space.js';

/**
 * The idle phase's accounts and groups, written with SQL into the migrated store while no server
 * runs (as the search bench seeds its corpus): a SQLite file, or a cluster's PostgreSQL schema.
 * Registering 19,000 users through the API costs an argon2id hash each (tens of ms of CPU on a
 * 2-core machine: minutes); here every user gets the one real hash of BENCH_PASSWORD that a
 * registration through the API produced, so each could still sign in, and a session with a
 * refresh token the bench knows: the server mints each access token itself when the bench spends
 * it (POST /auth/refresh), with no argon2 on the way.
 */
export interface SeededUser {
  index: number;
  id: string;
  refreshToken: string;
}

/** One table's rows, in its columns' order; the same SQL types on both engines. */
interface TableRows {
  table: string;
  columns: readonly string[];
  rows: unknown[][];
}

function planIdle(count: number, passwordHash: string, groups: readonly (readonly number[])[], refreshTtlMs: number) {
  const now = Date.now();
  const users: SeededUser[] = Array.from({ length: count }, (_, index) => ({
    index,
    id: randomUUID(),
    refreshToken: randomBytes(32).toString('base64url'),
  }));
  const table = (name: string, columns: string): TableRows => ({ table: name, columns: columns.split(', '), rows: [] });
  const usersRows = table('users', 'id, username, username_lower, display_name, bio, is_admin, password_hash, created_at');
  const sessions = table('sessions', 'id, user_id, created_at, revoked_at');
  const refresh = table('refresh_tokens', 'token_hash, session_id, expires_at, spent_at');
  const conversations = table('conversations', 'id, kind, title, created_by, created_at, last_seq, last_activity_at, member_count');
  const members = table('members', 'conversation_id, user_id, role, joined_at, read_seq');
  for (const user of users) {
    const name = `idle${user.index}`;
    usersRows.rows.push([user.id, name, name, name, '', 0, passwordHash, now]);
    const sessionId = randomUUID();
    sessions.rows.push([sessionId, user.id, now, null]);
    // The server keeps only the SHA-256 (hex) of a refresh token (token-service.ts).
    refresh.rows.push([createHash('sha256').update(user.refreshToken).digest('hex'), sessionId, now + refreshTtlMs, null]);
  }
  groups.forEach((memberIndexes, g) => {
    const id = randomUUID();
    conversations.rows.push([id, 'group', `idle ${g}`, users[memberIndexes[0]!]!.id, now, 0, now, memberIndexes.length]);
    memberIndexes.forEach((m, i) => members.rows.push([id, users[m]!.id, i === 0 ? 'owner' : 'member', now, 0]));
  });
  return { users, tables: [usersRows, sessions, refresh, conversations, members] };
}

export function seedIdle(
  file: string,
  count: number,
  passwordHash: string,
  groups: readonly (readonly number[])[],
  refreshTtlMs = 86_400_000,
): SeededUser[] {
  const { users, tables } = planIdle(count, passwordHash, groups, refreshTtlMs);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // Bulk load before the server starts: a crash only loses the bench's own data.
  db.pragma('synchronous = OFF');
  db.transaction(() => {
    for (const { table, columns, rows } of tables) {
      const insert = db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      for (const row of rows) insert.run(...row);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return users;
}

/** Rows per multi-row insert: 1,000 × 8 columns stays far below PostgreSQL's 65,535 parameters. */
const POSTGRES_ROWS_PER_INSERT = 1000;

/** The same rows into a migrated PostgreSQL schema (`url` names it in its search_path), one transaction. */
export async function seedIdlePostgres(
  url: string,
  count: number,
  passwordHash: string,
  groups: readonly (readonly number[])[],
  refreshTtlMs = 86_400_000,
): Promise<SeededUser[]> {
  const { users, tables } = planIdle(count, passwordHash, groups, refreshTtlMs);
  await withPostgres(url, async (client) => {
    await client.query('begin');
    for (const { table, columns, rows } of tables) {
      for (let start = 0; start < rows.length; start += POSTGRES_ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + POSTGRES_ROWS_PER_INSERT);
        const tuples = chunk.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
        await client.query(`insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`, chunk.flat());
      }
    }
    await client.query('commit');
    // Statistics now, as autovacuum would within a minute or so: until then the planner, blind to
    // the rows, read every member to find one user's groups (PostgreSQL at 160 % of the machine
    // while 19,000 sockets connected, 73 a second).
    for (const { table } of tables) await client.query(`analyze ${table}`);
  });
  return users;
}

/** The stored password hash of a user registered through the API. */
export function passwordHashOf(file: string, username: string): string {
  const db = new SQLite(file, { readonly: true });
  try {
    const row = db.prepare('select password_hash from users where username_lower = ?').get(username.toLowerCase()) as
      { password_hash: string } | undefined;
    return found(row, username);
  } finally {
    db.close();
  }
}

export async function passwordHashOfPostgres(url: string, username: string): Promise<string> {
  const result = await withPostgres(url, (client) =>
    client.query<{ password_hash: string }>('select password_hash from users where username_lower = $1', [username.toLowerCase()]),
  );
  return found(result.rows[0], username);
}

function found(row: { password_hash: string } | undefined, username: string): string {
  if (!row) throw new Error(`no user ${username} in the store`);
  return row.password_hash;
}
