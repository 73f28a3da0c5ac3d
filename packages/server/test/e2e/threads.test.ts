import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventOf, type Message, REPLY_EXCERPT_LENGTH } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, nextMillisecond } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, barrier, historyOf, until } from '../harness.js';

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
      seq: quoted.seq,
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
      bodies.push(...page.body.items.map((m) => m.body ?? ''));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(bodies).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);
    expectError(await api(t.url, 'GET', `/api/v1/messages/${root.id}/thread`, { token: stranger.token }), 404, 'not_found');
    expectError(await api(t.url, 'GET', `/api/v1/messages/${root.id}/thread?cursor=bogus`, { token: bob.token }), 400, 'validation_failed');
    expectError(await api(t.url, 'GET', `/api/v1/messages/${root.id}/thread?limit=0`, { token: bob.token }), 400, 'validation_failed');
  });
});

// ---- thread read state (issue 35 item 2) ----
describe.each(await engines())('thread read state on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const sent = async (user: TestUser, conversationId: string, body: string, threadRootId?: string): Promise<Message> => {
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: user.token,
      body: { clientId: crypto.randomUUID(), body, ...(threadRootId ? { threadRootId } : {}) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.message;
  };
  const readThread = (user: TestUser, rootId: string, body: unknown) =>
    api(t.url, 'POST', `/api/v1/messages/${rootId}/thread/read`, { token: user.token, body });
  const follow = (user: TestUser, rootId: string, on: boolean) =>
    api(t.url, on ? 'PUT' : 'DELETE', `/api/v1/messages/${rootId}/thread/follow`, { token: user.token });
  const threads = (user: TestUser, conversationId: string, query = '') =>
    api(t.url, 'GET', `/api/v1/conversations/${conversationId}/threads${query}`, { token: user.token });
  const summary = async (user: TestUser, conversationId: string) =>
    (await user.client.listConversations()).items.find((c) => c.id === conversationId)!;
  const at = (user: TestUser) => `@${user.auth.user.username}`;

  it("the issue's case: a thread-only reply leaves no unread badge; the thread is unread for its followers until read", async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const root = await sent(alice, group.id, 'root');
    await sent(bob, group.id, 'two');
    await sent(alice, group.id, 'three');
    await alice.client.markRead(group.id, 3);
    await bob.client.markRead(group.id, 3);
    const reply = await sent(carol, group.id, 'in the thread', root.id);
    expect(reply.seq).toBe(4);
    // readSeq 3, lastSeq 4: nothing unread in the main timeline for either of them.
    expect(await summary(alice, group.id)).toMatchObject({ readSeq: 3, lastSeq: 4, unreadCount: 0, mentionCount: 0, unreadThreads: 1 });
    expect(await summary(bob, group.id)).toMatchObject({ readSeq: 3, lastSeq: 4, unreadCount: 0, unreadThreads: 0 });
    expect((await alice.client.listConversations()).unreadTotal).toBe(0);
    expect((await alice.client.getConversation(group.id)).unreadThreads).toBe(1);

    const followed = await threads(alice, group.id, '?followed=true');
    expect(followed.status).toBe(200);
    expect(followed.body).toEqual({
      items: [
        {
          root: expect.objectContaining({ id: root.id, replyCount: 1 }),
          replyCount: 1,
          lastReplyAt: reply.createdAt,
          unreadCount: 1,
          following: true,
        },
      ],
      nextCursor: null,
    });
    // Bob does not follow it: it is in his list of all threads, not of followed ones.
    expect((await threads(bob, group.id, '?followed=true')).body.items).toEqual([]);
    expect((await threads(bob, group.id)).body.items).toMatchObject([{ root: { id: root.id }, unreadCount: 1, following: false }]);

    const read = await readThread(alice, root.id, { seq: reply.seq });
    expect(read).toEqual({ status: 204, body: null });
    expect(await summary(alice, group.id)).toMatchObject({ unreadCount: 0, unreadThreads: 0 });
    expect((await threads(alice, group.id, '?followed=true')).body.items).toMatchObject([{ unreadCount: 0, following: true }]);
    // The replier has read their own reply, and their main-timeline marker did not move with it.
    expect(await summary(carol, group.id)).toMatchObject({ readSeq: 0, unreadCount: 3, unreadThreads: 0 });
  });

  it('a mention in a thread counts in mentionCount and makes the mentioned user follow', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const root = await sent(alice, group.id, 'root');
    await bob.client.markRead(group.id, root.seq);
    await sent(carol, group.id, `${at(bob)} look`, root.id);
    expect(await summary(bob, group.id)).toMatchObject({ unreadCount: 0, mentionCount: 1, unreadThreads: 1 });
    expect((await threads(bob, group.id, '?followed=true')).body.items).toMatchObject([{ unreadCount: 1, following: true }]);
  });

  it('follows by hand and unfollows (204 both, idempotent); replying follows again', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const root = await sent(alice, group.id, 'root');
    await sent(carol, group.id, 'r1', root.id);
    expect((await summary(bob, group.id)).unreadThreads).toBe(0);
    expect(await follow(bob, root.id, true)).toEqual({ status: 204, body: null });
    expect((await follow(bob, root.id, true)).status).toBe(204);
    expect((await summary(bob, group.id)).unreadThreads).toBe(1);
    expect(await follow(alice, root.id, false)).toEqual({ status: 204, body: null });
    expect((await follow(alice, root.id, false)).status).toBe(204);
    expect(await summary(alice, group.id)).toMatchObject({ unreadThreads: 0, unreadCount: 0 });
    expect((await threads(alice, group.id, '?followed=true')).body.items).toEqual([]);
    await sent(carol, group.id, 'r2', root.id);
    expect((await summary(alice, group.id)).unreadThreads).toBe(0);
    await sent(alice, group.id, 'r3', root.id);
    expect((await threads(alice, group.id, '?followed=true')).body.items).toMatchObject([{ following: true, unreadCount: 0 }]);
  });

  it('never moves a read position back, caps it at the newest reply, and tells my other devices live and on resume', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const root = await sent(alice, group.id, 'root');
    const r1 = await sent(bob, group.id, 'r1', root.id);
    const r2 = await sent(bob, group.id, 'r2', root.id);
    const other = await RawSocket.ready(t.url, alice.token);
    const away = await RawSocket.ready(t.url, alice.token);
    const ready: any = away.frames.find((f) => f.type === 'ready');
    away.close();
    await away.closed;
    const bobs = await RawSocket.ready(t.url, bob.token);

    expect((await readThread(alice, root.id, { seq: r2.seq })).status).toBe(204);
    const live = await other.next<EventOf<'thread.read'>>((f) => f.type === 'thread.read');
    expect(live).toMatchObject({
      conversationId: group.id,
      rootId: root.id,
      readSeq: r2.seq,
      unreadCount: 0,
      following: true,
      unreadThreads: 0,
    });
    expect((await readThread(alice, root.id, { seq: r1.seq })).status).toBe(204); // behind: nothing moves
    expect((await readThread(alice, root.id, { seq: 1_000_000 })).status).toBe(204); // capped at r2: nothing moves
    expect((await threads(alice, group.id)).body.items).toMatchObject([{ unreadCount: 0 }]);
    await barrier(other, bobs);
    expect(other.frames.filter((f) => f.type === 'thread.read')).toHaveLength(1);
    expect(bobs.frames.filter((f) => f.type === 'thread.read' || f.type === 'thread.updated')).toEqual([]);

    expect((await follow(alice, root.id, false)).status).toBe(204);
    await other.next((f) => f.type === 'thread.updated' && !f.following);
    const resumed = await RawSocket.open(t.url, alice.token, { query: { since: ready.cursor } });
    await resumed.next((f) => f.type === 'ready');
    const replayed = resumed.frames.filter((f) => f.type === 'thread.read' || f.type === 'thread.updated');
    expect(replayed.map((f) => [f.type, (f as EventOf<'thread.read'>).readSeq, (f as EventOf<'thread.read'>).following])).toEqual([
      ['thread.read', r2.seq, true],
      ['thread.updated', r2.seq, false],
    ]);
    for (const s of [other, resumed, bobs]) s.close();
  });

  it('refuses what is not a thread call: non-member 404, unknown root 404, a thread reply as root 400, malformed seq or query 400', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob]);
    const root = await sent(alice, group.id, 'root');
    const reply = await sent(bob, group.id, 'r1', root.id);
    expectError(await readThread(stranger, root.id, { seq: 2 }), 404, 'not_found');
    expectError(await follow(stranger, root.id, true), 404, 'not_found');
    expectError(await threads(stranger, group.id), 404, 'not_found');
    expectError(await readThread(alice, 'no-such-message', { seq: 2 }), 404, 'not_found');
    expectError(await follow(alice, 'no-such-message', false), 404, 'not_found');
    expectError(await readThread(alice, reply.id, { seq: 2 }), 400, 'validation_failed');
    expectError(await follow(alice, reply.id, true), 400, 'validation_failed');
    for (const body of [{}, { seq: -1 }, { seq: 1.5 }, { seq: '2' }, { seq: 2 ** 63 }, { seq: 2, extra: 1 }, null]) {
      expectError(await readThread(alice, root.id, body), 400, 'validation_failed');
    }
    for (const query of ['?followed=maybe', '?limit=0', '?limit=101', '?cursor=bogus', '?other=1']) {
      expectError(await threads(alice, group.id, query), 400, 'validation_failed');
    }
    const forged = Buffer.from(JSON.stringify({ lastReplyAt: 1.5, id: 'x' })).toString('base64url');
    expectError(await threads(alice, group.id, `?cursor=${forged}`), 400, 'validation_failed');
    expect((await api(t.url, 'POST', `/api/v1/messages/${root.id}/thread/read`, { body: { seq: 1 } })).status).toBe(401);
  });

  it('notifies the followers of a new reply, not who unfollowed it', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const root = await sent(alice, group.id, 'root');
    expect((await follow(alice, root.id, false)).status).toBe(204);
    expect((await follow(bob, root.id, true)).status).toBe(204);
    const reply = await sent(carol, group.id, 'r1', root.id);
    const threadReplies = async (user: TestUser) =>
      (await api(t.url, 'GET', '/api/v1/notifications', { token: user.token })).body.items.filter(
        (n: { kind: string; messageId: string }) => n.kind === 'thread_reply' && n.messageId === reply.id,
      );
    // Both come from the one reply's activity, in one commit: once Bob has his, Alice would have had hers.
    await until(async () => (await threadReplies(bob)).length === 1, "Bob's thread_reply notification");
    expect(await threadReplies(alice)).toEqual([]);
  });

  it('pages the threads newest reply first', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const roots: Message[] = [];
    for (let i = 0; i < 3; i++) roots.push(await sent(alice, group.id, `root ${i}`));
    for (const root of roots) {
      await nextMillisecond();
      await sent(bob, group.id, `reply to ${root.body}`, root.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await threads(alice, group.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: any) => i.root.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['root 2', 'root 1', 'root 0']);
  });
});
