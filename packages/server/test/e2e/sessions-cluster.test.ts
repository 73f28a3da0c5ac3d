import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { AuthResponse } from '@confab/protocol';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { useCluster } from '../cluster.js';
import { expectError } from '../factories.js';
import { RawSocket, api, barrier, registerUser, until } from '../harness.js';
import { freePort, startServerProcess } from '../process.js';
import { createTestSchema, postgresService, redisService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;

const GRACE_MS = 400;
const PASSWORD = 'correct horse battery';

/** Waits (at most `ms`) for the server to close the socket; returns its close code. */
async function closedWithin(socket: RawSocket, ms: number): Promise<number> {
  await until(() => socket.closeCode !== undefined, 'the server to close the socket', ms);
  return socket.closeCode!;
}

/**
 * Sessions that really end, across nodes (issue 9, item 3): two `confab serve` processes on one
 * PostgreSQL schema and one Redis prefix. A session ended on one node closes its sockets on
 * every node within a second, and its tokens are refused by both.
 */
describeCluster('sessions across two nodes (PostgreSQL + Redis)', () => {
  const cluster = useCluster({ nodes: 2, env: { REFRESH_TOKEN_GRACE_MS: String(GRACE_MS) } }, 120_000);

  const url = (index: number) => cluster().nodes[index]!.url;
  const me = (index: number, token: string) => api(url(index), 'GET', '/api/v1/users/me', { token });
  const refresh = (index: number, refreshToken: string) => api(url(index), 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const login = async (index: number, username: string): Promise<AuthResponse> =>
    (await api(url(index), 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } })).body;

  it('logout on one node: the sockets of the session close with 4403 on both, and both refuse the token', async () => {
    const user = await registerUser(url(0), 'cl_out');
    const other = await login(1, user.auth.user.username);
    expect((await me(1, user.token)).status).toBe(200); // one secret: a token of node 0 works on node 1
    const [onZero, onOne, otherSession] = await Promise.all([
      RawSocket.ready(url(0), user.token),
      RawSocket.ready(url(1), user.token),
      RawSocket.ready(url(1), other.accessToken),
    ]);

    expect((await api(url(0), 'POST', '/api/v1/auth/logout', { token: user.token })).status).toBe(204);
    expect(await closedWithin(onZero, 1000)).toBe(4403);
    expect(await closedWithin(onOne, 1000)).toBe(4403);
    expectError(await me(0, user.token), 401, 'unauthenticated');
    expectError(await me(1, user.token), 401, 'unauthenticated');
    const upgrade = await RawSocket.open(url(1), user.token);
    expect(await closedWithin(upgrade, 1000)).toBe(4403);

    await barrier(otherSession);
    expect(otherSession.closeCode).toBeUndefined();
    expect((await me(0, other.accessToken)).status).toBe(200);
    otherSession.close();
  });

  it('a refresh token replayed on the other node after the grace window ends the session everywhere', async () => {
    const user = await registerUser(url(1), 'cl_replay');
    const rotated = await refresh(0, user.auth.refreshToken);
    expect(rotated.status).toBe(200);
    const rotatedAt = Date.now();
    const sockets = await Promise.all([
      RawSocket.ready(url(0), user.token),
      RawSocket.ready(url(1), user.token),
      RawSocket.ready(url(1), rotated.body.accessToken),
    ]);
    await until(() => Date.now() > rotatedAt + GRACE_MS + 50, 'the grace window to pass', GRACE_MS + 1000);

    expectError(await refresh(1, user.auth.refreshToken), 401, 'unauthenticated');
    for (const socket of sockets) expect(await closedWithin(socket, 1000)).toBe(4403);
    for (const index of [0, 1]) {
      expectError(await me(index, rotated.body.accessToken), 401, 'unauthenticated');
      expectError(await me(index, user.token), 401, 'unauthenticated');
    }
    expectError(await refresh(0, rotated.body.refreshToken), 401, 'unauthenticated');
  });

  it('parallel refreshes of one token on both nodes share one new pair', async () => {
    const user = await registerUser(url(0), 'cl_tabs');
    const answers = await Promise.all([0, 1, 0, 1].map((index) => refresh(index, user.auth.refreshToken)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const [first] = answers;
    for (const answer of answers)
      expect(answer.body).toMatchObject({ accessToken: first!.body.accessToken, refreshToken: first!.body.refreshToken });
    expect((await me(1, answers[0]!.body.accessToken)).status).toBe(200);
  });

  it('a revocation whose bus message was lost still closes the sockets on both nodes within a second', async () => {
    const user = await registerUser(url(0), 'cl_lost');
    const sockets = await Promise.all([RawSocket.ready(url(0), user.token), RawSocket.ready(url(1), user.token)]);
    // Committed without a word on the bus, as by a node that died between its commit and its publish.
    const store = openPostgresStore(cluster().schema.url, { poolSize: 1 });
    try {
      await store.sessions.revokeSession(decodeJwt(user.token)['sid'] as string, Date.now());
    } finally {
      await store.close();
    }
    for (const socket of sockets) expect(await closedWithin(socket, 1000)).toBe(4403);
    for (const index of [0, 1]) expectError(await me(index, user.token), 401, 'unauthenticated');
  });
});

/**
 * Issue 9, item 11: nodes sharing a database must share the token secret. Without JWT_SECRET each
 * would invent its own (tokens of one refused by the other), so a node on PostgreSQL refuses to
 * start and says which variable to set.
 */
describePostgres('JWT_SECRET with a shared database', () => {
  it('two nodes on one PostgreSQL database without JWT_SECRET refuse to start, naming it', async () => {
    const schema = await createTestSchema();
    const dirs = [0, 1].map((i) => mkdtempSync(path.join(tmpdir(), `confab-nosecret-${i}-`)));
    const starts = await Promise.allSettled(
      dirs.map(async (dir) => startServerProcess({ DATA_DIR: dir, PORT: String(await freePort()), DATABASE_URL: schema.url })),
    );
    try {
      for (const start of starts) {
        expect(start.status).toBe('rejected');
        const message = start.status === 'rejected' ? String((start.reason as Error).message) : '';
        expect(message).toMatch(/exited \(2\) before serving/);
        expect(message).toMatch(/JWT_SECRET: required/);
      }
    } finally {
      for (const start of starts) if (start.status === 'fulfilled') start.value.child.kill('SIGKILL');
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      await schema.drop();
    }
  }, 60_000);
});
