import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket, type TestServer, registerUser, startServer } from '../harness.js';

const SECRET = 'a surface test secret of at least 32 characters';

/**
 * The hardened surface over HTTP: security headers and CSP on every answer, CORS from the exact
 * allowlist only, no caching of API answers, and access tokens refused unless they are ours in
 * every respect (algorithm, issuer, audience, expiry) — over REST and the WebSocket upgrade.
 */
describe('the surface', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ CORS_ORIGINS: 'https://chat.example.com,http://localhost:5173', JWT_SECRET: SECRET });
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends the security headers and a strict CSP (no inline script, never framed) on API answers and errors alike', async () => {
    for (const path of ['/api/v1/users/me', '/healthz', '/no/such/route']) {
      const response = await fetch(server.url + path);
      const csp = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
          .map(([k, ...v]) => [k, v]),
      );
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers CORS for the listed origins only, exactly', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/users/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://chat.example.com');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    for (const origin of ['https://evil.example', 'https://chat.example.com.evil.example', 'http://chat.example.com', 'null']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    const simple = await fetch(`${server.url}/healthz`, { headers: { origin: 'http://localhost:5173' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(simple.headers.get('vary')).toContain('Origin');
  });

  it('marks API answers no-store (signed-in answers and those carrying tokens)', async () => {
    const alice = await registerUser(server.url);
    const me = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    const refused = await fetch(`${server.url}/api/v1/users/me`);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses tokens with alg none, another algorithm, no or a past expiry, a wrong audience or issuer: REST 401, WebSocket 4401', async () => {
    const alice = await registerUser(server.url);
    const claims = JSON.parse(Buffer.from(alice.token.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: string };
    expect(claims).toMatchObject({ iss: 'confab', aud: 'confab' });
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const sign = (edit: (jwt: SignJWT) => SignJWT, alg = 'HS256', secret = key) =>
      edit(
        new SignJWT({ sid: claims.sid })
          .setProtectedHeader({ alg })
          .setSubject(claims.sub)
          .setIssuer('confab')
          .setAudience('confab')
          .setIssuedAt(now)
          .setExpirationTime(now + 60),
      ).sign(secret);
    // The control: a token made this way is accepted.
    const good = await sign((j) => j);
    expect((await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${good}` } })).status).toBe(200);
    const bad: Record<string, string> = {
      algNone: new UnsecuredJWT({ sid: claims.sid })
        .setSubject(claims.sub)
        .setIssuer('confab')
        .setAudience('confab')
        .setExpirationTime('1m')
        .encode(),
      hs512: await sign((j) => j, 'HS512', new TextEncoder().encode(SECRET + SECRET)),
      expired: await sign((j) => j.setIssuedAt(now - 120).setExpirationTime(now - 60)),
      wrongAudience: await sign((j) => j.setAudience('another-app')),
      wrongIssuer: await sign((j) => j.setIssuer('https://evil.example')),
      noExpiry: await new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer('confab')
        .setAudience('confab')
        .setIssuedAt(now)
        .sign(key),
    };
    for (const [what, token] of Object.entries(bad)) {
      const response = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, what).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code, what).toBe(
        what === 'expired' ? 'token_expired' : 'unauthenticated',
      );
      const socket = await RawSocket.open(server.url, token);
      expect(await socket.closed, what).toBe(4401);
    }
  });
});

/** The default, no CORS_ORIGINS: no origin is ever allowed, on a preflight or on a simple request. */
describe('the surface without a CORS allowlist', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ CORS_ORIGINS: '' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('allows no origin: a preflight is refused and no answer names an origin', async () => {
    const preflight = await fetch(`${server.url}/api/v1/users/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://chat.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    const simple = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://chat.example.com' } });
    expect(simple.status).toBe(200);
    for (const response of [preflight, simple]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
