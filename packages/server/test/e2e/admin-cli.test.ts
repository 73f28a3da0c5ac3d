import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin.js';
import { expectError } from '../factories.js';
import { RawSocket, type TestServer, api, registerUser, startServer, until } from '../harness.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const BIN = path.join(ROOT, 'packages/server/bin/confab.js');
const COMPILED = path.join(ROOT, 'packages/server/dist/main.js');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

/**
 * The admin API's twins in the CLI (`confab admin users|deactivate|reactivate|reset-password|
 * logout-all|stats|audit`), run as the real command against the database of a running server.
 */
describe('confab admin: the operator’s commands', { timeout: 120_000 }, () => {
  let dataDir: string;
  let t: TestServer;
  beforeAll(async () => {
    // bin/confab.js runs the compiled CLI: bring it up to date with the sources (a no-op when nothing changed).
    await promisify(execFile)(process.execPath, [TSC, '-b', 'packages/server'], { cwd: ROOT }).catch(() => undefined);
    expect(existsSync(COMPILED), `${COMPILED} is missing: run npm run build`).toBe(true);
    dataDir = mkdtempSync(path.join(tmpdir(), 'confab-admin-cli-'));
    t = await startServer({ DATA_DIR: dataDir });
  }, 180_000);
  afterAll(async () => {
    await t.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const confab = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string; json: any }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'admin', ...args], {
        cwd: dataDir,
        env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', DATA_DIR: dataDir },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        let json: unknown = null;
        try {
          json = JSON.parse(stdout);
        } catch {
          // not JSON: a refusal, said on stderr
        }
        resolve({ code: code ?? -1, stdout, stderr, json });
      });
    });
  const login = (username: string) => api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password: ADMIN_PASSWORD } });

  it('lists users, deactivates one (their socket closes with 4403, sign-in refused) and reactivates them', async () => {
    const user = await registerUser(t.url, 'clideact');
    const username = user.auth.user.username;
    const listed = await confab('users', '--q', username);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.items).toEqual([expect.objectContaining({ id: user.id, username, deactivatedAt: null })]);

    const socket = await RawSocket.ready(t.url, user.token);
    const off = await confab('deactivate', username);
    expect(off.code, off.stderr).toBe(0);
    expect(off.json.user).toMatchObject({ id: user.id, deactivatedAt: expect.any(String) });
    // This server hears of it from the store (no Redis): within REVOCATION_CHECK_INTERVAL_MS.
    await until(() => socket.closeCode !== undefined, 'the socket to close', 10_000);
    expect(socket.closeCode).toBe(4403);
    expectError(await login(username), 403, 'account_deactivated');

    const on = await confab('reactivate', user.id);
    expect(on.code, on.stderr).toBe(0);
    expect(on.json.user.deactivatedAt).toBeNull();
    expect((await login(username)).status).toBe(200);

    const audit = await confab('audit', '--limit', '20');
    expect(audit.code, audit.stderr).toBe(0);
    const types = (audit.json.items as { type: string; userId: string; actorId: string | null }[]).filter(
      (e) => e.userId === user.id && e.type.startsWith('admin.'),
    );
    expect(types.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'admin.user_reactivated', actorId: null }),
      expect.objectContaining({ type: 'admin.user_deactivated', actorId: null }),
    ]);
  });

  it('ends a user’s sessions, refuses a reset without a verified address, and counts the instance', async () => {
    const user = await registerUser(t.url, 'clisess');
    const ended = await confab('logout-all', user.auth.user.username);
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.json).toEqual({ sessionsEnded: 1 });
    await until(
      async () => (await api(t.url, 'GET', '/api/v1/users/me', { token: user.token })).status === 401,
      'the ended session’s token to be refused',
      10_000,
    );

    const reset = await confab('reset-password', user.id);
    expect(reset.code).toBe(4);
    expect(reset.stderr).toMatch(/conflict: .*no verified email address/);

    const stats = await confab('stats');
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.json.users.total).toBeGreaterThanOrEqual(1);
    // The server's node, as it last reported (the CLI is no node).
    expect(stats.json.nodes).toEqual([expect.objectContaining({ pid: process.pid })]);
  });

  it('says what is wrong: an unknown user (exit 3), no user named, a bad option (exit 2)', async () => {
    const unknown = await confab('deactivate', 'nobody-by-that-name');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/not_found: User not found/);
    const missing = await confab('deactivate');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/name one user/);
    const badLimit = await confab('users', '--limit', '0');
    expect(badLimit.code).toBe(2);
    expect((await confab('audit', '--cursor', 'bogus')).code).toBe(2);
  });
});
