import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { type TestServer, api, registerUser, startServer, uniqueName } from '../harness.js';
import { expectError } from '../factories.js';

const JWT_SECRET = 'accounts-test-secret-of-at-least-32-characters';
const PASSWORD = 'correct horse battery';

describe('accounts', () => {
  let t: TestServer;
  beforeAll(async () => {
    // No refresh grace window: a token used twice is a replay at once (the window: sessions.test.ts).
    t = await startServer({ JWT_SECRET, ACCESS_TOKEN_TTL_SECONDS: '10', REFRESH_TOKEN_GRACE_MS: '0' });
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (body: Record<string, unknown>) => api(t.url, 'POST', '/api/v1/auth/register', { body });
  const login = (username: string, password: string) => api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password } });
  const refresh = (refreshToken: string) => api(t.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const me = (token: string) => api(t.url, 'GET', '/api/v1/users/me', { token });

  describe('POST /api/v1/auth/register', () => {
    it('creates the account and signs in: 201 {user, accessToken, refreshToken}', async () => {
      const username = uniqueName('reg');
      const res = await register({ username, password: PASSWORD, displayName: 'Reggie', email: 'reg@example.com' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        user: {
          id: expect.any(String),
          username,
          displayName: 'Reggie',
          bio: '',
          email: 'reg@example.com',
          isAdmin: false,
          createdAt: expect.any(String),
        },
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        accessTokenExpiresIn: 10,
      });
      expect(res.body.user).not.toHaveProperty('passwordHash');
      expect((await me(res.body.accessToken)).body).toEqual(res.body.user);
    });

    it('defaults the display name to the username and the email to null', async () => {
      const username = uniqueName('plain');
      const res = await register({ username, password: PASSWORD });
      expect(res.body.user).toMatchObject({ username, displayName: username, email: null });
    });

    it('accepts usernames of 3–32 letters and digits of one script and _ . -, and refuses anything else with 400', async () => {
      const suffix = Math.random().toString(36).slice(2, 8);
      for (const username of [
        `a.b-c_${suffix}`,
        `x${suffix}`.slice(0, 3),
        `m${suffix}`.padEnd(32, '9'),
        `émile_${suffix}`,
        `иван_${Date.now() % 1e6}`,
      ]) {
        expect((await register({ username, password: PASSWORD })).status, username).toBe(201);
      }
      for (const username of ['ab', 'x'.repeat(33), 'has space', 'semi;colon', 'at@sign', '', `\u0430dmin_${suffix}`]) {
        expectError(await register({ username, password: PASSWORD }), 400, 'validation_failed');
      }
    });

    it('keeps a username in NFKC form and unique ignoring case: full-width and styled letters are the plain ones', async () => {
      const base = `nfkc${Math.random().toString(36).slice(2, 8)}`;
      const wide = [...base].map((c) => (/[a-z]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41) : c)).join('');
      const created = await register({ username: wide, password: PASSWORD });
      expect(created.status).toBe(201);
      expect(created.body.user.username).toBe(base);
      expectError(await register({ username: base.toUpperCase(), password: PASSWORD }), 409, 'username_taken');
      expect((await login(base.toUpperCase(), PASSWORD)).status).toBe(200);
    });

    it('refuses a mixed-script look-alike of an existing name (Latin "admin" beside Cyrillic "аdmin")', async () => {
      const suffix = Math.random().toString(36).slice(2, 8);
      expect((await register({ username: `admin_${suffix}`, password: PASSWORD })).status).toBe(201);
      const res = await register({ username: `\u0430dmin_${suffix}`, password: PASSWORD });
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.details[0]).toMatchObject({ path: '/body/username', message: expect.stringContaining('of one script') });
    });

    // Issue 35: each name is of one script, so only the confusable skeleton (UTS #39) tells them apart.
    it('refuses a one-script look-alike of an existing name with 409 username_taken (Latin "copex…" beside all-Cyrillic "сорех…")', async () => {
      const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
      expect((await register({ username: `copex${digits}`, password: PASSWORD })).status).toBe(201);
      const cyrillic = `\u0441\u043e\u0440\u0435\u0445${digits}`;
      expectError(await register({ username: cyrillic, password: PASSWORD }), 409, 'username_taken');
      expectError(await register({ username: `COPEX${digits}`.replace('O', '\u041e'), password: PASSWORD }), 400, 'validation_failed'); // mixed
      // The other way round too: the Cyrillic name first.
      const other = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
      expect((await register({ username: `\u0441\u043e\u0440\u0435\u0445${other}`, password: PASSWORD })).status).toBe(201);
      expectError(await register({ username: `copex${other}`, password: PASSWORD }), 409, 'username_taken');
    });

    it('refuses invisible (default-ignorable) characters beside a plain name with 400', async () => {
      const base = uniqueName('inv').slice(0, 24);
      expect((await register({ username: base, password: PASSWORD })).status).toBe(201);
      for (const invisible of ['\u034F', '\uFE0F', '\u1160', '\u200D']) {
        const res = await register({ username: `${base.slice(0, 3)}${invisible}${base.slice(3)}`, password: PASSWORD });
        expectError(res, 400, 'validation_failed');
        expect(res.body.error.details[0]).toMatchObject({ path: '/body/username' });
      }
    });

    it('answers 409 username_taken for a taken username, ignoring case', async () => {
      const username = uniqueName('dup');
      expect((await register({ username, password: PASSWORD })).status).toBe(201);
      expectError(await register({ username, password: PASSWORD }), 409, 'username_taken');
      expectError(await register({ username: username.toUpperCase(), password: PASSWORD }), 409, 'username_taken');
    });

    it('lets exactly one of two concurrent registrations of a username win', async () => {
      const username = uniqueName('race');
      const answers = await Promise.all([
        register({ username, password: PASSWORD }),
        register({ username: username.toUpperCase(), password: PASSWORD }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    });

    it('refuses a malformed email and fields it does not know', async () => {
      expectError(await register({ username: uniqueName('em'), password: PASSWORD, email: 'not-an-email' }), 400, 'validation_failed');
      expectError(await register({ username: uniqueName('adm'), password: PASSWORD, isAdmin: true }), 400, 'validation_failed');
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('signs in with the same answer as register, the username matched ignoring case', async () => {
      const user = await registerUser(t.url, 'login');
      const res = await login(user.auth.user.username.toUpperCase(), PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        user: user.auth.user,
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        accessTokenExpiresIn: 10,
      });
      expect(res.body.refreshToken).not.toBe(user.auth.refreshToken); // a session of its own
      expect((await me(res.body.accessToken)).status).toBe(200);
    });

    it('gives a wrong password and an unknown user the same 401', async () => {
      const user = await registerUser(t.url, 'login');
      const wrongPassword = await login(user.auth.user.username, 'wrong password!');
      const unknownUser = await login(uniqueName('nobody'), PASSWORD);
      expectError(wrongPassword, 401, 'invalid_credentials');
      expect(unknownUser).toEqual(wrongPassword);
    });
  });

  describe('POST /api/v1/auth/refresh', () => {
    it('trades a refresh token for a new pair and spends the old one', async () => {
      const user = await registerUser(t.url, 'refresh');
      const res = await refresh(user.auth.refreshToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: { id: user.id }, accessToken: expect.any(String), refreshToken: expect.any(String) });
      expect(res.body.refreshToken).not.toBe(user.auth.refreshToken);
      expect((await me(res.body.accessToken)).body.id).toBe(user.id);
      // The successor keeps working while the session is healthy.
      expect((await refresh(res.body.refreshToken)).status).toBe(200);
    });

    it('ends the whole session when a spent refresh token is re-used', async () => {
      const user = await registerUser(t.url, 'replay');
      const next = await refresh(user.auth.refreshToken);
      expect(next.status).toBe(200);
      expectError(await refresh(user.auth.refreshToken), 401, 'unauthenticated');
      // The legitimate successor dies with the session.
      expectError(await refresh(next.body.refreshToken), 401, 'unauthenticated');
    });

    it('keeps other sessions of the same user alive when one is ended', async () => {
      const user = await registerUser(t.url, 'sessions');
      const other = await login(user.auth.user.username, PASSWORD);
      await refresh(user.auth.refreshToken);
      await refresh(user.auth.refreshToken); // replay: ends the first session only
      expect((await refresh(other.body.refreshToken)).status).toBe(200);
    });

    it('refuses an unknown refresh token', async () => {
      expectError(await refresh('never-issued'), 401, 'unauthenticated');
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('answers 204 and the session refresh token stops working', async () => {
      const user = await registerUser(t.url, 'logout');
      const res = await api(t.url, 'POST', '/api/v1/auth/logout', { token: user.token });
      expect(res).toEqual({ status: 204, body: null });
      expectError(await refresh(user.auth.refreshToken), 401, 'unauthenticated');
    });

    it('needs a signed-in user', async () => {
      expectError(await api(t.url, 'POST', '/api/v1/auth/logout'), 401, 'unauthenticated');
    });
  });

  describe('access tokens', () => {
    const sign = (claims: { sub: string; sid: string }, exp: number, secret = JWT_SECRET) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        // The server's defaults (JWT_ISSUER, JWT_AUDIENCE): only expiry or the signature is wrong here.
        .setIssuer('confab')
        .setAudience('confab')
        .setIssuedAt(exp - 10)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));

    it('are HS256 JWTs that live ACCESS_TOKEN_TTL_SECONDS', async () => {
      const user = await registerUser(t.url, 'jwt');
      const claims = decodeJwt(user.token);
      expect(claims.sub).toBe(user.id);
      expect(claims.exp! - claims.iat!).toBe(10);
    });

    it('answer 401 token_expired once expired', async () => {
      const user = await registerUser(t.url, 'expired');
      const { sid } = decodeJwt(user.token) as { sid: string };
      const now = Math.floor(Date.now() / 1000);
      expect((await me(await sign({ sub: user.id, sid }, now + 60))).status).toBe(200); // the signing is right
      expectError(await me(await sign({ sub: user.id, sid }, now - 60)), 401, 'token_expired');
    });

    it('answer 401 unauthenticated when missing, forged or not a JWT', async () => {
      const user = await registerUser(t.url, 'forged');
      const { sid } = decodeJwt(user.token) as { sid: string };
      const forged = await sign({ sub: user.id, sid }, Math.floor(Date.now() / 1000) + 60, 'another-secret-of-at-least-32-characters!!');
      expectError(await me(forged), 401, 'unauthenticated');
      expectError(await me('not-a-jwt'), 401, 'unauthenticated');
      expectError(await api(t.url, 'GET', '/api/v1/users/me'), 401, 'unauthenticated');
      expectError(
        await api(t.url, 'GET', '/api/v1/users/me', { headers: { authorization: `Basic ${user.token}` } }),
        401,
        'unauthenticated',
      );
    });
  });

  describe('/api/v1/users/me', () => {
    it('shows my profile with the private fields', async () => {
      const user = await registerUser(t.url, 'me');
      expect(await me(user.token)).toEqual({ status: 200, body: user.auth.user });
    });

    it('changes display name and bio, and nothing else', async () => {
      const user = await registerUser(t.url, 'patch');
      const patch = (body: unknown) => api(t.url, 'PATCH', '/api/v1/users/me', { token: user.token, body });
      const res = await patch({ displayName: 'New Name', bio: 'Hello there' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...user.auth.user, displayName: 'New Name', bio: 'Hello there' });
      expect((await patch({ bio: '' })).body).toMatchObject({ displayName: 'New Name', bio: '' });
      expectError(await patch({}), 400, 'validation_failed');
      expectError(await patch({ displayName: '' }), 400, 'validation_failed');
      expectError(await patch({ bio: 'b'.repeat(501) }), 400, 'validation_failed');
      expectError(await patch({ isAdmin: true }), 400, 'validation_failed');
      expectError(await patch({ username: 'renamed' }), 400, 'validation_failed');
      expect((await me(user.token)).body).toMatchObject({ username: user.auth.user.username, isAdmin: false, displayName: 'New Name' });
    });
  });

  describe('GET /api/v1/users (directory)', () => {
    /** Registers users whose usernames share a fresh prefix, so a search finds exactly them. */
    async function population(count: number) {
      const prefix = `dir${Math.random().toString(36).slice(2, 8)}`;
      const users = [];
      for (let i = 0; i < count; i++) {
        const username = `${prefix}_${String(i).padStart(2, '0')}`;
        const res = await register({ username, password: PASSWORD, displayName: `Person ${prefix} number ${i}` });
        users.push(res.body);
      }
      return { prefix, users, token: users[0].accessToken as string };
    }
    const search = (token: string, query: Record<string, string | number>) =>
      api(t.url, 'GET', `/api/v1/users?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, { token });

    it('finds users by username prefix, in username order, with public fields only', async () => {
      const { prefix, users, token } = await population(3);
      const res = await search(token, { q: prefix.toUpperCase() });
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((u: any) => u.username)).toEqual(users.map((u) => u.user.username));
      expect(res.body.items[0]).toMatchObject({
        id: users[0].user.id,
        displayName: users[0].user.displayName,
        bio: '',
        createdAt: expect.any(String),
      });
      for (const privateField of ['email', 'isAdmin', 'passwordHash']) expect(res.body.items[0]).not.toHaveProperty(privateField);
    });

    it('finds users by a part of their display name', async () => {
      const { prefix, users, token } = await population(2);
      const res = await search(token, { q: `${prefix} number 1` });
      expect(res.body.items.map((u: any) => u.id)).toEqual([users[1].user.id]);
    });

    it('pages with limit and an opaque cursor, nextCursor null on the last page', async () => {
      const { prefix, users, token } = await population(5);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: any } = await search(token, { q: prefix, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((u: any) => u.username));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor !== null);
      expect(pages).toBe(3);
      expect(seen).toEqual(users.map((u) => u.user.username));
    });

    it('treats LIKE wildcards in the query literally', async () => {
      const { token } = await population(1);
      expect((await search(token, { q: '%' })).body.items).toEqual([]);
    });

    it('refuses a bad limit, a forged cursor and unknown parameters with 400', async () => {
      const { token } = await population(1);
      expectError(await search(token, { limit: 0 }), 400, 'validation_failed');
      expectError(await search(token, { limit: 101 }), 400, 'validation_failed');
      expectError(await search(token, { cursor: 'bm90IGpzb24' }), 400, 'validation_failed');
      expectError(await search(token, { sort: 'name' }), 400, 'validation_failed');
    });

    it('needs a signed-in user', async () => {
      expectError(await api(t.url, 'GET', '/api/v1/users?q=a'), 401, 'unauthenticated');
    });
  });

  describe('GET /api/v1/users/:id', () => {
    it("shows a user's public profile, and 404 for an unknown id", async () => {
      const viewer = await registerUser(t.url, 'viewer');
      const target = await registerUser(t.url, 'target');
      const res = await api(t.url, 'GET', `/api/v1/users/${target.id}`, { token: viewer.token });
      const { id, username, displayName, bio, createdAt } = target.auth.user;
      expect(res).toMatchObject({ status: 200, body: { id, username, displayName, bio, createdAt } });
      for (const privateField of ['email', 'isAdmin', 'passwordHash']) expect(res.body).not.toHaveProperty(privateField);
      expectError(await api(t.url, 'GET', '/api/v1/users/no-such-user', { token: viewer.token }), 404, 'not_found');
    });
  });
});
