import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAccountToken } from '../../src/services/accounts/account-tokens.js';
import { engines } from '../engines.js';
import { expectError } from '../factories.js';
import { RawSocket, type TestServer, api, uniqueName, until } from '../harness.js';
import { MailCatcher, tokenIn } from '../mail.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const PUBLIC_URL = 'https://chat.example.test';
const mail = await MailCatcher.start();
afterAll(() => mail.close());

/**
 * Email verification, password recovery by mail and password change (issue 12), end to end on
 * each store, the mails received by a real SMTP server and the tokens read out of them.
 */
describe.each(
  await engines({
    SMTP_URL: mail.url,
    PUBLIC_URL,
    MAIL_FROM: 'Confab <no-reply@example.test>',
    // Every request here comes from one address; the per-address limit has its own tests (rate-limits.test.ts).
    RATE_LIMIT_PASSWORD_FORGOT_IP: '1000/3600',
  }),
)('account recovery on %s', (_name, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  }, 60_000);
  afterAll(() => t.close());

  const post = (path: string, body: unknown, token?: string) => api(t.url, 'POST', path, { body, ...(token ? { token } : {}) });
  const me = (token: string) => api(t.url, 'GET', '/api/v1/users/me', { token });
  const login = (username: string, password: string) => post('/api/v1/auth/login', { username, password });
  const freshEmail = () => `${uniqueName('m')}@Example.test`;

  /** A new account with an address, verified through its mail unless asked not to. */
  async function account(options: { verified?: boolean } = {}) {
    const email = freshEmail();
    const res = await post('/api/v1/auth/register', { username: uniqueName('acct'), password: PASSWORD, email });
    expect(res.status).toBe(201);
    if (options.verified !== false) {
      const verify = await mail.next(email, /Confirm/);
      expect((await post('/api/v1/auth/email/verify', { token: tokenIn(verify) })).status).toBe(200);
    }
    return { email, username: res.body.user.username as string, id: res.body.user.id as string, token: res.body.accessToken as string };
  }

  describe('email', () => {
    it('mails a verification link built on PUBLIC_URL; the address is verified once, then the token is spent', async () => {
      const email = freshEmail();
      const res = await post('/api/v1/auth/register', { username: uniqueName('ver'), password: PASSWORD, email });
      expect(res.body.user).toMatchObject({ email, emailVerified: false });
      const received = await mail.next(email, /Confirm your email address/);
      expect(received.from).toContain('no-reply@example.test');
      expect(received.text).toContain(`${PUBLIC_URL}/verify-email?token=`);
      expect(received.html).toMatch(/<a href="https:\/\/chat\.example\.test\/verify-email\?token=/);
      const token = tokenIn(received);
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);

      expect(await post('/api/v1/auth/email/verify', { token })).toMatchObject({ status: 200, body: { email, emailVerified: true } });
      expect((await me(res.body.accessToken)).body).toMatchObject({ email, emailVerified: true });
      expectError(await post('/api/v1/auth/email/verify', { token }), 400, 'invalid_token');
    });

    it('refuses unknown and malformed tokens, and a reset token (another purpose)', async () => {
      expectError(await post('/api/v1/auth/email/verify', { token: 'A'.repeat(43) }), 400, 'invalid_token');
      expectError(await post('/api/v1/auth/email/verify', { token: 'short' }), 400, 'validation_failed');
      expectError(await post('/api/v1/auth/email/verify', { token: 'not a token!'.repeat(3) }), 400, 'validation_failed');
      const user = await account();
      await post('/api/v1/auth/password/forgot', { login: user.username });
      const reset = tokenIn(await mail.next(user.email, /Reset/));
      expectError(await post('/api/v1/auth/email/verify', { token: reset }), 400, 'invalid_token');
    });

    // Issue 35: sign-up told whether another account had an address (409 email_taken), and an
    // unverified claim squatted it. Now sign-up answers alike and the first to confirm owns it.
    it('answers sign-up alike whoever has the address; the first account to confirm it owns it, ignoring case', async () => {
      const email = freshEmail();
      const register = (prefix: string, address: string) =>
        post('/api/v1/auth/register', { username: uniqueName(prefix), password: PASSWORD, email: address });
      const links = () => mail.to(email).filter((m) => /Confirm/.test(m.subject));
      const first = await register('sq1', email);
      await until(() => links().length === 1, "the first account's link");
      const second = await register('sq2', email.toUpperCase());
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(Object.keys(second.body).sort()).toEqual(Object.keys(first.body).sort());
      expect(second.body.user).toMatchObject({ email: email.toUpperCase(), emailVerified: false });
      await until(() => links().length === 2, "the second account's link");
      const [firstToken, secondToken] = links().map(tokenIn) as [string, string];

      // The second confirms first: the address is theirs, the first account's claim is dropped.
      expect(await post('/api/v1/auth/email/verify', { token: secondToken })).toMatchObject({ status: 200, body: { emailVerified: true } });
      expect((await me(second.body.accessToken)).body).toMatchObject({ email: email.toUpperCase(), emailVerified: true });
      expect((await me(first.body.accessToken)).body).toMatchObject({ email: null, emailVerified: false });
      expectError(await post('/api/v1/auth/email/verify', { token: firstToken }), 409, 'email_taken');
      // An address names only the account that confirmed it (password recovery by address).
      expect((await t.server.services.store.accounts.getUserByEmail(email))?.id).toBe(second.body.user.id);

      // Giving the confirmed address again (sign-up or change) answers as before; its owner gets a notice, not a link.
      const third = await register('sq3', email);
      expect(third.status).toBe(201);
      expect(third.body.user).toMatchObject({ email, emailVerified: false });
      const other = await account({ verified: false });
      expect(await post('/api/v1/users/me/email', { email, password: PASSWORD }, other.token)).toMatchObject({
        status: 200,
        body: { email, emailVerified: false },
      });
      await until(() => mail.to(email).filter((m) => /was used to sign up/.test(m.subject)).length === 2, 'two notices to the owner');
      expect(links()).toHaveLength(2);
    });

    it('changes the address only with the password; the new one is unverified and the old link verifies nothing', async () => {
      const user = await account({ verified: false });
      const oldToken = tokenIn(await mail.next(user.email, /Confirm/));
      const next = freshEmail();
      expectError(await post('/api/v1/users/me/email', { email: next, password: 'not my password' }, user.token), 403, 'wrong_password');
      expectError(await post('/api/v1/users/me/email', { email: next, password: PASSWORD }), 401, 'unauthenticated');
      const changed = await post('/api/v1/users/me/email', { email: next, password: PASSWORD }, user.token);
      expect(changed).toMatchObject({ status: 200, body: { email: next, emailVerified: false } });
      expectError(await post('/api/v1/auth/email/verify', { token: oldToken }), 400, 'invalid_token');
      const newToken = tokenIn(await mail.next(next, /Confirm/));
      expect((await post('/api/v1/auth/email/verify', { token: newToken })).status).toBe(200);
      expect((await me(user.token)).body).toMatchObject({ email: next, emailVerified: true });
    });

    it('shows email and emailVerified to myself only', async () => {
      const [a, b] = [await account(), await account()];
      const seen = await api(t.url, 'GET', `/api/v1/users/${a.id}`, { token: b.token });
      expect(seen.status).toBe(200);
      expect(seen.body).not.toHaveProperty('email');
      expect(seen.body).not.toHaveProperty('emailVerified');
    });
  });

  describe('forgot and reset', () => {
    it('answers every request 202 with the same body and headers; only a verified account gets a mail', async () => {
      const user = await account();
      const unverified = await account({ verified: false });
      const answers = await Promise.all(
        [user.username, user.email.toUpperCase(), unverified.username, uniqueName('nobody'), 'nobody@nowhere.test'].map((login) =>
          fetch(`${t.url}/api/v1/auth/password/forgot`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ login }),
          }),
        ),
      );
      const shapes = await Promise.all(
        answers.map(async (r) => ({
          status: r.status,
          body: await r.text(),
          headers: [...r.headers.keys()].filter((h) => h !== 'date').sort(),
          length: r.headers.get('content-length'),
        })),
      );
      expect(shapes[0]!.status).toBe(202);
      for (const shape of shapes) expect(shape).toEqual(shapes[0]);
      await t.server.services.accounts.passwordReset.settled();
      expect(mail.to(user.email).filter((m) => /Reset/.test(m.subject))).toHaveLength(2);
      expect(mail.to(unverified.email).filter((m) => /Reset/.test(m.subject))).toHaveLength(0);
    });

    it('takes the same time whether or not the account exists', async () => {
      const user = await account();
      const time = async (login: string) => {
        const started = performance.now();
        expect((await post('/api/v1/auth/password/forgot', { login })).status).toBe(202);
        return performance.now() - started;
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 7; i++) {
        known.push(await time(user.username));
        unknown.push(await time(uniqueName('ghost')));
      }
      await t.server.services.accounts.passwordReset.settled();
      // The lookup and the mail happen after the answer: both answers are a validation and a reply.
      expect(Math.abs(median(known) - median(unknown))).toBeLessThan(50);
    });

    it('resets once: sessions end everywhere (sockets 4403), the old password and the token stop working', async () => {
      const user = await account();
      const second = (await login(user.username, PASSWORD)).body;
      const sockets = await Promise.all([RawSocket.ready(t.url, user.token), RawSocket.ready(t.url, second.accessToken)]);
      await post('/api/v1/auth/password/forgot', { login: user.email });
      const received = await mail.next(user.email, /Reset your password/);
      expect(received.text).toContain(`${PUBLIC_URL}/reset-password?token=`);
      const token = tokenIn(received);

      const reset = await post('/api/v1/auth/password/reset', { token, password: NEW_PASSWORD });
      expect(reset).toEqual({ status: 200, body: { sessionsEnded: 2 } });
      for (const socket of sockets) {
        await until(() => socket.closeCode !== undefined, 'the socket to close');
        expect(socket.closeCode).toBe(4403);
      }
      expectError(await me(user.token), 401, 'unauthenticated');
      expectError(
        await api(t.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } }),
        401,
        'unauthenticated',
      );
      expectError(await login(user.username, PASSWORD), 401, 'invalid_credentials');
      expect((await login(user.username, NEW_PASSWORD)).status).toBe(200);
      expectError(await post('/api/v1/auth/password/reset', { token, password: 'yet another passphrase' }), 400, 'invalid_token');
    });

    it('a reset voids the other links sent before it; a common password leaves the link usable', async () => {
      const user = await account();
      await post('/api/v1/auth/password/forgot', { login: user.username });
      await post('/api/v1/auth/password/forgot', { login: user.username });
      await t.server.services.accounts.passwordReset.settled();
      const [first, second] = mail
        .to(user.email)
        .filter((m) => /Reset/.test(m.subject))
        .map(tokenIn);
      const common = await post('/api/v1/auth/password/reset', { token: first, password: 'password123' });
      expectError(common, 400, 'validation_failed');
      expect(common.body.error.details[0]).toMatchObject({ path: '/body/password', params: { reason: 'common' } });
      expect((await post('/api/v1/auth/password/reset', { token: first, password: NEW_PASSWORD })).status).toBe(200);
      expectError(await post('/api/v1/auth/password/reset', { token: second, password: NEW_PASSWORD }), 400, 'invalid_token');
    });

    it('refuses an expired token, an unknown one and a verification token', async () => {
      const user = await account({ verified: false });
      const expired = 'expired-token-of-forty-three-characters-xyz';
      const now = Date.now();
      await t.server.services.store.accounts.createAccountToken({
        tokenHash: hashAccountToken(expired),
        userId: user.id,
        purpose: 'password_reset',
        email: null,
        createdAt: now - 1_900_000,
        expiresAt: now - 100_000,
      });
      expectError(await post('/api/v1/auth/password/reset', { token: expired, password: NEW_PASSWORD }), 400, 'invalid_token');
      expectError(await post('/api/v1/auth/password/reset', { token: 'B'.repeat(43), password: NEW_PASSWORD }), 400, 'invalid_token');
      const verify = tokenIn(await mail.next(user.email, /Confirm/));
      expectError(await post('/api/v1/auth/password/reset', { token: verify, password: NEW_PASSWORD }), 400, 'invalid_token');
      expect((await login(user.username, PASSWORD)).status).toBe(200);
    });
  });

  describe('change', () => {
    it('needs the current password and refuses a common new one', async () => {
      const user = await account({ verified: false });
      const change = (body: unknown, token?: string) => post('/api/v1/auth/password/change', body, token);
      expectError(await change({ currentPassword: 'wrong password', newPassword: NEW_PASSWORD }, user.token), 403, 'wrong_password');
      expectError(await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }), 401, 'unauthenticated');
      expectError(await change({ currentPassword: PASSWORD, newPassword: 'qwertyuiop' }, user.token), 400, 'validation_failed');
      expectError(await change({ currentPassword: PASSWORD, newPassword: 'short' }, user.token), 400, 'validation_failed');
      expect((await login(user.username, PASSWORD)).status).toBe(200);
    });

    it('ends my other sessions (sockets 4403) and keeps this one; keepOtherSessions keeps them all', async () => {
      const user = await account({ verified: false });
      const other = (await login(user.username, PASSWORD)).body;
      const [mine, theirs] = await Promise.all([RawSocket.ready(t.url, user.token), RawSocket.ready(t.url, other.accessToken)]);
      const changed = await post('/api/v1/auth/password/change', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, user.token);
      expect(changed).toEqual({ status: 200, body: { sessionsEnded: 1 } });
      await until(() => theirs.closeCode !== undefined, 'the other session’s socket to close');
      expect(theirs.closeCode).toBe(4403);
      expectError(await me(other.accessToken), 401, 'unauthenticated');
      expect((await me(user.token)).status).toBe(200);
      expect(mine.closeCode).toBeUndefined();
      mine.close();

      const third = (await login(user.username, NEW_PASSWORD)).body;
      const kept = await post(
        '/api/v1/auth/password/change',
        { currentPassword: NEW_PASSWORD, newPassword: PASSWORD, keepOtherSessions: true },
        user.token,
      );
      expect(kept).toEqual({ status: 200, body: { sessionsEnded: 0 } });
      expect((await me(third.accessToken)).status).toBe(200);
      expectError(await login(user.username, NEW_PASSWORD), 401, 'invalid_credentials');
    });
  });
});
