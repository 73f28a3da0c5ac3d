import type { AccountStore, AccountTokenPurpose, AccountTokenRecord, NewAccountToken, SessionInfoRecord } from './account-store.js';
import { SearchSql } from './search-sql.js';
import type { MemberRecord, MessageRecord, SessionRecord, UserRecord } from './store.js';
import * as accounts from './sql/accounts.js';

/** The accounts side of the SQL store (store/account-store.ts), which SqlStore extends: one delegation per method. */
export abstract class AccountSql extends SearchSql implements AccountStore {
  getUserByEmail(email: string): Promise<UserRecord | undefined> {
    return accounts.getUserByEmail(this.db, email);
  }
  setEmail(userId: string, email: string | null): Promise<UserRecord | undefined> {
    return this.unique(() => accounts.setEmail(this.db, userId, email));
  }
  markEmailVerified(userId: string, email: string, at: number): Promise<boolean> {
    return this.unique(() => accounts.markEmailVerified(this.db, userId, email, at));
  }
  setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    return accounts.setPasswordHash(this.db, userId, passwordHash);
  }
  eraseUser(userId: string, at: number): Promise<void> {
    return accounts.eraseUser(this.db, userId, at);
  }
  releaseUsername(key: string, erasedBefore: number): Promise<boolean> {
    return accounts.releaseUsername(this.db, key, erasedBefore);
  }
  createAccountToken(token: NewAccountToken): Promise<void> {
    return accounts.createAccountToken(this.db, token);
  }
  consumeAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: number): Promise<AccountTokenRecord | undefined> {
    return accounts.consumeAccountToken(this.db, tokenHash, purpose, now);
  }
  spendAccountTokens(userId: string, purpose: AccountTokenPurpose, now: number): Promise<void> {
    return accounts.spendAccountTokens(this.db, userId, purpose, now);
  }
  listActiveSessions(userId: string, now: number): Promise<SessionInfoRecord[]> {
    return accounts.listActiveSessions(this.db, userId, now);
  }
  revokeUserSessions(userId: string, now: number, exceptSessionId?: string): Promise<SessionRecord[]> {
    return accounts.revokeUserSessions(this.db, userId, now, exceptSessionId);
  }
  listMessagesBySender(userId: string, page: { limit: number; afterId?: string }): Promise<MessageRecord[]> {
    return accounts.listMessagesBySender(this.db, userId, page);
  }
  listMemberships(userId: string): Promise<MemberRecord[]> {
    return accounts.listMemberships(this.db, userId);
  }

  /** Runs a write, turning the engine's unique-violation error into UniqueViolation (SqlStore knows the engine). */
  protected abstract unique<T>(write: () => Promise<T>): Promise<T>;
}
