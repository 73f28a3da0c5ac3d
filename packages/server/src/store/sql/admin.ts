import { type SelectQueryBuilder, sql } from 'kysely';
import { usernameKey } from '@confab/protocol';
import type { AdminUserRecord, AdminUserSearch, AuditRecord, InstanceCounts, NodeReport } from '../admin/admin-store.js';
import type { Database } from '../schema.js';
import type { UserRecord } from '../store.js';
import { type Db, toUser } from './rows.js';
import { likeNeedle } from './users.js';

/** The operator's reads and writes: every account, the audit log, the nodes' reports. */

/** Users with the last use of any of their sessions (a correlated max over `sessions_user`). */
function adminUsers(db: Db) {
  return db
    .selectFrom('users')
    .selectAll('users')
    .select((eb) =>
      eb
        .selectFrom('sessions')
        .select((s) => s.fn.max('sessions.last_used_at').as('m'))
        .whereRef('sessions.user_id', '=', 'users.id')
        .as('last_session_at'),
    );
}

type AdminUserRow = Parameters<typeof toUser>[0] & { last_session_at: number | string | null };

const toAdminUser = (row: AdminUserRow): AdminUserRecord => ({
  ...toUser(row),
  lastSessionAt: row.last_session_at === null ? null : Number(row.last_session_at),
});

export async function listUsersForAdmin(db: Db, { q, limit, afterUsername }: AdminUserSearch): Promise<AdminUserRecord[]> {
  let query = adminUsers(db) as unknown as SelectQueryBuilder<Database, 'users', AdminUserRow>;
  if (q !== undefined && q.trim() !== '') {
    const needle = likeNeedle(q);
    query = query.where((eb) =>
      eb.or([
        eb(sql`username_lower`, 'like', sql`${`${needle}%`} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql`${`%${needle}%`} escape '\\'`),
        eb(sql`email_lower`, 'like', sql`${`%${needle}%`} escape '\\'`),
      ]),
    );
  }
  if (afterUsername !== undefined) query = query.where('username_lower', '>', usernameKey(afterUsername));
  const rows = await query.orderBy('username_lower').limit(limit).execute();
  return rows.map(toAdminUser);
}

export async function getUserForAdmin(db: Db, id: string): Promise<AdminUserRecord | undefined> {
  const row = (await adminUsers(db).where('users.id', '=', id).executeTakeFirst()) as AdminUserRow | undefined;
  return row && toAdminUser(row);
}

export async function setDeactivated(db: Db, userId: string, at: number | null): Promise<UserRecord | undefined> {
  await db.updateTable('users').set({ deactivated_at: at }).where('id', '=', userId).execute();
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  return row && toUser(row);
}

export async function countInstance(db: Db): Promise<InstanceCounts> {
  const users = await db
    .selectFrom('users')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      eb.fn.sum(eb.case().when('is_admin', '=', 1).then(1).else(0).end()).as('admins'),
      eb.fn.sum(eb.case().when('deactivated_at', 'is not', null).then(1).else(0).end()).as('deactivated'),
      eb.fn.sum(eb.case().when('deleted_at', 'is not', null).then(1).else(0).end()).as('erased'),
    ])
    .executeTakeFirstOrThrow();
  const conversations = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const messages = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    users: Number(users.total),
    admins: Number(users.admins ?? 0),
    deactivated: Number(users.deactivated ?? 0),
    erased: Number(users.erased ?? 0),
    conversations: Number(conversations.n),
    messages: Number(messages.n),
  };
}

export async function appendAudit(db: Db, entries: readonly AuditRecord[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        id: e.id,
        at: e.at,
        type: e.type,
        actor_id: e.actorId,
        user_id: e.userId,
        ip: e.ip,
        details: JSON.stringify(e.details),
      })),
    )
    .execute();
}

export async function listAudit(db: Db, { limit, before }: { limit: number; before?: { at: number; id: string } }): Promise<AuditRecord[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (before !== undefined)
    query = query.where((eb) => eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]));
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    at: Number(row.at),
    type: row.type,
    actorId: row.actor_id,
    userId: row.user_id,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));
}

export async function pruneAudit(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function reportNode(db: Db, report: NodeReport): Promise<void> {
  const values = {
    id: report.id,
    host: report.host,
    pid: report.pid,
    sockets: report.sockets,
    started_at: report.startedAt,
    reported_at: report.reportedAt,
  };
  await db
    .insertInto('node_reports')
    .values(values)
    .onConflict((oc) => oc.column('id').doUpdateSet({ sockets: values.sockets, reported_at: values.reported_at }))
    .execute();
}

export async function listNodeReports(db: Db, since: number): Promise<NodeReport[]> {
  const rows = await db
    .selectFrom('node_reports')
    .selectAll()
    .where('reported_at', '>=', since)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    host: row.host,
    pid: Number(row.pid),
    sockets: Number(row.sockets),
    startedAt: Number(row.started_at),
    reportedAt: Number(row.reported_at),
  }));
}

export async function pruneNodeReports(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('node_reports').where('reported_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
