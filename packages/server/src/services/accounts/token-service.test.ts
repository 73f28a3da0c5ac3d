import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, SessionRevoked } from '../../errors.js';
import { TokenService, hashRefreshToken, resolveJwtSecret } from './token-service.js';

const SECRET = 'token-service-test-secret-32-chars-long';
const revoked = new Set<string>();
const SETTINGS = { accessTtlSeconds: 900, refreshTtlSeconds: 3600, issuer: 'https://chat.example', audience: 'confab-test' };
const tokens = new TokenService(SECRET, SETTINGS, { isRevoked: (sessionId: string) => revoked.has(sessionId) });
const key = new TextEncoder().encode(SECRET);

/** A token as this service signs them, to be spoiled one claim or header at a time. */
function jwt(payload: Record<string, unknown> = { sid: 's1' }, alg = 'HS256') {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(payload)
    .setProtectedHeader({ alg })
    .setSubject('u1')
    .setIssuer(SETTINGS.issuer)
    .setAudience(SETTINGS.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60);
}

async function rejection(token: string): Promise<AppError> {
  const error = await tokens.verifyAccessToken(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('TokenService', () => {
  it('issues access tokens that verify back to their user and session, living accessTtlSeconds', async () => {
    const token = await tokens.issueAccessToken({ userId: 'u1', sessionId: 's1' });
    expect(await tokens.verifyAccessToken(token)).toEqual({ userId: 'u1', sessionId: 's1' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(900);
  });

  it('answers an expired token with token_expired (the client should refresh)', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await jwt()
      .setIssuedAt(past - 900)
      .setExpirationTime(past)
      .sign(key);
    expect(await rejection(expired)).toMatchObject({ code: 'token_expired', status: 401 });
  });

  it('names its issuer and audience, and refuses a wrong audience, a wrong issuer, no expiry, alg none and another algorithm', async () => {
    const token = await tokens.issueAccessToken({ userId: 'u1', sessionId: 's1' });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string };
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iss: string; aud: string };
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: SETTINGS.issuer, aud: SETTINGS.audience });
    expect(await tokens.verifyAccessToken(await jwt().sign(key))).toEqual({ userId: 'u1', sessionId: 's1' });

    const wrongAudience = await jwt().setAudience('another-service').sign(key);
    const wrongIssuer = await jwt().setIssuer('https://evil.example').sign(key);
    const noExpiry = await new SignJWT({ sid: 's1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer(SETTINGS.issuer)
      .setAudience(SETTINGS.audience)
      .setIssuedAt()
      .sign(key);
    // alg none: the same claims, unsigned (jose's UnsecuredJWT writes {"alg":"none"} and no signature).
    const none = new UnsecuredJWT({ sid: 's1' })
      .setSubject('u1')
      .setIssuer(SETTINGS.issuer)
      .setAudience(SETTINGS.audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .encode();
    // Another HMAC algorithm (jose wants a 64-byte key for HS512): refused for its algorithm.
    const hs512 = await jwt({ sid: 's1' }, 'HS512').sign(new TextEncoder().encode(SECRET.repeat(2)));
    // alg none with our header's signature part kept: still refused.
    const noneWithSignature = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.${token.split('.')[2]}`;
    for (const [what, bad] of Object.entries({ wrongAudience, wrongIssuer, noExpiry, none, hs512, noneWithSignature })) {
      expect(await rejection(bad), what).toMatchObject({ code: 'unauthenticated', status: 401 });
    }
  });

  it('asks for a refresh (token_expired) for a token it signed before tokens named an issuer and audience', async () => {
    const legacy = await new SignJWT({ sid: 's1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key);
    expect(await rejection(legacy)).toMatchObject({ code: 'token_expired' });
    // The same, not signed by us: not valid at all.
    const forgedLegacy = await new SignJWT({ sid: 's1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode('a-different-secret-that-is-32-chars!!'));
    expect(await rejection(forgedLegacy)).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers forged, unsigned, incomplete and garbage tokens with unauthenticated', async () => {
    const soon = Math.floor(Date.now() / 1000) + 60;
    const otherKey = new TextEncoder().encode('a-different-secret-that-is-32-chars!!');
    const forged = await jwt().sign(otherKey);
    const unsigned = new UnsecuredJWT({ sid: 's1' }).setSubject('u1').setExpirationTime(soon).encode();
    const noSession = await jwt({}).sign(key);
    const noUser = await new SignJWT({ sid: 's1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(SETTINGS.issuer)
      .setAudience(SETTINGS.audience)
      .setIssuedAt()
      .setExpirationTime(soon)
      .sign(key);
    const wrongAlg = await new SignJWT({ sid: 's1' })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('u1')
      .setExpirationTime(soon)
      .sign(new TextEncoder().encode(SECRET.repeat(2)));
    for (const token of [forged, unsigned, noSession, noUser, wrongAlg, 'garbage', '']) {
      expect(await rejection(token), token).toMatchObject({ code: 'unauthenticated', status: 401 });
    }
  });

  it("refuses a valid token once its session has ended, as SessionRevoked (401, the socket's 4403)", async () => {
    const token = await tokens.issueAccessToken({ userId: 'u1', sessionId: 'ended' });
    expect(await tokens.verifyAccessToken(token)).toEqual({ userId: 'u1', sessionId: 'ended' });
    revoked.add('ended');
    const error = await rejection(token);
    expect(error).toBeInstanceOf(SessionRevoked);
    expect(error).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('remembers a verified token until its expiry, still checking its session on every use', async () => {
    const fresh = new TokenService(SECRET, SETTINGS, { isRevoked: (sessionId: string) => revoked.has(sessionId) });
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['Date'] });
    try {
      const token = await fresh.issueAccessToken({ userId: 'u1', sessionId: 'cached' });
      // Not verified yet: nothing remembered (the caller then verifies the signature).
      expect(fresh.verifiedAccessToken(token)).toBeUndefined();
      expect(await fresh.verifyAccessToken(token)).toEqual({ userId: 'u1', sessionId: 'cached' });
      vi.setSystemTime(Date.UTC(2026, 0, 1) + 899_999);
      expect(await fresh.verifyAccessToken(token)).toEqual({ userId: 'u1', sessionId: 'cached' });
      expect(fresh.verifiedAccessToken(token)).toEqual({ userId: 'u1', sessionId: 'cached' });
      revoked.add('cached');
      await expect(fresh.verifyAccessToken(token)).rejects.toBeInstanceOf(SessionRevoked);
      expect(() => fresh.verifiedAccessToken(token)).toThrow(SessionRevoked);
      revoked.delete('cached');
      // The instant jose would call it expired, the remembered verdict ends too.
      vi.setSystemTime(Date.UTC(2026, 0, 1) + 900_000);
      expect(fresh.verifiedAccessToken(token)).toBeUndefined();
      await expect(fresh.verifyAccessToken(token)).rejects.toMatchObject({ code: 'token_expired', status: 401 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('signs the same claims at the same instant to the same token (a refresh repeated within the grace window)', async () => {
    const at = Date.now() - 5000;
    const a = await tokens.issueAccessToken({ userId: 'u1', sessionId: 's1' }, at);
    const b = await tokens.issueAccessToken({ userId: 'u1', sessionId: 's1' }, at + 1);
    expect(a).toBe(b);
    const payload = JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    expect(payload).toMatchObject({ iat: Math.floor(at / 1000), exp: Math.floor(at / 1000) + 900 });
  });

  it("derives a refresh token's successor: the same for the same token, unguessable without the secret", () => {
    const { token } = tokens.newRefreshToken();
    const successor = tokens.successorOf(token);
    expect(tokens.successorOf(token)).toEqual(successor);
    expect(successor.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(successor.hash).toBe(hashRefreshToken(successor.token));
    expect(successor.token).not.toBe(token);
    expect(tokens.successorOf(successor.token).token).not.toBe(successor.token);
    const otherSecret = new TokenService('another-secret-of-at-least-32-chars!!', SETTINGS, { isRevoked: () => false });
    expect(otherSecret.successorOf(token).token).not.toBe(successor.token);
  });

  it('makes refresh tokens random and keeps only their SHA-256', () => {
    const a = tokens.newRefreshToken();
    const b = tokens.newRefreshToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.hash).toBe(hashRefreshToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('resolveJwtSecret', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('uses JWT_SECRET when set', () => {
    expect(resolveJwtSecret('configured', '/nonexistent')).toBe('configured');
  });

  it('otherwise generates one into DATA_DIR once, readable only by its owner, and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-secret-'));
    dirs.push(dir);
    const first = resolveJwtSecret(null, path.join(dir, 'data'));
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, 'data', 'jwt-secret');
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret(null, path.join(dir, 'data'))).toBe(first);
  });
});
