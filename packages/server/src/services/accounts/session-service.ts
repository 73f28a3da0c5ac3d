import type { SessionList } from '@confab/protocol';
import { notFound } from '../../errors.js';
import type { SessionClient, Store } from '../../store/store.js';
import type { SecurityEvents } from '../security-events.js';
import type { SessionRevocations } from './session-revocations.js';

/**
 * A user's sessions: listing them and ending them. Every session ended here is announced to every
 * node (services/accounts/session-revocations.ts), which refuses its tokens and closes its sockets with
 * 4403. Password reset and change, account erasure and the admin calls end sessions through it.
 */
export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly revocations: SessionRevocations,
    private readonly events: SecurityEvents,
  ) {}

  async list(userId: string, currentSessionId: string): Promise<SessionList> {
    const sessions = await this.store.sessions.listActiveSessions(userId, Date.now());
    return {
      items: sessions.map((s) => ({
        id: s.id,
        createdAt: new Date(s.createdAt).toISOString(),
        lastUsedAt: new Date(s.lastUsedAt).toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
        current: s.id === currentSessionId,
      })),
    };
  }

  /** Ends one of the user's sessions; not_found for another user's, an unknown or an ended one. */
  async end(userId: string, sessionId: string): Promise<void> {
    const session = await this.store.sessions.getSession(sessionId);
    if (!session || session.userId !== userId || session.revokedAt !== null) throw notFound('Session');
    const now = Date.now();
    await this.store.sessions.revokeSession(sessionId, now);
    await this.revocations.announce(session, now);
    this.events.record({ type: 'session.ended', userId, sessionId });
  }

  /** "Sign me out everywhere": every session, this one included; returns how many it ended. */
  async logoutAll(userId: string): Promise<number> {
    const sessionsEnded = await this.endAll(userId);
    this.events.record({ type: 'sessions.ended_all', userId, sessionsEnded });
    return sessionsEnded;
  }

  /** Ends every session of the user but `except`; returns how many it ended (the caller records why). */
  async endAll(userId: string, except?: string): Promise<number> {
    const now = Date.now();
    const ended = await this.store.sessions.revokeUserSessions(userId, now, except);
    await Promise.all(ended.map((session) => this.revocations.announce(session, now)));
    return ended.length;
  }
}

/** What a request says about where it comes from, kept with its session (bounded to the columns' sizes). */
export function sessionClient(userAgent: string | undefined, ip: string | undefined): SessionClient {
  return { userAgent: userAgent === undefined ? null : [...userAgent].slice(0, 512).join(''), ip: ip?.slice(0, 64) ?? null };
}
