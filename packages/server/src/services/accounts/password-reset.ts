import type { ForgotPasswordResponse, SessionsEndedResponse } from '@confab/protocol';
import type { Store, UserRecord } from '../../store/store.js';
import type { AccountTokens } from './account-tokens.js';
import type { BackgroundWork } from '../../infra/background-work.js';
import { passwordResetMail } from './mail-templates.js';
import type { Mailer } from '../../infra/mailer.js';
import type { Passwords } from './passwords.js';
import type { SecurityEvents } from '../security-events.js';
import { RateLimited, type RateLimitService, accountKey } from '../rate-limits.js';
import type { SessionService } from './session-service.js';

export interface PasswordResetOptions {
  publicUrl: string;
  /** PASSWORD_RESET_TTL_SECONDS */
  ttlSeconds: number;
}

/** The one answer to every "forgot password", whatever it finds. */
export const FORGOT_PASSWORD_ANSWER: ForgotPasswordResponse = {
  accepted: true,
  message: 'If an account with a verified email address matches, a link to reset its password has been sent to that address',
};

/**
 * Password recovery by mail. "Forgot" answers at once and the same way for every input: the
 * lookup and the mail happen after the answer (BackgroundWork), so neither the answer nor its
 * timing says whether an account exists. The link goes to a verified address only (an
 * unconfirmed one may be a typo of someone else's). A reset spends the token, voids the user's
 * other reset links, and ends every session of the user on every node.
 */
export class PasswordResetService {
  constructor(
    private readonly store: Store,
    private readonly passwords: Passwords,
    private readonly tokens: AccountTokens,
    private readonly mailer: Mailer,
    private readonly background: BackgroundWork,
    private readonly sessions: SessionService,
    private readonly events: SecurityEvents,
    private readonly rateLimits: Pick<RateLimitService, 'attempt'>,
    private readonly options: PasswordResetOptions,
  ) {}

  forgot(login: string): ForgotPasswordResponse {
    this.background.run('password reset request', async () => {
      // Past the account's limit the answer stays the same and no mail goes (a trip is recorded).
      if (!(await this.withinLimit(login))) return;
      const user = login.includes('@') ? await this.store.accounts.getUserByEmail(login) : await this.store.users.getUserByUsername(login);
      if (user) await this.start(user);
    });
    return FORGOT_PASSWORD_ANSWER;
  }

  private async withinLimit(login: string): Promise<boolean> {
    try {
      await this.rateLimits.attempt('passwordForgotAccount', accountKey(login));
      return true;
    } catch (error) {
      if (error instanceof RateLimited) return false;
      throw error;
    }
  }

  /** Resolves once the requests made so far have been looked up and their mails sent (tests, shutdown). */
  settled(): Promise<void> {
    return this.background.settle();
  }

  /**
   * Mails the user a reset link (also what an admin's "send a reset" calls). False when the
   * account has no verified address to send it to, or is erased.
   */
  async start(userOrId: UserRecord | string): Promise<boolean> {
    const user = typeof userOrId === 'string' ? await this.store.users.getUser(userOrId) : userOrId;
    if (!user || user.deletedAt !== null || user.email === null || !user.emailVerified) return false;
    const token = await this.tokens.issue({ userId: user.id, purpose: 'password_reset', ttlSeconds: this.options.ttlSeconds });
    await this.mailer.send(
      passwordResetMail({ to: user.email, publicUrl: this.options.publicUrl, token, ttlSeconds: this.options.ttlSeconds }),
    );
    this.events.record({ type: 'password.reset_requested', userId: user.id });
    return true;
  }

  async reset(token: string, password: string): Promise<SessionsEndedResponse> {
    // Checked before the token is spent: a refused password leaves the link usable.
    this.passwords.checkNew(password, '/password');
    const record = await this.tokens.consume(token, 'password_reset');
    const now = Date.now();
    await this.store.accounts.setPasswordHash(record.userId, await this.passwords.hash(password));
    await this.store.accounts.spendAccountTokens(record.userId, 'password_reset', now);
    const sessionsEnded = await this.sessions.endAll(record.userId);
    this.events.record({ type: 'password.reset', userId: record.userId, sessionsEnded });
    return { sessionsEnded };
  }
}
