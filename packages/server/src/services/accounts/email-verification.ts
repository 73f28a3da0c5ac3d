import type { Me, VerifyEmailResponse } from '@confab/protocol';
import { AppError, notFound } from '../../errors.js';
import { type Store, UniqueViolation } from '../../store/store.js';
import type { AccountTokens } from './account-tokens.js';
import type { BackgroundWork } from '../../infra/background-work.js';
import { addressInUseMail, verifyEmailMail } from './mail-templates.js';
import type { Mailer } from '../../infra/mailer.js';
import type { Passwords } from './passwords.js';
import type { SecurityEvents } from '../security-events.js';
import { meView } from '../views.js';

export interface EmailVerificationOptions {
  publicUrl: string;
  /** EMAIL_VERIFY_TTL_SECONDS */
  ttlSeconds: number;
}

/**
 * An account's email address: unverified until the link mailed to it is opened. Changing it needs
 * the password and starts over. A verification token names the address it confirms, so a link
 * sent to an address since replaced verifies nothing.
 */
export class EmailVerification {
  constructor(
    private readonly store: Store,
    private readonly passwords: Passwords,
    private readonly tokens: AccountTokens,
    private readonly mailer: Mailer,
    private readonly background: BackgroundWork,
    private readonly events: SecurityEvents,
    private readonly options: EmailVerificationOptions,
  ) {}

  /**
   * Mails a verification link to `email`, after the answer (a slow mail server delays nobody).
   * An address another account has verified gets a notice instead, without a link (it could not
   * be verified again): the answer to sign-up or change is the same either way (issue 35).
   */
  send(userId: string, email: string): void {
    this.background.run('email verification mail', async () => {
      const owner = await this.store.accounts.getUserByEmail(email);
      if (owner !== undefined && owner.id !== userId) {
        await this.mailer.send(addressInUseMail({ to: email, publicUrl: this.options.publicUrl }));
        return;
      }
      const token = await this.tokens.issue({ userId, purpose: 'email_verify', ttlSeconds: this.options.ttlSeconds, email });
      await this.mailer.send(verifyEmailMail({ to: email, publicUrl: this.options.publicUrl, token, ttlSeconds: this.options.ttlSeconds }));
    });
  }

  /** The first account to verify an address owns it; a later one is 409 `email_taken` (its claim was dropped). */
  async verify(token: string): Promise<VerifyEmailResponse> {
    const record = await this.tokens.consume(token, 'email_verify');
    if (record.email === null) throw new AppError('invalid_token', 'This link is for an address the account no longer has');
    let verified: boolean;
    try {
      verified = await this.store.accounts.markEmailVerified(record.userId, record.email, Date.now());
    } catch (error) {
      if (error instanceof UniqueViolation) throw emailTakenFirst();
      throw error;
    }
    if (!verified) {
      const owner = await this.store.accounts.getUserByEmail(record.email);
      if (owner !== undefined && owner.id !== record.userId) throw emailTakenFirst();
      throw new AppError('invalid_token', 'This link is for an address the account no longer has');
    }
    this.events.record({ type: 'email.verified', userId: record.userId });
    return { email: record.email, emailVerified: true };
  }

  /** Sets a new address (unverified) once the password is confirmed, and mails it a link. */
  async change(userId: string, email: string, password: string): Promise<Me> {
    const user = await this.store.users.getUser(userId);
    if (!user) throw notFound('User');
    if (!(await this.passwords.verify(user.passwordHash, password))) throw new AppError('wrong_password', 'The password is not right');
    let updated;
    try {
      updated = await this.store.accounts.setEmail(userId, email);
    } catch (error) {
      if (error instanceof UniqueViolation) throw new AppError('email_taken', 'Another account has this email address');
      throw error;
    }
    if (!updated) throw notFound('User');
    this.events.record({ type: 'email.changed', userId });
    this.send(userId, email);
    return meView(updated);
  }
}

const emailTakenFirst = () => new AppError('email_taken', 'Another account confirmed this address first');
