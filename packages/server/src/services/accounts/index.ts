import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { AccountService } from './account-service.js';
import { AccountTokens } from './account-tokens.js';
import { BackgroundWork } from '../../infra/background-work.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { DataExport } from './data-export.js';
import { EmailVerification } from './email-verification.js';
import { type Mailer, createMailer } from '../../infra/mailer.js';
import type { MessageLifecycle } from '../messaging/message-lifecycle.js';
import { PasswordResetService } from './password-reset.js';
import { Passwords } from './passwords.js';
import type { SecurityEvents } from '../security-events.js';
import { AuthService } from './auth-service.js';
import type { RateLimitService } from '../rate-limits.js';
import type { TokenService } from './token-service.js';
import { SessionService } from './session-service.js';
import type { SessionRevocations } from './session-revocations.js';
import { UserService } from './user-service.js';
import type { Store } from '../../store/store.js';

/** The password rules and hashing the configuration sets (also for `confab admin create`). */
export const passwordsFor = (config: Config) =>
  new Passwords({
    memoryKib: config.accounts.argon2MemoryKib,
    timeCost: config.accounts.argon2TimeCost,
    threadNice: config.accounts.argon2ThreadNice,
  });

/** The one way to make a UserService: the same password rules and username hold everywhere. */
export const userServiceFor = (store: Store, config: Config, passwords = passwordsFor(config)) =>
  new UserService(store, passwords, config.accounts.usernameHoldDays, config.directory);

export interface AccountServices {
  auth: AuthService;
  passwords: Passwords;
  users: UserService;
  sessions: SessionService;
  emailVerification: EmailVerification;
  passwordReset: PasswordResetService;
  accounts: AccountService;
  dataExport: DataExport;
  /** Shutdown: waits for the mails and lookups still running, then lets go of the mail transport. */
  close(): Promise<void>;
}

/** Wires the accounts side (issue 12): passwords, mail, account tokens, sessions, export, erasure. */
export function createAccountServices(deps: {
  config: Config;
  store: Store;
  logger: Logger;
  revocations: SessionRevocations;
  conversations: ConversationService;
  lifecycle: MessageLifecycle;
  tokens: TokenService;
  rateLimits: RateLimitService;
  securityEvents: SecurityEvents;
  mailer?: Mailer;
}): AccountServices {
  const { config, store, logger, securityEvents } = deps;
  const { publicUrl } = config.accounts;
  const passwords = passwordsFor(config);
  const users = userServiceFor(store, config, passwords);
  const mailer =
    deps.mailer ?? createMailer({ smtpUrl: config.accounts.smtpUrl, from: config.accounts.mailFrom, dataDir: config.dataDir, logger });
  const background = new BackgroundWork((error, what) => logger.warn({ err: error }, `${what} failed`));
  const tokens = new AccountTokens(store);
  const sessions = new SessionService(store, deps.revocations, securityEvents);
  const emailVerification = new EmailVerification(store, passwords, tokens, mailer, background, securityEvents, {
    publicUrl,
    ttlSeconds: config.accounts.emailVerifyTtlSeconds,
  });
  const passwordReset = new PasswordResetService(store, passwords, tokens, mailer, background, sessions, securityEvents, deps.rateLimits, {
    publicUrl,
    ttlSeconds: config.accounts.passwordResetTtlSeconds,
  });
  return {
    auth: new AuthService(
      store,
      users,
      passwords,
      deps.tokens,
      deps.revocations,
      emailVerification,
      securityEvents,
      config.refreshTokenGraceMs,
      deps.rateLimits,
      config.registration,
    ),
    passwords,
    users,
    sessions,
    emailVerification,
    passwordReset,
    accounts: new AccountService(store, passwords, sessions, deps.lifecycle, securityEvents),
    dataExport: new DataExport(store, users, sessions, deps.conversations),
    async close() {
      await background.settle();
      mailer.close();
    },
  };
}
