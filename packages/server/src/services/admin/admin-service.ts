import Type from 'typebox';
import type {
  AdminResetSentResponse,
  AdminUser,
  AdminUserPage,
  AdminUserQuery,
  AuditPage,
  AuditQuery,
  InstanceStats,
  SessionsEndedResponse,
} from '@confab/protocol';
import { AppError, forbidden, notFound } from '../../errors.js';
import type { AccountStates } from '../accounts/account-states.js';
import type { AdminUserRecord, Store } from '../../store/store.js';
import type { AuditTrail } from './audit-log.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { NodeReports } from './node-reports.js';
import type { PasswordResetService } from '../accounts/password-reset.js';
import type { SessionService } from '../accounts/session-service.js';

/** Who acts: an instance admin's user id, or null for the operator at the CLI (who holds the database). */
export type Actor = string | null;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const AuditKey = Type.Tuple([CursorFields.integer, CursorFields.id]);

/**
 * The instance admins' tools (`/api/v1/admin/*` and `confab admin …`): the user list, deactivation,
 * a reset mail, ending a user's sessions, instance statistics and the audit log. Every call checks
 * that its actor is an admin; every change is recorded in the audit log before it answers.
 */
export class AdminService {
  constructor(
    private readonly store: Store,
    private readonly sessions: Pick<SessionService, 'endAll'>,
    private readonly passwordReset: Pick<PasswordResetService, 'start'>,
    private readonly audit: AuditTrail,
    private readonly nodes: Pick<NodeReports, 'list'>,
    /** Every node's cache of deactivated accounts hears of a change (issue 35); the CLI has none (the caches' age bounds it). */
    private readonly accounts?: Pick<AccountStates, 'changed'>,
  ) {}

  /** 403 unless `actor` is an instance admin whose account is usable (the operator always is). */
  async authorize(actor: Actor): Promise<void> {
    if (actor === null) return;
    const user = await this.store.users.getUser(actor);
    if (!user?.isAdmin || user.deactivatedAt !== null || user.deletedAt !== null)
      throw forbidden('Only instance administrators may do this');
  }

  async listUsers(actor: Actor, query: AdminUserQuery): Promise<AdminUserPage> {
    await this.authorize(actor);
    const limit = query.limit ?? 50;
    const afterUsername = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CursorFields.text);
    const rows = await this.store.admin.listUsersForAdmin({
      limit: limit + 1,
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(afterUsername === undefined ? {} : { afterUsername }),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(adminUserView), nextCursor: rows.length > limit && last ? encodeCursor(last.username) : null };
  }

  async getUser(actor: Actor, userId: string): Promise<AdminUser> {
    await this.authorize(actor);
    return adminUserView(await this.target(userId));
  }

  /**
   * Sign-in and refresh are refused (403 account_deactivated) and every session ends, its sockets
   * closing with 4403 on every node. Deactivating a deactivated account ends any session left.
   */
  async deactivate(actor: Actor, userId: string): Promise<AdminUser> {
    await this.authorize(actor);
    if (actor === userId) throw new AppError('conflict', 'Administrators cannot deactivate themselves');
    const user = await this.target(userId);
    // Marked first: a sign-in racing with this is refused at its next refresh at the latest.
    if (user.deactivatedAt === null) await this.store.admin.setDeactivated(userId, Date.now());
    await this.accounts?.changed(userId, true);
    const sessionsEnded = await this.sessions.endAll(userId);
    await this.recorded({ type: 'admin.user_deactivated', actorId: actor, userId, sessionsEnded });
    return adminUserView(await this.target(userId));
  }

  async reactivate(actor: Actor, userId: string): Promise<AdminUser> {
    await this.authorize(actor);
    const user = await this.target(userId);
    if (user.deactivatedAt !== null) await this.store.admin.setDeactivated(userId, null);
    await this.accounts?.changed(userId, false);
    await this.recorded({ type: 'admin.user_reactivated', actorId: actor, userId });
    return adminUserView(await this.target(userId));
  }

  /** Mails the user a reset link; 409 when the account has no verified address (or is erased). */
  async sendPasswordReset(actor: Actor, userId: string): Promise<AdminResetSentResponse> {
    await this.authorize(actor);
    await this.target(userId);
    if (!(await this.passwordReset.start(userId)))
      throw new AppError('conflict', 'This account has no verified email address to send a reset link to');
    await this.recorded({ type: 'admin.password_reset_sent', actorId: actor, userId });
    return { sent: true, message: 'A link to reset the password was sent to the account’s verified address' };
  }

  async endSessions(actor: Actor, userId: string): Promise<SessionsEndedResponse> {
    await this.authorize(actor);
    await this.target(userId);
    const sessionsEnded = await this.sessions.endAll(userId);
    await this.recorded({ type: 'admin.sessions_ended', actorId: actor, userId, sessionsEnded });
    return { sessionsEnded };
  }

  async stats(actor: Actor): Promise<InstanceStats> {
    await this.authorize(actor);
    const [counts, nodes] = await Promise.all([this.store.admin.countInstance(), this.nodes.list()]);
    return {
      users: { total: counts.users, admins: counts.admins, deactivated: counts.deactivated, erased: counts.erased },
      conversations: counts.conversations,
      messages: counts.messages,
      sockets: nodes.reduce((sum, node) => sum + node.sockets, 0),
      nodes: nodes.map((node) => ({
        id: node.id,
        host: node.host,
        pid: node.pid,
        sockets: node.sockets,
        startedAt: new Date(node.startedAt).toISOString(),
        reportedAt: new Date(node.reportedAt).toISOString(),
      })),
    };
  }

  /** Newest first. Entries still queued (the last second's security events) appear once written. */
  async auditLog(actor: Actor, query: AuditQuery): Promise<AuditPage> {
    await this.authorize(actor);
    const limit = query.limit ?? 50;
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, AuditKey);
    const rows = await this.store.admin.listAudit({ limit: limit + 1, ...(before ? { before: { at: before[0], id: before[1] } } : {}) });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((e) => ({
        id: e.id,
        at: new Date(e.at).toISOString(),
        type: e.type,
        actorId: e.actorId,
        userId: e.userId,
        ip: e.ip,
        details: e.details,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at, last.id]) : null,
    };
  }

  private async target(userId: string): Promise<AdminUserRecord> {
    const user = await this.store.admin.getUserForAdmin(userId);
    if (!user) throw notFound('User');
    return user;
  }

  /** An admin action is stored before the call answers: the log never misses what an admin did. */
  private async recorded(event: Parameters<AuditTrail['record']>[0]): Promise<void> {
    this.audit.record(event);
    await this.audit.flush();
  }
}

export function adminUserView(user: AdminUserRecord): AdminUser {
  const lastActive = Math.max(user.lastSeenAt ?? -1, user.lastSessionAt ?? -1);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    emailVerified: user.emailVerified,
    isAdmin: user.isAdmin,
    deactivatedAt: iso(user.deactivatedAt),
    deletedAt: iso(user.deletedAt),
    createdAt: new Date(user.createdAt).toISOString(),
    lastSeenAt: iso(user.lastSeenAt),
    lastActiveAt: lastActive < 0 ? null : new Date(lastActive).toISOString(),
  };
}
