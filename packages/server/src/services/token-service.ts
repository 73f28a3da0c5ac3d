import { type KeyObject, createHash, createSecretKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { AppError } from '../errors.js';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

/**
 * Access tokens are short-lived HS256 JWTs naming the user and session; refresh tokens are
 * random strings of which the store keeps only a SHA-256 hash.
 */
export class TokenService {
  /** A KeyObject made once: given raw bytes, jose imports a key on every sign and verify. */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
    readonly refreshTtlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  async issueAccessToken(claims: AccessClaims): Promise<string> {
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.accessTtlSeconds)
      .sign(this.key);
  }

  async verifyAccessToken(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') throw new Error('claims missing');
      return { userId: payload.sub, sessionId: payload['sid'] };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'The access token has expired: refresh it');
      throw new AppError('unauthenticated', 'The access token is not valid');
    }
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: hashRefreshToken(token) };
  }
}

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
