import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, adminOf } from '../admin.js';
import { engines } from '../engines.js';
import { createGroup, expectError, postMessage } from '../factories.js';
import { RawSocket, type TestServer, api, barrier, registerUser, until } from '../harness.js';
import { MailCatcher, tokenIn } from '../mail.js';

const mail = await MailCatcher.start();
afterAll(() => mail.close());

/**
 * The operator's tools (issue 12): `/api/v1/admin/*` end to end on each store — the user list,
 * deactivation (sessions ended, the open socket closed, sign-in and refresh refused), a reset
 * mail, ending sessions, instance statistics and the audit log; and every admin operation of the
 * OpenAPI document refused to everyone else.
 */
describe.each(await engines({ SMTP_URL: mail.url, MAIL_FROM: 'Confab <no-reply@example.test>' }))('the operator on %s', (_name, start) => {
  let t: TestServer;
  let admin: { id: string; token: string; username: string };
  beforeAll(async () => {
    t = await start();
    admin = await adminOf(t);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });
  const as = (token: string, method: string, path: string, body?: unknown) =>
    api(t.url, method, path, { token, ...(body === undefined ? {} : { body }) });
  const adminCall = (method: string, path: string, body?: unknown) => as(admin.token, method, path, body);
  const login = (username: string, password = ADMIN_PASSWORD) => api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password } });
  /** The audit entries of `type` about `userId`, as an admin reads them (the security events are written within a second). */
  const auditOf = async (type: string, userId: string) => {
    const page = await adminCall('GET', '/api/v1/admin/audit?limit=100');
    expect(page.status).toBe(200);
    return (page.body.items as { type: string; userId: string | null }[]).filter((e) => e.type === type && e.userId === userId);
  };

  it('lists and searches every account with its last activity, paged by cursor', async () => {
    const users = await Promise.all([registerUser(t.url, 'zlist'), registerUser(t.url, 'zlist'), registerUser(t.url, 'zlist')]);
    const found = await adminCall('GET', '/api/v1/admin/users?q=zlist&limit=2');
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(2);
    expect(found.body.items[0]).toMatchObject({ isAdmin: false, deactivatedAt: null, deletedAt: null, email: null, emailVerified: false });
    expect(Date.parse(found.body.items[0].lastActiveAt)).toBeGreaterThan(0); // signed up: a session was used
    const rest = await adminCall('GET', `/api/v1/admin/users?q=zlist&limit=2&cursor=${found.body.nextCursor}`);
    expect(rest.body.nextCursor).toBeNull();
    const ids = [...found.body.items, ...rest.body.items].map((u: { id: string }) => u.id);
    expect(ids.sort()).toEqual(users.map((u) => u.id).sort());
    expect((await adminCall('GET', `/api/v1/admin/users/${users[0]!.id}`)).body.user.id).toBe(users[0]!.id);
    expectError(await adminCall('GET', '/api/v1/admin/users?cursor=not-a-cursor'), 400, 'validation_failed');
    expectError(await adminCall('GET', '/api/v1/admin/users?limit=0'), 400, 'validation_failed');
  });

  it('deactivates: the open socket closes with 4403, sign-in and refresh answer account_deactivated; reactivation lets them in again', async () => {
    const user = await registerUser(t.url, 'deact');
    const username = user.auth.user.username;
    const socket = await RawSocket.ready(t.url, user.token);
    const deactivated = await adminCall('POST', `/api/v1/admin/users/${user.id}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(Date.parse(deactivated.body.user.deactivatedAt)).toBeGreaterThan(0);
    await until(() => socket.closeCode !== undefined, 'the deactivated user’s socket to close', 2000);
    expect(socket.closeCode).toBe(4403);
    expectError(await api(t.url, 'GET', '/api/v1/users/me', { token: user.token }), 401, 'unauthenticated');
    expectError(await login(username), 403, 'account_deactivated');
    expectError(await login(username, 'a wrong password'), 401, 'invalid_credentials'); // says nothing without the password
    expectError(
      await api(t.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.auth.refreshToken } }),
      403,
      'account_deactivated',
    );
    // Twice is fine, and says the same.
    expect((await adminCall('POST', `/api/v1/admin/users/${user.id}/deactivate`)).body.user.deactivatedAt).toBe(
      deactivated.body.user.deactivatedAt,
    );

    const reactivated = await adminCall('POST', `/api/v1/admin/users/${user.id}/reactivate`);
    expect(reactivated).toMatchObject({ status: 200, body: { user: { id: user.id, deactivatedAt: null } } });
    const again = await login(username);
    expect(again.status).toBe(200);
    expect((await api(t.url, 'GET', '/api/v1/users/me', { token: again.body.accessToken })).status).toBe(200);
    // The sessions ended by the deactivation stay ended.
    expectError(
      await api(t.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.auth.refreshToken } }),
      401,
      'unauthenticated',
    );

    const audit = await auditOf('admin.user_deactivated', user.id);
    // Newest first: the second deactivation found no session left.
    expect(audit.map((e) => (e as unknown as { actorId: string; details: { sessionsEnded: number } }).details.sessionsEnded)).toEqual([
      0, 1,
    ]);
    expect(audit[1]).toMatchObject({ actorId: admin.id });
    expect(await auditOf('admin.user_reactivated', user.id)).toHaveLength(1);
    await until(async () => (await auditOf('login.failed', user.id)).length === 2, 'the refused sign-ins in the audit log', 5000);
  });

  it('refuses to deactivate yourself (409), unknown users (404) and malformed ids (400)', async () => {
    expectError(await adminCall('POST', `/api/v1/admin/users/${admin.id}/deactivate`), 409, 'conflict');
    for (const action of ['deactivate', 'reactivate', 'password-reset', 'logout-all'])
      expectError(await adminCall('POST', `/api/v1/admin/users/00000000-0000-7000-8000-000000000000/${action}`), 404, 'not_found');
    expectError(await adminCall('GET', '/api/v1/admin/users/00000000-0000-7000-8000-000000000000'), 404, 'not_found');
    expectError(await adminCall('POST', `/api/v1/admin/users/${'x'.repeat(65)}/deactivate`), 400, 'validation_failed');
    expectError(await adminCall('POST', '/api/v1/admin/users/not%20an%20id/logout-all'), 400, 'validation_failed');
    expect((await login(admin.username)).status).toBe(200);
  });

  it('mails a reset link to a verified address (202), and answers 409 without one', async () => {
    const user = await registerUser(t.url, 'resetme');
    expectError(await adminCall('POST', `/api/v1/admin/users/${user.id}/password-reset`), 409, 'conflict');
    const email = `${user.auth.user.username}@example.test`;
    await t.server.services.store.accounts.setEmail(user.id, email);
    await t.server.services.store.accounts.markEmailVerified(user.id, email, Date.now());
    const sent = await adminCall('POST', `/api/v1/admin/users/${user.id}/password-reset`);
    expect(sent).toMatchObject({ status: 202, body: { sent: true } });
    const token = tokenIn(await mail.next(email, /reset/i));
    const reset = await api(t.url, 'POST', '/api/v1/auth/password/reset', { body: { token, password: 'a fresh passphrase' } });
    expect(reset.status).toBe(200);
    expect((await login(user.auth.user.username, 'a fresh passphrase')).status).toBe(200);
    expect((await auditOf('admin.password_reset_sent', user.id))[0]).toMatchObject({ actorId: admin.id });
  });

  it('ends a user’s sessions: their tokens are refused and their sockets close, and they can sign in again', async () => {
    const user = await registerUser(t.url, 'endall');
    const second = await login(user.auth.user.username);
    const socket = await RawSocket.ready(t.url, second.body.accessToken);
    expect(await adminCall('POST', `/api/v1/admin/users/${user.id}/logout-all`)).toMatchObject({ status: 200, body: { sessionsEnded: 2 } });
    await until(() => socket.closeCode !== undefined, 'the socket to close', 2000);
    expect(socket.closeCode).toBe(4403);
    expectError(await api(t.url, 'GET', '/api/v1/users/me', { token: user.token }), 401, 'unauthenticated');
    expect((await login(user.auth.user.username)).status).toBe(200);
    expect((await auditOf('admin.sessions_ended', user.id))[0]).toMatchObject({ actorId: admin.id, details: { sessionsEnded: 2 } });
  });

  it('counts users, conversations, messages and this node’s sockets', async () => {
    const [a, b] = await Promise.all([registerUser(t.url, 'stats'), registerUser(t.url, 'stats')]);
    const before = (await adminCall('GET', '/api/v1/admin/stats')).body;
    const group = await createGroup(a, [b], 'stats');
    expect((await postMessage(t.url, a, group.id, 'one')).status).toBe(201);
    const sockets = await Promise.all([RawSocket.ready(t.url, a.token), RawSocket.ready(t.url, b.token)]);
    await barrier(...sockets);
    const after = await adminCall('GET', '/api/v1/admin/stats');
    expect(after.status).toBe(200);
    expect(after.body.conversations).toBe(before.conversations + 1);
    expect(after.body.messages).toBeGreaterThanOrEqual(before.messages + 1);
    expect(after.body.users.total).toBe(before.users.total);
    expect(after.body.nodes).toHaveLength(1);
    expect(after.body.nodes[0]).toMatchObject({ pid: process.pid, sockets: t.server.gateway.connectionCount });
    expect(after.body.sockets).toBe(before.sockets + 2);
    for (const socket of sockets) socket.close();
  });

  it('keeps failed sign-ins in the audit log, newest first, paged by cursor', async () => {
    const user = await registerUser(t.url, 'audited');
    for (let i = 0; i < 3; i++) expect((await login(user.auth.user.username, `a wrong password ${i}`)).status).toBe(401);
    await until(async () => (await auditOf('login.failed', user.id)).length === 3, 'three failed sign-ins in the audit log', 5000);
    const pages: { id: string; at: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; at: string }[]; nextCursor: string | null } } = await adminCall(
        'GET',
        `/api/v1/admin/audit?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      pages.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(new Set(pages.map((e) => e.id)).size).toBe(pages.length);
    const times = pages.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('refuses every admin operation of the OpenAPI document: 401 without a token, 403 to non-admins and to a deactivated admin', async () => {
    const doc = (await api(t.url, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const user = await registerUser(t.url, 'notadmin');
    const demoted = await adminOf(t);
    expect((await adminCall('POST', `/api/v1/admin/users/${demoted.id}/deactivate`)).status).toBe(200);
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/admin/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => [method.toUpperCase(), path.replace(/\{[^}]+\}/g, user.id)] as const),
      );
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const [method, path] of operations) {
      const body = method === 'GET' ? undefined : {};
      expectError(await api(t.url, method, path, body === undefined ? {} : { body }), 401, 'unauthenticated');
      expectError(await as(user.token, method, path, body), 403, 'forbidden');
    }
    // The deactivated admin's sessions ended with the deactivation; a token made before is refused outright.
    expectError(await as(demoted.token, 'GET', '/api/v1/admin/stats'), 401, 'unauthenticated');
  });
});
