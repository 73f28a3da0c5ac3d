import type { AuthResponse, LoginBody, RegisterBody } from '@confab/protocol';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { SessionClient, Store, UserRecord } from '../../store/store.js';
import type { EmailVerification } from './email-verification.js';
import type { Passwords } from './passwords.js';
import type { SecurityEvents } from '../security-events.js';
import type { SessionRevocations } from './session-revocations.js';
import { type AccessClaims, type TokenService, hashRefreshToken } from './token-service.js';
import type { UserService } from './user-service.js';
import { meView } from '../views.js';
import { hashInviteToken } from './invite-service.js';
import { type RateLimitService, accountKey } from '../rate-limits.js';

const accountDeactivated = () =>
  new AppError('account_deactivated', 'This account has been deactivated by an administrator: it cannot sign in');

/** Who may sign up (REGISTRATION). */
export type RegistrationPolicy = 'open' | 'invite' | 'closed';

/**
 * Registration, sign-in and session lifecycle. A session that ends (logout, a replayed refresh
 * token) is announced to every node, which then refuses its tokens and closes its sockets.
 */
export class AuthService {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly passwords: Passwords,
    private readonly tokens: TokenService,
    private readonly revocations: SessionRevocations,
    private readonly verification: EmailVerification,
    private readonly events: SecurityEvents,
    /** REFRESH_TOKEN_GRACE_MS */
    private readonly refreshGraceMs: number,
    private readonly rateLimits: Pick<RateLimitService, 'check' | 'fail' | 'succeed'>,
    private readonly registration: RegistrationPolicy,
  ) {}

  /** REGISTRATION: `open` to all; `invite` with an unused, unexpired invite (spent by this sign-up); `closed` to none. */
  async register(input: RegisterBody, client?: SessionClient): Promise<AuthResponse> {
    if (this.registration === 'closed') {
      throw new AppError('registration_closed', 'Sign-up is not open on this server: an administrator creates accounts');
    }
    if (this.registration === 'invite' && input.invite === undefined) {
      throw new AppError('invite_invalid', 'Sign-up on this server needs an invite from an administrator');
    }
    const invite = this.registration === 'invite' && input.invite !== undefined ? { tokenHash: hashInviteToken(input.invite) } : undefined;
    const user = await this.users.create(input, { isAdmin: false }, invite);
    if (user.email !== null) this.verification.send(user.id, user.email);
    return this.startSession(user, client);
  }

  /**
   * A wrong password, an unknown user and an erased account get the same 401, in the same time.
   * Failed sign-ins are counted per account (whether or not it exists, so a 429 tells nothing):
   * past the free attempts the account backs off, 1 s doubling up to a cap, never locked for good.
   */
  async login(input: LoginBody, client?: SessionClient): Promise<AuthResponse> {
    const key = accountKey(input.username);
    await this.rateLimits.check('loginAccount', key);
    const found = await this.store.users.getUserByUsername(input.username);
    const user = found?.deletedAt === null ? found : undefined;
    const ok = user ? await this.passwords.verify(user.passwordHash, input.password) : await this.passwords.verifyNothing(input.password);
    if (!user || !ok) {
      this.events.record({ type: 'login.failed', userId: user?.id ?? null, ip: client?.ip ?? null });
      await this.rateLimits.fail('loginAccount', key, client?.ip ? { ip: client.ip } : {});
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    await this.rateLimits.succeed('loginAccount', key);
    // Said only to whoever knows the password: an unknown name and a deactivated one look alike otherwise.
    if (user.deactivatedAt !== null) {
      this.events.record({ type: 'login.failed', userId: user.id, ip: client?.ip ?? null, reason: 'deactivated' });
      throw accountDeactivated();
    }
    // Parameters raised since this hash was made (ARGON2_*): the password is at hand, hash it anew.
    if (this.passwords.needsRehash(user.passwordHash)) {
      await this.store.accounts.setPasswordHash(user.id, await this.passwords.hash(input.password));
      this.events.record({ type: 'password.rehashed', userId: user.id });
    }
    return this.startSession(user, client);
  }

  /**
   * Spends the refresh token for a new pair. The same token again within the grace window (two
   * tabs, a retry after a timeout) gets the same pair: the successor is derived from the token
   * and the access token from the moment it was first spent. Later, it ends the session.
   */
  async refresh(refreshToken: string, client?: SessionClient): Promise<AuthResponse> {
    const successor = this.tokens.successorOf(refreshToken);
    const now = Date.now();
    const result = await this.store.sessions.rotateRefreshToken({
      oldHash: hashRefreshToken(refreshToken),
      newHash: successor.hash,
      now,
      expiresAt: now + this.tokens.refreshTtlSeconds * 1000,
      reissueIfSpentAfter: now - this.refreshGraceMs,
      ...(client ? { client } : {}),
    });
    if (result.status === 'reused') {
      await this.revocations.announce(result.session, now);
      throw new AppError('unauthenticated', 'This refresh token was already used; the session has been ended for safety');
    }
    if (result.status === 'invalid') {
      // The session of a deactivated account was ended with it: say why, not just "not valid".
      const owner = result.endedSessionOf === undefined ? undefined : await this.store.users.getUser(result.endedSessionOf);
      if (owner !== undefined && owner.deactivatedAt !== null) throw accountDeactivated();
      throw new AppError('unauthenticated', 'The refresh token is not valid');
    }
    const user = await this.store.users.getUser(result.session.userId);
    if (!user) throw new AppError('unauthenticated', 'The refresh token is not valid');
    // Deactivated while this session was being made (AdminService.deactivate ends sessions after marking).
    if (user.deactivatedAt !== null) throw accountDeactivated();
    return this.authResponse(user, result.session.id, successor.token, result.rotatedAt);
  }

  async logout(claims: AccessClaims): Promise<void> {
    const now = Date.now();
    await this.store.sessions.revokeSession(claims.sessionId, now);
    await this.revocations.announce({ id: claims.sessionId, userId: claims.userId }, now);
  }

  /** A session for an account that proved itself another way than a password (an import's claim link). */
  signIn(user: UserRecord, client?: SessionClient): Promise<AuthResponse> {
    return this.startSession(user, client);
  }

  private async startSession(user: UserRecord, client?: SessionClient): Promise<AuthResponse> {
    const sessionId = newId();
    const refresh = this.tokens.newRefreshToken();
    const now = Date.now();
    await this.store.sessions.createSession(
      { id: sessionId, userId: user.id, createdAt: now, revokedAt: null },
      refresh.hash,
      now + this.tokens.refreshTtlSeconds * 1000,
      client,
    );
    return this.authResponse(user, sessionId, refresh.token);
  }

  /** `issuedAt`: when the pair was first issued (a refresh repeated within the grace window). */
  private async authResponse(user: UserRecord, sessionId: string, refreshToken: string, issuedAt = Date.now()): Promise<AuthResponse> {
    const age = Math.floor(Date.now() / 1000) - Math.floor(issuedAt / 1000);
    return {
      user: meView(user),
      accessToken: await this.tokens.issueAccessToken({ userId: user.id, sessionId }, issuedAt),
      refreshToken,
      accessTokenExpiresIn: this.tokens.accessTtlSeconds - age,
    };
  }
}
