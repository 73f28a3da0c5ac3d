import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestServer, api, historyOf, registerUser, uniqueName, until } from '../harness.js';

const PASSWORD = 'correct horse battery';

/** My sessions, my data, erasing my account, and how passwords are stored (issue 12), on each store. */
describe.each(await engines())('account data on %s', (_name, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  }, 60_000);
  afterAll(() => t.close());

  const login = (username: string, userAgent = 'test-agent/1.0') =>
    api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD }, headers: { 'user-agent': userAgent } });
  const sessions = (token: string) => api(t.url, 'GET', '/api/v1/auth/sessions', { token });
  const me = (token: string) => api(t.url, 'GET', '/api/v1/users/me', { token });

  describe('sessions', () => {
    it('lists my live sessions with where they are used from, marking the current one', async () => {
      const [user] = await freshUsers(t.url, 1);
      const second = (await login(user.auth.user.username, 'phone/2.0')).body;
      const list = await sessions(second.accessToken);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      const current = list.body.items.find((s: { current: boolean }) => s.current);
      expect(current).toMatchObject({
        userAgent: 'phone/2.0',
        ip: '127.0.0.1',
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
      });
      expect(list.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      expectError(await api(t.url, 'GET', '/api/v1/auth/sessions'), 401, 'unauthenticated');
    });

    it('moves lastUsedAt at a refresh (not per request)', async () => {
      const [user] = await freshUsers(t.url, 1);
      const before = (await sessions(user.token)).body.items[0].lastUsedAt;
      await me(user.token);
      expect((await sessions(user.token)).body.items[0].lastUsedAt).toBe(before);
      const started = Date.now();
      while (Date.now() === started) await new Promise((r) => setTimeout(r, 1));
      const refreshed = await api(t.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.auth.refreshToken } });
      const after = (await sessions(refreshed.body.accessToken)).body.items[0].lastUsedAt;
      expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    });

    it('ends one of my sessions: its socket closes with 4403; another user’s or an ended one is 404', async () => {
      const [user, stranger] = await freshUsers(t.url, 2);
      const other = (await login(user.auth.user.username)).body;
      const socket = await RawSocket.ready(t.url, other.accessToken);
      const otherId = (await sessions(user.token)).body.items.find((s: { current: boolean }) => !s.current).id;
      expectError(await api(t.url, 'DELETE', `/api/v1/auth/sessions/${otherId}`, { token: stranger.token }), 404, 'not_found');
      expect((await api(t.url, 'DELETE', `/api/v1/auth/sessions/${otherId}`, { token: user.token })).status).toBe(204);
      await until(() => socket.closeCode !== undefined, 'the socket to close');
      expect(socket.closeCode).toBe(4403);
      expectError(await me(other.accessToken), 401, 'unauthenticated');
      expect((await sessions(user.token)).body.items.map((s: { id: string }) => s.id)).not.toContain(otherId);
      expectError(await api(t.url, 'DELETE', `/api/v1/auth/sessions/${otherId}`, { token: user.token }), 404, 'not_found');
    });

    it('logout-all ends every session of mine, this one included', async () => {
      const [user, bystander] = await freshUsers(t.url, 2);
      const other = (await login(user.auth.user.username)).body;
      const ended = await api(t.url, 'POST', '/api/v1/auth/logout-all', { token: user.token });
      expect(ended).toEqual({ status: 200, body: { sessionsEnded: 2 } });
      expectError(await me(user.token), 401, 'unauthenticated');
      expectError(await me(other.accessToken), 401, 'unauthenticated');
      expect((await me(bystander.token)).status).toBe(200);
    });
  });

  describe('export', () => {
    it('streams my profile, sessions, conversations, my messages only and my receipts as one JSON document', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob], 'export');
      await alice.client.sendMessage(group.id, 'from alice');
      await bob.client.sendMessage(group.id, 'from bob');
      await alice.client.markRead(group.id, 2);
      const response = await fetch(`${t.url}/api/v1/users/me/export`, { headers: { authorization: `Bearer ${alice.token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('content-length')).toBeNull(); // streamed (chunked), not built whole
      const data = await response.json();
      expect(Object.keys(data)).toEqual(['exportedAt', 'profile', 'sessions', 'conversations', 'messages', 'receipts']);
      expect(data.profile).toMatchObject({ id: alice.id, username: alice.auth.user.username });
      expect(data.sessions).toHaveLength(1);
      expect(data.conversations.map((c: { id: string }) => c.id)).toEqual([group.id]);
      expect(data.messages.map((m: { body: string }) => m.body)).toEqual(['from alice']);
      expect(data.receipts).toEqual([{ conversationId: group.id, readSeq: expect.any(Number), deliveredSeq: expect.any(Number) }]);
      expectError(await api(t.url, 'GET', '/api/v1/users/me/export'), 401, 'unauthenticated');
    });
  });

  describe('erasure', () => {
    it('needs my password, then blanks the profile, ends my sessions and keeps my messages under "Deleted user"', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob], 'erase');
      await alice.client.sendMessage(group.id, 'still here');
      const socket = await RawSocket.ready(t.url, alice.token);
      const remove = (body: unknown, token?: string) => api(t.url, 'DELETE', '/api/v1/users/me', { body, ...(token ? { token } : {}) });
      expectError(await remove({ password: 'not my password' }, alice.token), 403, 'wrong_password');
      expectError(await remove({ password: PASSWORD }), 401, 'unauthenticated');
      expect((await remove({ password: PASSWORD }, alice.token)).status).toBe(204);

      await until(() => socket.closeCode !== undefined, 'the socket to close');
      expect(socket.closeCode).toBe(4403);
      expectError(await me(alice.token), 401, 'unauthenticated');
      expectError(await login(alice.auth.user.username), 401, 'invalid_credentials');
      const seen = await api(t.url, 'GET', `/api/v1/users/${alice.id}`, { token: bob.token });
      expect(seen.body).toMatchObject({ id: alice.id, displayName: 'Deleted user', bio: '', deleted: true });
      expect(seen.body.username).not.toBe(alice.auth.user.username);
      expect((await historyOf(bob.client, group.id)).find((m) => m.senderId === alice.id && m.kind === 'text')?.body).toBe('still here');
      const search = await api(t.url, 'GET', `/api/v1/users?q=${encodeURIComponent(alice.auth.user.username)}`, { token: bob.token });
      expect(search.body.items).toEqual([]);
      // The username stays taken for USERNAME_HOLD_DAYS (30 by default).
      const again = await api(t.url, 'POST', '/api/v1/auth/register', { body: { username: alice.auth.user.username, password: PASSWORD } });
      expectError(again, 409, 'username_taken');
    });

    it('with eraseMessages, tombstones every message I wrote, in conversations I have left too', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(bob, [alice], 'tombstones');
      const direct = await alice.client.openDirect(bob.id);
      await alice.client.sendMessage(group.id, 'one');
      await alice.client.sendMessage(direct.id, 'two');
      await bob.client.sendMessage(direct.id, 'bob stays');
      await alice.client.removeMember(group.id, alice.id);
      const res = await api(t.url, 'DELETE', '/api/v1/users/me', { token: alice.token, body: { password: PASSWORD, eraseMessages: true } });
      expect(res.status).toBe(204);
      for (const id of [group.id, direct.id]) {
        const mine = (await historyOf(bob.client, id)).filter((m) => m.senderId === alice.id && m.kind === 'text');
        expect(mine.length).toBeGreaterThan(0);
        for (const m of mine) expect(m).toMatchObject({ body: '', deletedAt: expect.any(String) });
      }
      expect((await historyOf(bob.client, direct.id)).find((m) => m.senderId === bob.id)?.body).toBe('bob stays');
    });
  });

  describe('passwords', () => {
    it('are stored as argon2id PHC strings with m ≥ 19 MiB and t ≥ 2', async () => {
      const user = await registerUser(t.url, 'phc');
      const stored = await t.server.services.store.users.getUser(user.id);
      const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(stored!.passwordHash);
      expect(match, stored!.passwordHash).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThanOrEqual(19_456);
      expect(Number(match![2])).toBeGreaterThanOrEqual(2);
    });

    it('are re-hashed at sign-in when stored with weaker parameters', async () => {
      const user = await registerUser(t.url, 'rehash');
      const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
      await t.server.services.store.accounts.setPasswordHash(user.id, weak);
      expect((await login(user.auth.user.username)).status).toBe(200);
      const stored = (await t.server.services.store.users.getUser(user.id))!.passwordHash;
      expect(stored).not.toBe(weak);
      expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect((await login(user.auth.user.username)).status).toBe(200);
    });

    it('refuses the most common passwords at sign-up, compared ignoring case', async () => {
      for (const password of ['12345678', 'PASSWORD', 'iloveyou', 'Football']) {
        const res = await api(t.url, 'POST', '/api/v1/auth/register', { body: { username: uniqueName('common'), password } });
        expectError(res, 400, 'validation_failed');
        expect(res.body.error.details).toEqual([expect.objectContaining({ path: '/body/password', params: { reason: 'common' } })]);
      }
    });
  });
});
