import { type KeyObject, createHash, createHmac, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError, SessionRevoked } from '../../errors.js';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

/** Whether a session has ended; consulted on every token verified (services/accounts/session-revocations.ts). */
export interface RevocationCheck {
  isRevoked(sessionId: string): boolean;
}

export interface TokenSettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** `iss` and `aud` of every access token, both required when verifying. */
  issuer: string;
  audience: string;
}

/** Only this algorithm is accepted: never `none`, never a public-key algorithm confused with the HMAC key. */
const ALGORITHMS = ['HS256'];

/** Tokens in use at once (a client reuses its token for every call until it refreshes). */
const VERIFIED_TOKENS = 50_000;

interface Verified {
  claims: AccessClaims;
  /** `exp` in epoch ms: from then on the token is expired, as jose would say. */
  expiresAt: number;
}

/**
 * Access tokens are short-lived HS256 JWTs naming the user and session, refused once their
 * session has ended; refresh tokens are random strings of which the store keeps only a SHA-256
 * hash. A refresh token's successor is derived from it (an HMAC), so a refresh repeated within
 * the grace window can be answered with the same pair without storing any token (decision 0006).
 */
export class TokenService {
  /** A KeyObject made once: given raw bytes, jose imports a key on every sign and verify. */
  private readonly key: KeyObject;
  /** Its own key, derived from the secret, so the two uses never share one. */
  private readonly successorKey: Buffer;
  /**
   * Tokens whose signature and claims held, until they expire: a token's text fixes its claims,
   * so checking it again would only repeat the HMAC and JSON work (~50 µs) on every request.
   * Revocation is still checked on every use.
   */
  private readonly verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS });

  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;

  constructor(
    secret: string,
    private readonly settings: TokenSettings,
    private readonly sessions: RevocationCheck,
  ) {
    this.accessTtlSeconds = settings.accessTtlSeconds;
    this.refreshTtlSeconds = settings.refreshTtlSeconds;
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
    this.successorKey = Buffer.from(hkdfSync('sha256', secret, '', 'confab refresh-token successor', 32));
  }

  /** `issuedAt` (epoch ms) fixes the token: the same claims and instant always give the same text. */
  async issueAccessToken(claims: AccessClaims, issuedAt = Date.now()): Promise<string> {
    const iat = Math.floor(issuedAt / 1000);
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(claims.userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.accessTtlSeconds)
      .sign(this.key);
  }

  async verifyAccessToken(token: string): Promise<AccessClaims> {
    const known = this.verifiedAccessToken(token);
    if (known !== undefined) return known;
    const claims = await this.verifySignature(token);
    if (this.sessions.isRevoked(claims.sessionId)) throw new SessionRevoked();
    return claims;
  }

  /**
   * A token's claims when its signature was verified before and it has not expired, checked
   * against the revocation list as `verifyAccessToken` does; undefined when the signature is yet
   * to be verified (then call that).
   */
  verifiedAccessToken(token: string): AccessClaims | undefined {
    const known = this.verified.get(token);
    if (known === undefined || Date.now() >= known.expiresAt) return undefined;
    if (this.sessions.isRevoked(known.claims.sessionId)) throw new SessionRevoked();
    return known.claims;
  }

  private async verifySignature(token: string): Promise<AccessClaims> {
    let claims: AccessClaims;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ALGORITHMS,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') throw new Error('claims missing');
      claims = { userId: payload.sub, sessionId: payload['sid'] };
      this.verified.set(token, { claims, expiresAt: payload.exp! * 1000 });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'The access token has expired: refresh it');
      // Signed by us before tokens named an issuer and audience (claims are checked only once the
      // signature holds): refreshing gets one that does, so clients sail through the upgrade.
      if (
        error instanceof joseErrors.JWTClaimValidationFailed &&
        error.reason === 'missing' &&
        (error.claim === 'iss' || error.claim === 'aud')
      )
        throw new AppError('token_expired', "The access token predates this server's token rules: refresh it");
      throw new AppError('unauthenticated', 'The access token is not valid');
    }
    return claims;
  }

  /** Whether the session has ended (a socket's session is checked again as it opens). */
  isRevoked(sessionId: string): boolean {
    return this.sessions.isRevoked(sessionId);
  }

  newRefreshToken(): { token: string; hash: string } {
    return withHash(randomBytes(32).toString('base64url'));
  }

  /** The token that replaces `refreshToken` when it is spent: always the same one for the same token. */
  successorOf(refreshToken: string): { token: string; hash: string } {
    return withHash(createHmac('sha256', this.successorKey).update(refreshToken).digest('base64url'));
  }
}

const withHash = (token: string) => ({ token, hash: hashRefreshToken(token) });

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** JWT_SECRET when set; otherwise a random secret generated once and kept in DATA_DIR. */
export function resolveJwtSecret(configured: string | null, dataDir: string): string {
  if (configured !== null) return configured;
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
