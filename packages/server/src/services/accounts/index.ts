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
import { AccountClaim, type AccountStateChanges } from './account-claim.js';
import { Passwords } from './passwords.js';
import type { SecurityEvents } from '../security-events.js';
import { AuthService } from './auth-service.js';
import type { RateLimitService } from '../rate-limits.js';
import { TokenService, resolveJwtSecret } from './token-service.js';
import { SessionService } from './session-service.js';
import { SessionRevocations } from './session-revocations.js';
import { InviteService } from './invite-service.js';
import type { EventBus } from '../../bus/bus.js';
import type { Backends } from '../backends.js';
import { UserService } from './user-service.js';
import { AvatarService } from './avatar-service.js';
import type { BlobStore } from '../../blobs/blob-store.js';
import { ProfileAnnouncer } from './profile-announcer.js';
import type { Store } from '../../store/store.js';

/** The password rules and hashing the configuration sets (also for `confab admin create`). */
export const passwordsFor = (config: Config) =>
  new Passwords({
    memoryKib: config.accounts.argon2MemoryKib,
    timeCost: config.accounts.argon2TimeCost,
    threadNice: config.accounts.argon2ThreadNice,
  });

/** The one way to make a UserService: the same password rules and username hold everywhere. */
export const userServiceFor = (store: Store, config: Config, passwords = passwordsFor(config), profiles?: ProfileAnnouncer) =>
  new UserService(store, passwords, config.accounts.usernameHoldDays, config.directory, profiles);

/** The session side, up before anything serves: a token of a session ended while this node was down is refused too. */
export async function openSessions({ config, store, bus, logger }: Pick<Backends, 'config' | 'store' | 'bus' | 'logger'>) {
  const revocations = revocationsFor(config, store, bus, logger);
  await revocations.start();
  const tokens = new TokenService(
    resolveJwtSecret(config.jwtSecret, config.dataDir),
    {
      accessTtlSeconds: config.accessTokenTtlSeconds,
      refreshTtlSeconds: config.refreshTokenTtlSeconds,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    },
    revocations,
  );
  return { revocations, tokens };
}

export type Sessions = Awaited<ReturnType<typeof openSessions>>;

/** The sessions ended lately, as a node (or the CLI) follows them. */
export const revocationsFor = (config: Config, store: Store, bus: EventBus, logger: Logger) =>
  new SessionRevocations(store, bus, {
    accessTtlMs: config.accessTokenTtlSeconds * 1000,
    checkIntervalMs: config.revocationCheckIntervalMs,
    onError: (error) => logger.warn({ err: error }, 'could not read the sessions ended lately'),
  });

export interface Accounts {
  /** Access and refresh tokens: every authenticated route checks its bearer with them. */
  tokens: TokenService;
  revocations: SessionRevocations;
  auth: AuthService;
  passwords: Passwords;
  users: UserService;
  /** People's pictures: set, removed, served, and deleted with an erased account. */
  avatars: AvatarService;
  /** My sessions: listing and ending them (also for the admin calls). */
  sessions: SessionService;
  emailVerification: EmailVerification;
  passwordReset: PasswordResetService;
  /** Imported accounts: the claim mail, and the first password that activates one. */
  claim: AccountClaim;
  /** Password change and account erasure. */
  account: AccountService;
  dataExport: DataExport;
  /** Sign-up invites (REGISTRATION=invite). */
  invites: InviteService;
  /** Shutdown: waits for the mails and lookups still running, then lets go of the mail transport. */
  close(): Promise<void>;
}

/** Wires the accounts side (issue 12): passwords, mail, account tokens, sessions, invites, export, erasure. */
export function createAccounts(
  { config, store, bus, logger }: Pick<Backends, 'config' | 'store' | 'bus' | 'logger'>,
  deps: {
    blobs: BlobStore;
    sessions: Sessions;
    conversations: ConversationService;
    lifecycle: MessageLifecycle;
    rateLimits: RateLimitService;
    securityEvents: SecurityEvents;
    mailer?: Mailer;
    accountStates?: AccountStateChanges;
  },
): Accounts {
  const { securityEvents } = deps;
  const { revocations } = deps.sessions;
  const { publicUrl } = config.accounts;
  const passwords = passwordsFor(config);
  const profiles = new ProfileAnnouncer(store, bus);
  const users = userServiceFor(store, config, passwords, profiles);
  const avatars = new AvatarService(store, deps.blobs, config.maxUploadBytes, profiles);
  const mailer =
    deps.mailer ?? createMailer({ smtpUrl: config.accounts.smtpUrl, from: config.accounts.mailFrom, dataDir: config.dataDir, logger });
  const background = new BackgroundWork((error, what) => logger.warn({ err: error }, `${what} failed`));
  const tokens = new AccountTokens(store);
  const sessions = new SessionService(store, revocations, securityEvents);
  const emailVerification = new EmailVerification(store, passwords, tokens, mailer, background, securityEvents, {
    publicUrl,
    ttlSeconds: config.accounts.emailVerifyTtlSeconds,
  });
  const passwordReset = new PasswordResetService(store, passwords, tokens, mailer, background, sessions, securityEvents, deps.rateLimits, {
    publicUrl,
    ttlSeconds: config.accounts.passwordResetTtlSeconds,
  });
  return {
    tokens: deps.sessions.tokens,
    revocations,
    auth: new AuthService(
      store,
      users,
      passwords,
      deps.sessions.tokens,
      revocations,
      emailVerification,
      securityEvents,
      config.refreshTokenGraceMs,
      deps.rateLimits,
      config.registration,
    ),
    passwords,
    users,
    avatars,
    sessions,
    emailVerification,
    passwordReset,
    claim: new AccountClaim(
      store,
      passwords,
      tokens,
      mailer,
      securityEvents,
      { publicUrl, ttlSeconds: config.accounts.accountClaimTtlSeconds },
      deps.accountStates,
    ),
    account: new AccountService(store, passwords, sessions, deps.lifecycle, securityEvents, avatars, profiles),
    dataExport: new DataExport(store, users, sessions, deps.conversations),
    invites: new InviteService(store, config.inviteTtlSeconds, securityEvents),
    async close() {
      await background.settle();
      mailer.close();
    },
  };
}
