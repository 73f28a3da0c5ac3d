import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventOf, type Message, REPLY_EXCERPT_LENGTH } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, barrier, historyOf } from '../harness.js';

describe.each(await engines())('replies and threads on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const post = (user: TestUser, conversationId: string, body: string, extra: { replyToId?: string; threadRootId?: string } = {}) =>
    api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: user.token,
      body: { clientId: crypto.randomUUID(), body, ...extra },
    });
  const sent = async (...args: Parameters<typeof post>): Promise<Message> => {
    const res = await post(...args);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.message;
  };

  it('a reply carries the quoted message: id, sender and an excerpt, current after edits and deletes', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const long = '😀'.repeat(REPLY_EXCERPT_LENGTH + 20);
    const quoted = await sent(alice, dm.id, long);
    const reply = await sent(bob, dm.id, 'agreed', { replyToId: quoted.id });
    expect(reply).toMatchObject({
      replyToId: quoted.id,
      replyTo: { id: quoted.id, senderId: alice.id, excerpt: `${'😀'.repeat(REPLY_EXCERPT_LENGTH)}…`, deleted: false },
      threadRootId: null,
    });
    await api(t.url, 'PATCH', `/api/v1/messages/${quoted.id}`, { token: alice.token, body: { body: 'short now' } });
    expect((await bob.client.history(dm.id)).items[0]!.replyTo).toMatchObject({ excerpt: 'short now', deleted: false });
    await api(t.url, 'DELETE', `/api/v1/messages/${quoted.id}`, { token: alice.token });
    expect((await api(t.url, 'GET', `/api/v1/messages/${reply.id}`, { token: bob.token })).body.message.replyTo).toEqual({
      id: quoted.id,
      senderId: alice.id,
      excerpt: '',
      deleted: true,
    });
  });

  it('refuses a replyToId or threadRootId outside the conversation, unknown, or a thread reply as root (400)', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const dm = await alice.client.openDirect(bob.id);
    const other = await alice.client.openDirect(carol.id);
    const elsewhere = await sent(alice, other.id, 'elsewhere');
    const root = await sent(alice, dm.id, 'root');
    const inThread = await sent(bob, dm.id, 'in thread', { threadRootId: root.id });
    expectError(await post(bob, dm.id, 'x', { replyToId: elsewhere.id }), 400, 'validation_failed');
    expectError(await post(bob, dm.id, 'x', { replyToId: 'no-such-message' }), 400, 'validation_failed');
    expectError(await post(bob, dm.id, 'x', { threadRootId: elsewhere.id }), 400, 'validation_failed');
    expectError(await post(bob, dm.id, 'x', { threadRootId: inThread.id }), 400, 'validation_failed');
    expectError(await post(bob, dm.id, 'x', { threadRootId: '' }), 400, 'validation_failed');
    // A reply inside a thread may quote any message of the conversation.
    expect((await post(bob, dm.id, 'quoting in thread', { threadRootId: root.id, replyToId: inThread.id })).status).toBe(201);
  });

  it('thread replies take the next seq, stay out of the main history unless ?threads=include, and move the root', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const socket = await RawSocket.ready(t.url, alice.token);
    const root = await sent(alice, group.id, 'root');
    const r1 = await sent(bob, group.id, 'r1', { threadRootId: root.id });
    const main = await sent(alice, group.id, 'main');
    const r2 = await sent(alice, group.id, 'r2', { threadRootId: root.id });
    expect([root.seq, r1.seq, main.seq, r2.seq]).toEqual([1, 2, 3, 4]);
    expect((await historyOf(bob.client, group.id)).map((m) => m.body)).toEqual(['root', 'main']);
    const all = await api(t.url, 'GET', `/api/v1/conversations/${group.id}/messages?threads=include`, { token: bob.token });
    expect(all.body.items.map((m: Message) => m.seq)).toEqual([4, 3, 2, 1]);
    expectError(
      await api(t.url, 'GET', `/api/v1/conversations/${group.id}/messages?threads=all`, { token: bob.token }),
      400,
      'validation_failed',
    );
    const stored = (await api(t.url, 'GET', `/api/v1/messages/${root.id}`, { token: bob.token })).body.message;
    expect(stored).toMatchObject({ replyCount: 2, lastReplyAt: r2.createdAt });
    // Each reply moved the root: a message.updated after its message.created.
    await socket.next((f) => f.type === 'message.updated' && f.message.replyCount === 2);
    await barrier(socket);
    const seen = socket.frames.filter((f) => f.type === 'message.created' || f.type === 'message.updated') as (
      EventOf<'message.created'> | EventOf<'message.updated'>
    )[];
    expect(seen.map((e) => `${e.type}:${e.message.body}:${e.message.replyCount}`)).toEqual([
      'message.created:root:0',
      'message.created:r1:0',
      'message.updated:root:1',
      'message.created:main:0',
      'message.created:r2:0',
      'message.updated:root:2',
    ]);
    socket.close();
  });

  it('GET /messages/:id/thread pages the replies oldest first; 404 to non-members', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    const dm = await alice.client.openDirect(bob.id);
    const root = await sent(alice, dm.id, 'root');
    for (let i = 0; i < 5; i++) await sent(i % 2 ? alice : bob, dm.id, `reply ${i}`, { threadRootId: root.id });
    const bodies: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Message[]; nextCursor: string | null } } = await api(
        t.url,
        'GET',
        `/api/v1/messages/${root.id}/thread?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: bob.token },
      );
      expect(page.status).toBe(200);
      bodies.push(...page.body.items.map((m) => m.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(bodies).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);
    expectError(await api(t.url, 'GET', `/api/v1/messages/${root.id}/thread`, { token: stranger.token }), 404, 'not_found');
    expectError(await api(t.url, 'GET', `/api/v1/messages/${root.id}/thread?cursor=bogus`, { token: bob.token }), 400, 'validation_failed');
    expectError(await api(t.url, 'GET', `/api/v1/messages/${root.id}/thread?limit=0`, { token: bob.token }), 400, 'validation_failed');
  });
});
