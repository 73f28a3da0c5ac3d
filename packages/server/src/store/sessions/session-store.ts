import type { RotateInput, RotateResult, SessionClient, SessionRecord } from '../store.js';

/**
 * `store.sessions`: sign-in sessions: their refresh tokens, revocation, and listing or ending a
 * user's sessions. Its conformance section is beside it (sessions/*.conformance.ts).
 */
export interface SessionStore {
  /** `client`: where it is used from (SessionInfoRecord); its last use starts at its creation. */
  createSession(session: SessionRecord, refreshTokenHash: string, refreshExpiresAt: number, client?: SessionClient): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * Spends a refresh token and records its successor `newHash`, atomically. A spent token
   * presented again revokes its whole session (it was stolen or replayed), unless it was spent
   * after `reissueIfSpentAfter` and that successor is still unspent: then the first rotation is
   * reported again (its `rotatedAt`), so the caller can answer with the same pair.
   */
  rotateRefreshToken(input: RotateInput): Promise<RotateResult>;
  revokeSession(sessionId: string, now: number): Promise<void>;
  /** Sessions revoked at or after `since` (epoch ms), for nodes that missed the news. */
  listRevokedSessions(since: number): Promise<SessionRecord[]>;
  /** Sessions not ended and with a refresh token still usable at `now`, newest first. */
  listActiveSessions(userId: string, now: number): Promise<SessionInfoRecord[]>;
  /** Ends every session of the user not ended yet, but `exceptSessionId`; returns those it ended. */
  revokeUserSessions(userId: string, now: number, exceptSessionId?: string): Promise<SessionRecord[]>;
}

export interface SessionInfoRecord extends SessionClient {
  id: string;
  userId: string;
  createdAt: number;
  /** The last refresh (or the sign-in): lastUsedAt is not written per request. */
  lastUsedAt: number;
}
