import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { AccountTokenPurpose, AccountTokenRecord, Store } from '../../store/store.js';

/**
 * The single-use tokens mails carry (email verification, password reset): 256 random bits, of
 * which the store keeps only the SHA-256, so a copy of the database opens no account.
 */
export class AccountTokens {
  constructor(private readonly store: Store) {}

  async issue(input: { userId: string; purpose: AccountTokenPurpose; ttlSeconds: number; email?: string }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.store.accounts.createAccountToken({
      tokenHash: hashAccountToken(token),
      userId: input.userId,
      purpose: input.purpose,
      email: input.email ?? null,
      createdAt: now,
      expiresAt: now + input.ttlSeconds * 1000,
    });
    return token;
  }

  /** Spends the token; unknown, spent, expired and other-purpose tokens all get the same invalid_token. */
  async consume(token: string, purpose: AccountTokenPurpose): Promise<AccountTokenRecord> {
    const record = await this.store.accounts.consumeAccountToken(hashAccountToken(token), purpose, Date.now());
    if (!record) throw new AppError('invalid_token', 'This link is not valid: it was used already, has expired, or was never issued');
    return record;
  }
}

export const hashAccountToken = (token: string) => createHash('sha256').update(token).digest('hex');
