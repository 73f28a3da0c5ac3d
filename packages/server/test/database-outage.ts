import { expect } from 'vitest';
import { expectError, postMessage } from './factories.js';
import { type TestServer, RawSocket, api, registerUser, startServer } from './harness.js';
import { TcpProxy } from './tcp-proxy.js';

/** A server on a network database (PostgreSQL, MariaDB), reached through a relay the test can cut. */
export interface ServerBehindRelay {
  t: TestServer;
  proxy: TcpProxy;
  close(): Promise<void>;
}

export async function serverBehindRelay(databaseUrl: string, defaultPort: number, jwtSecret: string): Promise<ServerBehindRelay> {
  const url = new URL(databaseUrl);
  const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || defaultPort) });
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const t = await startServer({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '4', JWT_SECRET: jwtSecret });
  return {
    t,
    proxy,
    close: async () => {
      await t.close();
      await proxy.close();
    },
  };
}

/**
 * The outage every network store must answer the same way: while the database is cut off, REST
 * and WebSocket calls that need it answer 503 `unavailable` (never a bare 500), `/readyz` and
 * `/healthz` say so and name the checks that failed; once it is back the server recovers by
 * itself and nothing from the outage was stored.
 */
export async function expectOutageAnsweredAndRecovered({ t, proxy }: ServerBehindRelay, failedChecks: readonly string[]): Promise<void> {
  const alice = await registerUser(t.url, 'alice');
  const bob = await registerUser(t.url, 'bob');
  const dm = await alice.client.openDirect(bob.id);
  const bobSocket = await RawSocket.ready(t.url, bob.token);
  const socket = await RawSocket.ready(t.url, alice.token);
  // Alice's socket has finished setting up (its last step announces her) before the outage.
  await bobSocket.next((f) => f.type === 'presence' && f.userId === alice.id && f.online);

  await proxy.cut();
  try {
    expectError(await postMessage(t.url, alice, dm.id, 'during the outage'), 503, 'unavailable');
    expectError(await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/messages`, { token: bob.token }), 503, 'unavailable');
    expectError(
      await api(t.url, 'POST', '/api/v1/auth/register', { body: { username: 'nobody_home', password: 'correct horse battery' } }),
      503,
      'unavailable',
    );
    const ready = await api(t.url, 'GET', '/readyz');
    expectError(ready, 503, 'unavailable');
    expect(ready.body.error.details).toEqual(
      failedChecks.map((check) => expect.objectContaining({ path: '', params: { check } }) as unknown),
    );
    expectError(await api(t.url, 'GET', '/healthz'), 503, 'unavailable');
    // The WebSocket twin of the send answers the same code.
    socket.send({ type: 'message.send', id: 'out', conversationId: dm.id, clientId: 'ws-out', body: 'during the outage' });
    const frame = await socket.next((f) => f.type === 'error' && f.id === 'out');
    expect(frame).toMatchObject({ error: { code: 'unavailable' } });
  } finally {
    await proxy.restore();
  }

  await expect.poll(async () => (await api(t.url, 'GET', '/readyz')).status, { timeout: 15_000 }).toBe(200);
  const after = await alice.client.sendMessage(dm.id, 'back again');
  expect(after.seq).toBe(1); // nothing from the outage was stored
  expect((await bob.client.history(dm.id)).items.map((m) => m.body)).toEqual(['back again']);
  socket.close();
  bobSocket.close();
}
