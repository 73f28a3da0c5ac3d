import type { NewUser, UserRecord } from '../store.js';

/**
 * `store.invites`: who may join: single-use invites to sign up (REGISTRATION=invite). Its
 * conformance section is beside it (invites/*.conformance.ts).
 */
export interface InviteStore {
  createInvite(invite: InviteRecord, tokenHash: string): Promise<void>;
  getInvite(id: string): Promise<InviteRecord | undefined>;
  /**
   * Spends the invite whose token hashes to `tokenHash` (unused, not expired at `now`) and inserts
   * the user, in one transaction: a taken username (UniqueViolation) leaves the invite unspent, and
   * of two sign-ups racing for one invite only one gets it. Undefined when there is no such invite.
   */
  insertUserWithInvite(user: NewUser, tokenHash: string, now: number): Promise<UserRecord | undefined>;
}

/** A single-use invite to sign up (REGISTRATION=invite); its token is kept as a SHA-256 hash only. */
export interface InviteRecord {
  id: string;
  /** The admin who made it; null when made with the CLI. */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedBy: string | null;
}
