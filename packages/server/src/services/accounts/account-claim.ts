import { AppError } from '../../errors.js';
import type { Mailer } from '../../infra/mailer.js';
import type { ImportSource, Store, UserRecord } from '../../store/store.js';
import type { SecurityEvents } from '../security-events.js';
import type { AccountTokens } from './account-tokens.js';
import { accountClaimMail } from './mail-templates.js';
import type { Passwords } from './passwords.js';

export interface AccountClaimOptions {
  publicUrl: string;
  /** ACCOUNT_CLAIM_TTL_SECONDS */
  ttlSeconds: number;
}

/** Told when an account becomes usable, so every node's cache of account states lets it in (AccountStates). */
export interface AccountStateChanges {
  changed(userId: string, deactivated: boolean): Promise<void>;
}

const SOURCE_NAMES: Record<ImportSource, string> = { slack: 'Slack', mattermost: 'Mattermost' };

/**
 * Claiming an account an import made (issue 37). The import creates each person it cannot match
 * deactivated and without a password; their exported address gets a mail with a single-use link.
 * Claiming sets the first password, activates the account and signs in. Only an account never
 * claimed can be: once it has a password, a leftover link is as invalid as a spent one, so an
 * admin's later deactivation cannot be undone with an old mail.
 */
export class AccountClaim {
  constructor(
    private readonly store: Store,
    private readonly passwords: Passwords,
    private readonly tokens: AccountTokens,
    private readonly mailer: Mailer,
    private readonly events: SecurityEvents,
    private readonly options: AccountClaimOptions,
    private readonly states?: AccountStateChanges,
  ) {}

  /** Mails the claim link; false when the account has no address or is not waiting to be claimed. */
  async invite(user: UserRecord, source: ImportSource): Promise<boolean> {
    if (user.email === null || user.passwordHash !== '' || user.deletedAt !== null) return false;
    const { ttlSeconds, publicUrl } = this.options;
    const token = await this.tokens.issue({ userId: user.id, purpose: 'account_claim', ttlSeconds, email: user.email });
    await this.mailer.send(
      accountClaimMail({ to: user.email, publicUrl, token, ttlSeconds, username: user.username, source: SOURCE_NAMES[source] }),
    );
    this.events.record({ type: 'account.claim_sent', userId: user.id });
    return true;
  }

  /** Sets the first password and activates the account; the caller signs the owner in. */
  async claim(token: string, password: string): Promise<UserRecord> {
    // Checked before the token is spent: a refused password leaves the link usable.
    this.passwords.checkNew(password, '/password');
    const record = await this.tokens.consume(token, 'account_claim');
    const user = await this.store.users.getUser(record.userId);
    if (!user || user.deletedAt !== null || user.passwordHash !== '') {
      throw new AppError('invalid_token', 'This link is not valid: the account was claimed already or no longer exists');
    }
    const now = Date.now();
    await this.store.accounts.setPasswordHash(user.id, await this.passwords.hash(password));
    await this.store.admin.setDeactivated(user.id, null);
    await this.store.accounts.spendAccountTokens(user.id, 'account_claim', now);
    await this.states?.changed(user.id, false);
    this.events.record({ type: 'account.claimed', userId: user.id });
    return (await this.store.users.getUser(user.id)) ?? user;
  }
}
