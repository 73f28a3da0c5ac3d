import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectError, postMessage } from '../factories.js';
import { type TestServer, RawSocket, api, registerUser, startServer } from '../harness.js';
import { type TestDatabase, createTestDatabase, mysqlService, requireService } from '../services.js';
import { TcpProxy } from '../tcp-proxy.js';

const describeMysql = await requireService(mysqlService);

/** As `postgres.test.ts`'s outage: a server on MariaDB/MySQL answers 503 while its database is cut off, and recovers. */
describeMysql('a server on MariaDB losing its database', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    // The server reaches MariaDB through a relay the test can cut.
    const url = new URL(database.url);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 3306) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    t = await startServer({
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '4',
      JWT_SECRET: 'a mariadb test secret of at least 32 chars',
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 unavailable while the database is unreachable, and recovers', async () => {
    expect(t.server.services.store.engine).toBe('mysql');
    const alice = await registerUser(t.url, 'alice');
    const bob = await registerUser(t.url, 'bob');
    const dm = await alice.client.openDirect(bob.id);
    const bobSocket = await RawSocket.ready(t.url, bob.token);
    const socket = await RawSocket.ready(t.url, alice.token);
    await bobSocket.next((f) => f.type === 'presence' && f.userId === alice.id && f.online);

    await proxy.cut();
    try {
      expectError(await postMessage(t.url, alice, dm.id, 'during the outage'), 503, 'unavailable');
      expectError(await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/messages`, { token: bob.token }), 503, 'unavailable');
      expectError(await api(t.url, 'GET', '/readyz'), 503, 'unavailable');
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
  }, 60_000);
});
