import { hash, verify } from '@node-rs/argon2';
import type { AuthResponse, LoginBody, RegisterBody } from '@confab/protocol';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Store, UserRecord } from '../store/store.js';
import type { SessionRevocations } from './session-revocations.js';
import { type AccessClaims, type TokenService, hashRefreshToken } from './token-service.js';
import { UserService } from './user-service.js';
import { meView } from './views.js';
import { hashInviteToken } from './invite-service.js';
import { type Attempt, type RateLimitService, accountKey } from './rate-limits.js';

/** Who may sign up (REGISTRATION). */
export type RegistrationPolicy = 'open' | 'invite' | 'closed';

/**
 * Registration, sign-in and session lifecycle. Passwords are hashed with argon2id on libuv's
 * thread pool (@node-rs/argon2 is async), never on the event loop. A session that ends (logout,
 * a replayed refresh token) is announced to every node, which then refuses its tokens and closes
 * its sockets.
 */
export class AuthService {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly tokens: TokenService,
    private readonly revocations: SessionRevocations,
    /** REFRESH_TOKEN_GRACE_MS */
    private readonly refreshGraceMs: number,
    private readonly rateLimits: Pick<RateLimitService, 'check' | 'fail' | 'succeed'>,
    private readonly registration: RegistrationPolicy,
  ) {}

  /** REGISTRATION: `open` to all; `invite` with an unused, unexpired invite (spent by this sign-up); `closed` to none. */
  async register(input: RegisterBody): Promise<AuthResponse> {
    if (this.registration === 'closed') {
      throw new AppError('registration_closed', 'Sign-up is not open on this server: an administrator creates accounts');
    }
    if (this.registration === 'invite' && input.invite === undefined) {
      throw new AppError('invite_invalid', 'Sign-up on this server needs an invite from an administrator');
    }
    const invite = this.registration === 'invite' && input.invite !== undefined ? { tokenHash: hashInviteToken(input.invite) } : undefined;
    return this.startSession(await new UserService(this.store).create(input, { isAdmin: false }, invite));
  }

  /**
   * Failed sign-ins are counted per account (whether or not it exists, so a 429 tells nothing):
   * past the free attempts the account backs off, 1 s doubling up to a cap, never locked for good.
   */
  async login(input: LoginBody, who: Attempt = {}): Promise<AuthResponse> {
    const key = accountKey(input.username);
    await this.rateLimits.check('loginAccount', key);
    const user = await this.store.getUserByUsername(input.username);
    const ok = user ? await verify(user.passwordHash, input.password) : await this.verifyDummy(input.password);
    if (!user || !ok) {
      await this.rateLimits.fail('loginAccount', key, who);
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    await this.rateLimits.succeed('loginAccount', key);
    return this.startSession(user);
  }

  /**
   * Spends the refresh token for a new pair. The same token again within the grace window (two
   * tabs, a retry after a timeout) gets the same pair: the successor is derived from the token
   * and the access token from the moment it was first spent. Later, it ends the session.
   */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    const successor = this.tokens.successorOf(refreshToken);
    const now = Date.now();
    const result = await this.store.rotateRefreshToken({
      oldHash: hashRefreshToken(refreshToken),
      newHash: successor.hash,
      now,
      expiresAt: now + this.tokens.refreshTtlSeconds * 1000,
      reissueIfSpentAfter: now - this.refreshGraceMs,
    });
    if (result.status === 'reused') {
      await this.revocations.announce(result.session, now);
      throw new AppError('unauthenticated', 'This refresh token was already used; the session has been ended for safety');
    }
    if (result.status === 'invalid') throw new AppError('unauthenticated', 'The refresh token is not valid');
    const user = await this.store.getUser(result.session.userId);
    if (!user) throw new AppError('unauthenticated', 'The refresh token is not valid');
    return this.authResponse(user, result.session.id, successor.token, result.rotatedAt);
  }

  async logout(claims: AccessClaims): Promise<void> {
    const now = Date.now();
    await this.store.revokeSession(claims.sessionId, now);
    await this.revocations.announce({ id: claims.sessionId, userId: claims.userId }, now);
  }

  private async startSession(user: UserRecord): Promise<AuthResponse> {
    const sessionId = newId();
    const refresh = this.tokens.newRefreshToken();
    const now = Date.now();
    await this.store.createSession(
      { id: sessionId, userId: user.id, createdAt: now, revokedAt: null },
      refresh.hash,
      now + this.tokens.refreshTtlSeconds * 1000,
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

  private async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= hash('confab-dummy-password');
    await verify(await this.dummyHash, password);
    return false;
  }
}
