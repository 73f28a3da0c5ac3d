import type { SqlContext } from '../sql-context.js';
import type { SessionStore } from './session-store.js';
import * as sessions from '../sql/sessions.js';
import * as accounts from '../sql/accounts.js';

/**
 * `store.sessions` on the SQL engines: each method calls its query in store/sql/sessions.ts,
 * sql/accounts.ts.
 */
export function sqlSessionStore({ db }: SqlContext): SessionStore {
  return {
    createSession: (session, refreshTokenHash, refreshExpiresAt, client) =>
      sessions.createSession(db, session, refreshTokenHash, refreshExpiresAt, client),
    getSession: (id) => sessions.getSession(db, id),
    rotateRefreshToken: (input) => sessions.rotateRefreshToken(db, input),
    revokeSession: (sessionId, now) => sessions.revokeSession(db, sessionId, now),
    listRevokedSessions: (since) => sessions.listRevokedSessions(db, since),
    listActiveSessions: (userId, now) => accounts.listActiveSessions(db, userId, now),
    revokeUserSessions: (userId, now, exceptSessionId) => accounts.revokeUserSessions(db, userId, now, exceptSessionId),
  };
}
