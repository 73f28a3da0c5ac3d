import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, registerUser, startServer, uniqueName } from '../harness.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const BIN = path.join(ROOT, 'packages/server/bin/confab.js');
const COMPILED = path.join(ROOT, 'packages/server/dist/main.js');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

/** Runs the real `confab` command in a fresh working directory (so no stray .env is read). */
function confab(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: env['DATA_DIR'],
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const login = (url: string, username: string, password: string) => api(url, 'POST', '/api/v1/auth/login', { body: { username, password } });

/** A fresh data directory and a way to serve from it, both removed when the test finishes. */
function sandbox(onTestFinished: (fn: () => Promise<void> | void) => void) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-cli-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    dataDir,
    async serve(): Promise<TestServer> {
      const server = await startServer({ DATA_DIR: dataDir });
      onTestFinished(() => server.server.close()); // runs before the directory is removed
      return server;
    },
  };
}

// Each test has its own data directory, so they run side by side (each run is a Node start-up).
describe.concurrent('confab admin create', () => {
  beforeAll(async () => {
    // bin/confab.js runs the compiled CLI (`npm ci` builds it). Bring it up to date with the sources
    // first, so the CLI migrates the database exactly as the server under test does; `tsc -b` is a
    // no-op when nothing changed, and type errors elsewhere do not stop it emitting.
    await promisify(execFile)(process.execPath, [TSC, '-b', 'packages/server'], { cwd: ROOT }).catch(() => undefined);
    expect(existsSync(COMPILED), `${COMPILED} is missing: run npm run build`).toBe(true);
  }, 180_000);

  it('creates an administrator with a generated password, printed once, that can sign in', async ({ onTestFinished }) => {
    const { dataDir, serve } = sandbox(onTestFinished);
    const username = uniqueName('admin');
    const run = await confab(['admin', 'create', username], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    const password = /with password: (\S+)/.exec(run.stdout)?.[1];
    expect(password).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(8);

    const t = await serve();
    const res = await login(t.url, username, password!);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username, isAdmin: true });
  });

  it('promotes an existing user, even while the server runs, without touching the password', async ({ onTestFinished }) => {
    const { dataDir, serve } = sandbox(onTestFinished);
    const t = await serve();
    const user = await registerUser(t.url, 'promote');
    const username = user.auth.user.username;
    expect(user.auth.user.isAdmin).toBe(false);

    const run = await confab(['admin', 'create', username.toUpperCase()], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${username} is now an administrator`);
    expect(run.stdout).not.toContain('password');
    expect((await api(t.url, 'GET', '/api/v1/users/me', { token: user.token })).body.isAdmin).toBe(true);
    expect((await login(t.url, username, 'correct horse battery')).status).toBe(200);
  });

  it('takes the password from standard input with --password-stdin and does not print it', async ({ onTestFinished }) => {
    const { dataDir, serve } = sandbox(onTestFinished);
    const username = uniqueName('stdin');
    const run = await confab(['admin', 'create', username, '--password-stdin'], { DATA_DIR: dataDir }, 'a chosen passphrase\n');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('a chosen passphrase');
    const t = await serve();
    expect((await login(t.url, username, 'a chosen passphrase')).body.user).toMatchObject({ isAdmin: true });
  });

  it('refuses a bad username, a short password and a bad setting with exit code 2', async ({ onTestFinished }) => {
    const { dataDir } = sandbox(onTestFinished);
    const [badName, shortPassword, badSetting] = await Promise.all([
      confab(['admin', 'create', 'x!'], { DATA_DIR: dataDir }),
      confab(['admin', 'create', uniqueName('short'), '--password-stdin'], { DATA_DIR: dataDir }, 'short\n'),
      confab(['admin', 'create', uniqueName('cfg')], { DATA_DIR: dataDir, ACCESS_TOKEN_TTL_SECONDS: 'soon' }),
    ]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('username');
    expect(shortPassword.code).toBe(2);
    expect(shortPassword.stderr).toContain('at least 8');
    expect(badSetting.code).toBe(2);
    expect(badSetting.stderr).toContain('ACCESS_TOKEN_TTL_SECONDS');
  });
});
