import type { MemberRecord, MessageRecord, UserRecord } from '../store.js';

/**
 * `store.accounts`: accounts (issue 12): email addresses, passwords, erasure, the single-use
 * tokens mails carry, and what an export reads. A user's sessions are `store.sessions`. Its
 * conformance section is beside it (accounts/*.conformance.ts).
 */
export interface AccountStore {
  /** The account with this address, ignoring case. */
  /** The account that verified `email` (ignoring case); unverified claims name nobody. */
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  /** Sets (or clears) the address, unverified: any number of accounts may claim one address until one verifies it. */
  setEmail(userId: string, email: string | null): Promise<UserRecord | undefined>;
  /**
   * Marks the address verified if it is still the user's (ignoring case), and drops the other
   * accounts' unverified claims to it; false when it is not the user's. Throws UniqueViolation
   * when another account verified it first.
   */
  markEmailVerified(userId: string, email: string, at: number): Promise<boolean>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /**
   * Blanks the profile (display name "Deleted user", no bio, no email, no password), spends the
   * account's tokens and marks it erased at `at`. Its username stays taken until released.
   */
  eraseUser(userId: string, at: number): Promise<void>;
  /** Frees a username (its key, usernameKey) held by an account erased before `erasedBefore`; true when it did. */
  releaseUsername(key: string, erasedBefore: number): Promise<boolean>;
  createAccountToken(token: NewAccountToken): Promise<void>;
  /**
   * Spends the token once: the record when it was unspent, unexpired and of this purpose, else
   * undefined (and nothing changes). Concurrent calls: exactly one gets the record.
   */
  consumeAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: number): Promise<AccountTokenRecord | undefined>;
  /** Spends every unspent token of the user for that purpose (a reset voids the other reset links). */
  spendAccountTokens(userId: string, purpose: AccountTokenPurpose, now: number): Promise<void>;
  /** Messages the user wrote (system messages excluded), in id order (time order); `afterId` continues after that id. */
  listMessagesBySender(userId: string, page: { limit: number; afterId?: string }): Promise<MessageRecord[]>;
  /** The user's memberships (read and delivery markers), by conversation id. */
  listMemberships(userId: string): Promise<MemberRecord[]>;
}

/** `account_claim`: the first password of an account an import made (services/accounts/account-claim.ts). */
export type AccountTokenPurpose = 'password_reset' | 'email_verify' | 'account_claim';

export interface AccountTokenRecord {
  /** SHA-256 (hex) of the token: the token itself is never stored. */
  tokenHash: string;
  userId: string;
  purpose: AccountTokenPurpose;
  /** The address an email_verify token confirms (null for a reset). */
  email: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type NewAccountToken = Omit<AccountTokenRecord, 'usedAt'>;
