import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, registerUser, startServer, uniqueName } from '../harness.js';
import { createTestSchema, postgresService, requireService } from '../services.js';
import { buildCli, runConfab } from '../cli.js';

const describePostgres = await requireService(postgresService);

/** Runs the real `confab` command in a fresh working directory (so no stray .env is read). */
const confab = (args: string[], env: Record<string, string>, stdin?: string) =>
  runConfab(args, env, { cwd: env['DATA_DIR']!, ...(stdin === undefined ? {} : { stdin }) });

const login = (url: string, username: string, password: string) => api(url, 'POST', '/api/v1/auth/login', { body: { username, password } });

/** A fresh data directory and a way to serve from it, both removed when the test finishes. */
function sandbox(onTestFinished: (fn: () => Promise<void> | void) => void) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-cli-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    dataDir,
    database: path.join(dataDir, 'confab.sqlite3'),
    async serve(env: Record<string, string> = {}): Promise<TestServer> {
      const server = await startServer({ DATA_DIR: dataDir, ...env });
      onTestFinished(() => server.server.close()); // runs before the directory is removed
      return server;
    },
  };
}

// Each test has its own data directory, so they run side by side (each run is a Node start-up,
// several seconds each on a busy two-core machine: hence the longer timeout).
describe.concurrent('confab admin create', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await buildCli();
  }, 180_000);

  it('creates an administrator with a generated password, printed once, that can sign in', async ({ onTestFinished }) => {
    const { dataDir, database, serve } = sandbox(onTestFinished);
    const username = uniqueName('admin');
    const run = await confab(['admin', 'create', username], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Created administrator ${username} in SQLite database ${database} with password: `);
    const password = /with password: (\S+)/.exec(run.stdout)?.[1];
    expect(password).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(8);

    const t = await serve();
    const res = await login(t.url, username, password!);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username, isAdmin: true });
    // Made as sign-up makes users: the same profile, but for the role.
    const registered = await registerUser(t.url, 'peer');
    const profile = ({
      id: _id,
      username: _username,
      displayName: _displayName,
      createdAt: _createdAt,
      isAdmin: _isAdmin,
      ...rest
    }: Record<string, unknown>) => rest;
    expect(profile(res.body.user)).toEqual(profile(registered.auth.user));
    expect(res.body.user.displayName).toBe(username);
  });

  it('creates the SQLite database, its -wal and -shm files readable by their owner only (0600)', async ({ onTestFinished }) => {
    const modes = (file: string) =>
      ['', '-wal', '-shm'].map((suffix) => [`${path.basename(file)}${suffix}`, (statSync(file + suffix).mode & 0o777).toString(8)]);
    const owner = [
      ['confab.sqlite3', '600'],
      ['confab.sqlite3-wal', '600'],
      ['confab.sqlite3-shm', '600'],
    ];
    // Created by the CLI, then opened by a server:
    const cli = sandbox(onTestFinished);
    const run = await confab(['admin', 'create', uniqueName('mode')], { DATA_DIR: cli.dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(cli.database).mode & 0o777).toBe(0o600);
    await cli.serve();
    expect(modes(cli.database)).toEqual(owner);
    // Created by a server:
    const server = sandbox(onTestFinished);
    await server.serve();
    expect(modes(server.database)).toEqual(owner);
  });

  it('promotes an existing user, even while the server runs, without touching the password', async ({ onTestFinished }) => {
    const { dataDir, database, serve } = sandbox(onTestFinished);
    const t = await serve();
    const user = await registerUser(t.url, 'promote');
    const username = user.auth.user.username;
    expect(user.auth.user.isAdmin).toBe(false);

    const run = await confab(['admin', 'create', username.toUpperCase()], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${username} is now an administrator (SQLite database ${database})\n`);
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
    // The sign-up route's own rules and words.
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('username: must be 3 to 32 letters and digits of one script');
    expect(shortPassword.code).toBe(2);
    expect(shortPassword.stderr).toContain('password: must NOT have fewer than 8 characters');
    expect(badSetting.code).toBe(2);
    expect(badSetting.stderr).toContain('ACCESS_TOKEN_TTL_SECONDS');
  });
});

describePostgres('confab admin create on PostgreSQL', { timeout: 120_000 }, () => {
  it('creates the administrator in the database DATABASE_URL names, and says which (without its password)', async ({ onTestFinished }) => {
    const schema = await createTestSchema();
    onTestFinished(() => schema.drop());
    const { dataDir, serve } = sandbox(onTestFinished);
    const username = uniqueName('pgadmin');
    const withPassword = new URL(schema.url);
    withPassword.password = 'not-needed-with-trust';
    const secret = { JWT_SECRET: 'a shared secret of at least thirty-two characters' }; // required with PostgreSQL
    const run = await confab(
      ['admin', 'create', username, '--password-stdin'],
      { DATA_DIR: dataDir, DATABASE_URL: withPassword.toString(), ...secret },
      'a chosen passphrase\n',
    );
    expect(run.code, run.stderr).toBe(0);
    const shown = new URL(withPassword);
    shown.password = '***';
    expect(run.stdout).toBe(`Created administrator ${username} in PostgreSQL database ${shown.toString()}\n`);
    expect(run.stdout).not.toContain('not-needed-with-trust');
    expect(existsSync(path.join(dataDir, 'confab.sqlite3'))).toBe(false);

    const t = await serve({ DATABASE_URL: schema.url, ...secret });
    expect((await login(t.url, username, 'a chosen passphrase')).body.user).toMatchObject({ username, isAdmin: true });
  });
});
