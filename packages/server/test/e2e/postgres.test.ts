import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectError, postMessage } from '../factories.js';
import { type TestServer, RawSocket, api, registerUser, startServer } from '../harness.js';
import { type TestSchema, createTestSchema, postgresService, requireService } from '../services.js';
import { TcpProxy } from '../tcp-proxy.js';

const describePostgres = await requireService(postgresService);

describePostgres('a server on PostgreSQL', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let t: TestServer;

  beforeAll(async () => {
    schema = await createTestSchema();
    // The server reaches PostgreSQL through a relay the outage test can cut.
    const url = new URL(schema.url);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    t = await startServer({
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '4',
      JWT_SECRET: 'a postgres test secret of at least 32 chars',
    });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await schema?.drop();
  });

  it('registers, opens a DM, sends and pages history through the SDK', async () => {
    expect(t.server.services.store.engine).toBe('postgres');
    const alice = await registerUser(t.url, 'alice');
    const bob = await registerUser(t.url, 'bob');
    const dm = await alice.client.openDirect(bob.id);
    expect((await bob.client.openDirect(alice.id)).id).toBe(dm.id);

    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await alice.client.sendMessage(dm.id, `m${i}`));
    sent.push(await bob.client.sendMessage(dm.id, 'hi alice 👋'));
    expect(sent.map((m) => m.seq)).toEqual([...Array(21).keys()].map((i) => i + 1));

    const page1 = await bob.client.history(dm.id);
    expect(page1.items.map((m) => m.seq)).toEqual([...Array(15).keys()].map((i) => 21 - i));
    const page2 = await bob.client.history(dm.id, { before: Number(page1.nextCursor) });
    expect(page2.items.map((m) => m.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(page1.items[0]).toMatchObject({ body: 'hi alice 👋', senderId: bob.id });

    const list = await alice.client.listConversations();
    expect(list.items[0]).toMatchObject({ id: dm.id, lastMessage: { seq: 21 }, unreadCount: 1 });
    expect((await api(t.url, 'GET', '/readyz')).body).toMatchObject({ status: 'ok', checks: { store: 'ok' } });
  });

  it('answers 503 unavailable while the database is unreachable, and recovers', async () => {
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
      // The files are in the same database (the PostgreSQL blob store), so they are out too.
      expect(ready.body.error.details).toEqual([
        expect.objectContaining({ path: '', params: { check: 'store' } }),
        expect.objectContaining({ path: '', params: { check: 'blobs' } }),
      ]);
      expectError(await api(t.url, 'GET', '/healthz'), 503, 'unavailable');
      // The WebSocket twin of the send answers the same code.
      socket.send({ type: 'message.send', id: 'out', conversationId: dm.id, clientId: 'ws-out', body: 'during the outage' });
      const frame = await socket.next((f) => f.type === 'error' && f.id === 'out');
      expect(frame).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await proxy.restore();
    }

    await expect.poll(async () => (await api(t.url, 'GET', '/readyz')).status, { timeout: 10_000 }).toBe(200);
    const after = await alice.client.sendMessage(dm.id, 'back again');
    expect(after.seq).toBe(1); // nothing from the outage was stored
    expect((await bob.client.history(dm.id)).items.map((m) => m.body)).toEqual(['back again']);
    socket.close();
    bobSocket.close();
  });
});
