import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerBehindRelay, expectOutageAnsweredAndRecovered, serverBehindRelay } from '../database-outage.js';
import { type TestServer, api, registerUser } from '../harness.js';
import { type TestSchema, createTestSchema, postgresService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);

describePostgres('a server on PostgreSQL', () => {
  let schema: TestSchema;
  let server: ServerBehindRelay;
  let t: TestServer;

  beforeAll(async () => {
    schema = await createTestSchema();
    server = await serverBehindRelay(schema.url, 5432, 'a postgres test secret of at least 32 chars');
    t = server.t;
  });
  afterAll(async () => {
    await server?.close();
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
    // The files are in the same database (the PostgreSQL blob store), so they are out too.
    await expectOutageAnsweredAndRecovered(server, ['store', 'blobs']);
  });
});
