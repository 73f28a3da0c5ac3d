import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, newClient, startServer, uniqueName } from '../harness.js';
import { engines } from '../engines.js';
import { hashInviteToken } from '../../src/services/accounts/invite-service.js';

const PASSWORD = 'correct horse battery';
const BIN = fileURLToPath(new URL('../../bin/confab.js', import.meta.url));

/** Makes an instance admin through the store, as `confab admin create` does, and signs them in. */
async function adminOf(t: TestServer): Promise<string> {
  const username = uniqueName('admin');
  await t.server.services.accounts.users.create({ username, password: PASSWORD }, { isAdmin: true });
  const signedIn = await api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
  return signedIn.body.accessToken as string;
}

const register = (url: string, body: Record<string, unknown>) =>
  api(url, 'POST', '/api/v1/auth/register', { body: { username: uniqueName(), password: PASSWORD, ...body } });

describe.each(await engines({ REGISTRATION: 'invite' }))('REGISTRATION=invite on %s', (_engine, start) => {
  let t: TestServer;
  let admin: string;
  beforeAll(async () => {
    t = await start();
    admin = await adminOf(t);
  });
  afterAll(async () => {
    await t.close();
  });
  const invite = async (body: Record<string, unknown> = {}) => {
    const made = await api(t.url, 'POST', '/api/v1/admin/invites', { token: admin, body });
    expect(made.status).toBe(201);
    return made.body.invite as { id: string; token: string; expiresAt: string; createdAt: string };
  };

  it('lets an invite sign one person up, once', async () => {
    const { token, expiresAt, createdAt } = await invite({ expiresInSeconds: 3600 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(3600_000);
    expect((await register(t.url, { invite: token })).status).toBe(201);
    expect(await register(t.url, { invite: token })).toMatchObject({ status: 403, body: { error: { code: 'invite_invalid' } } });
  });

  it('refuses sign-up without an invite, with an unknown one, and with an expired one', async () => {
    expect(await register(t.url, {})).toMatchObject({ status: 403, body: { error: { code: 'invite_invalid' } } });
    expect(await register(t.url, { invite: 'not-an-invite' })).toMatchObject({ status: 403, body: { error: { code: 'invite_invalid' } } });
    const { id, token } = await invite();
    // Expired: moved into the past in the store (no waiting).
    const stored = await t.server.services.store.invites.getInvite(id);
    expect(stored).toMatchObject({ usedAt: null, createdBy: expect.any(String) });
    const expiredToken = 'an-expired-invite-token';
    await t.server.services.store.invites.createInvite(
      { ...stored!, id: `${id}-x`, expiresAt: Date.now() - 1 },
      hashInviteToken(expiredToken),
    );
    expect(await register(t.url, { invite: expiredToken })).toMatchObject({ status: 403, body: { error: { code: 'invite_invalid' } } });
    // The unexpired one still works.
    expect((await register(t.url, { invite: token })).status).toBe(201);
  });

  it('leaves the invite unspent when the username is taken, and lets one of two racing sign-ups have it', async () => {
    const { token } = await invite();
    const taken = uniqueName('taken');
    const other = await invite();
    expect((await register(t.url, { username: taken, invite: other.token })).status).toBe(201);
    expect(await register(t.url, { username: taken, invite: token })).toMatchObject({
      status: 409,
      body: { error: { code: 'username_taken' } },
    });
    const race = await Promise.all([register(t.url, { invite: token }), register(t.url, { invite: token })]);
    expect(race.map((r) => r.status).sort()).toEqual([201, 403]);
  });

  it('makes invites through the SDK', async () => {
    const username = uniqueName('sdkadmin');
    await t.server.services.accounts.users.create({ username, password: PASSWORD }, { isAdmin: true });
    const client = newClient(t.url);
    await client.login({ username, password: PASSWORD });
    const made = await client.admin.createInvite({ expiresInSeconds: 600 });
    const joiner = newClient(t.url);
    expect((await joiner.register({ username: uniqueName(), password: PASSWORD, invite: made.token })).user.isAdmin).toBe(false);
  });

  it('lets only instance admins make invites (403), and signed-in ones (401)', async () => {
    const { token } = await invite();
    const user = await register(t.url, { invite: token });
    expect(await api(t.url, 'POST', '/api/v1/admin/invites', { token: user.body.accessToken, body: {} })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect((await api(t.url, 'POST', '/api/v1/admin/invites', { body: {} })).status).toBe(401);
    expect((await api(t.url, 'POST', '/api/v1/admin/invites', { token: admin, body: { expiresInSeconds: 5 } })).status).toBe(400);
  });
});

describe('confab admin invite', { timeout: 120_000 }, () => {
  it('prints a single-use invite that signs one person up', async () => {
    const t = await startServer({ REGISTRATION: 'invite' });
    try {
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'admin', 'invite', '--expires-in', '600'], {
          cwd: t.dataDir,
          env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', DATA_DIR: t.dataDir, REGISTRATION: 'invite' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`SQLite database ${path.join(t.dataDir, 'confab.sqlite3')}`);
      const token = run.stdout.trim().split('\n').at(-1)!;
      expect((await register(t.url, { invite: token })).status).toBe(201);
      expect((await register(t.url, { invite: token })).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});
