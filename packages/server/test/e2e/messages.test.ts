import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@confab/protocol';
import { RawSocket, type TestServer, type TestUser, api, registerUser, startServer } from '../harness.js';
import { createGroup, expectError, postMessage, registerUsers } from '../factories.js';

describe('messages', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ MAX_MESSAGE_LENGTH: '160' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A direct conversation between two fresh users. */
  async function pair() {
    const [alice, bob] = await registerUsers(t.url, 2);
    const dm = await alice!.client.openDirect(bob!.id);
    return { alice: alice!, bob: bob!, id: dm.id };
  }
  const send = (user: TestUser, conversationId: string, body: string, clientId?: string) =>
    postMessage(t.url, user, conversationId, body, clientId);
  const sendAll = async (user: TestUser, conversationId: string, count: number) => {
    for (let i = 1; i <= count; i++) await user.client.sendMessage(conversationId, `m${i}`);
  };
  const history = (user: TestUser, conversationId: string, query = '') =>
    api(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages${query}`, { token: user.token });
  const seqs = (page: { items: Message[] }) => page.items.map((m) => m.seq);
  const range = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from <= to ? from + i : from - i));

  describe('POST /api/v1/conversations/:id/messages', () => {
    it('stores the message: 201 {message} with id, conversationId, seq, senderId, clientId, body, createdAt, and nothing edited, quoted, reacted to or pinned yet', async () => {
      const { alice, id } = await pair();
      const before = Date.now();
      const res = await send(alice, id, 'hello', 'client-1');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        message: {
          id: expect.any(String),
          conversationId: id,
          seq: 1,
          senderId: alice.id,
          clientId: 'client-1',
          kind: 'text',
          body: 'hello',
          createdAt: expect.any(String),
          editedAt: null,
          deletedAt: null,
          replyToId: null,
          replyTo: null,
          threadRootId: null,
          replyCount: 0,
          lastReplyAt: null,
          reactions: [],
          mentions: [],
          pinnedAt: null,
          pinnedBy: null,
        },
      });
      const createdAt = Date.parse(res.body.message.createdAt);
      expect(createdAt).toBeGreaterThanOrEqual(before);
      expect(createdAt).toBeLessThanOrEqual(Date.now());
      expect((await send(alice, id, 'second')).body.message.seq).toBe(2);
    });

    it('answers the same clientId from the same sender with 200 and the stored message, storing nothing new', async () => {
      const { alice, bob, id } = await pair();
      const first = await send(alice, id, 'once', 'retry-me');
      const again = await send(alice, id, 'once', 'retry-me');
      expect(again).toEqual({ status: 200, body: first.body });
      // Another sender's clientId space is their own.
      expect((await send(bob, id, 'mine', 'retry-me')).status).toBe(201);
      expect(seqs((await history(alice, id)).body)).toEqual([2, 1]);
    });

    it('stores exactly one message for two concurrent sends with the same clientId: one 201, one 200, same id', async () => {
      const { alice, id } = await pair();
      const answers = await Promise.all([send(alice, id, 'race', 'same-key'), send(alice, id, 'race', 'same-key')]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
      expect(answers[0]!.body.message).toEqual(answers[1]!.body.message);
      expect((await history(alice, id)).body.items).toHaveLength(1);
    });

    it('refuses a clientId already used by the same sender in another conversation with 409', async () => {
      const { alice, bob, id } = await pair();
      const other = await alice.client.createGroup('other', [bob.id]);
      await send(alice, id, 'first use', 'key-1');
      expectError(await send(alice, other.id, 'second use', 'key-1'), 409, 'idempotency_conflict');
      expect((await history(alice, other.id)).body.items).toEqual([]);
    });

    it('numbers 1000 concurrent sends (REST and WebSocket mixed) 1…1000 with no gap or duplicate', async () => {
      const [owner, ...members] = await registerUsers(t.url, 4);
      const group = (await createGroup(owner!, members)).id;
      const senders = [owner!, ...members];
      const socket = await RawSocket.ready(t.url, members[0]!.token);
      const viaRest = Array.from({ length: 800 }, (_, i) =>
        send(senders[i % 4]!, group, `rest ${i}`, `rest-${i}`).then((r) => r.body.message as Message),
      );
      const viaSocket = Array.from({ length: 200 }, (_, i) => {
        socket.send({ type: 'message.send', id: `f${i}`, conversationId: group, clientId: `ws-${i}`, body: `ws ${i}` });
        return socket.next<any>((f) => f.type === 'ack' && f.id === `f${i}`, 20_000).then((f) => f.message as Message);
      });
      const stored = await Promise.all([...viaRest, ...viaSocket]);
      socket.close();
      expect(stored.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(1, 1000));
      expect(new Set(stored.map((m) => m.id)).size).toBe(1000);

      // The history agrees, page by page from the newest.
      const paged: number[] = [];
      let before: string | null = null;
      do {
        const page: any = (await history(owner!, group, `?limit=100${before ? `&before=${before}` : ''}`)).body;
        paged.push(...seqs(page));
        before = page.nextCursor;
      } while (before !== null);
      expect(paged).toEqual(range(1000, 1));
      expect((await owner!.client.getConversation(group)).lastSeq).toBe(1000);
    });

    describe('body rules (MAX_MESSAGE_LENGTH=160)', () => {
      it('counts code points, so an emoji or other astral character counts as one', async () => {
        const { alice, id } = await pair();
        for (const body of ['a'.repeat(160), '😀'.repeat(160), '𝄞'.repeat(80) + 'é'.repeat(80), 'x']) {
          const res = await send(alice, id, body);
          expect(res.status, body).toBe(201);
          expect(res.body.message.body).toBe(body);
        }
        for (const body of ['a'.repeat(161), '😀'.repeat(161), '👍🏽'.repeat(80) + '!']) {
          const res = await send(alice, id, body);
          expectError(res, 400, 'validation_failed');
          expect(res.body.error.details).toEqual([{ path: '/body/body', message: expect.any(String), params: { limit: 160 } }]);
        }
      });

      it('refuses an empty body, a NUL and an unpaired surrogate', async () => {
        const { alice, id } = await pair();
        for (const body of ['', 'nul \u0000 inside', 'lone \uD83D high', 'lone \uDE00 low', 'reversed \uDE00\uD83D']) {
          expectError(await send(alice, id, body), 400, 'validation_failed');
        }
        expect((await history(alice, id)).body.items).toEqual([]);
      });

      it('needs a clientId of 1–64 characters and nothing else', async () => {
        const { alice, id } = await pair();
        const raw = (body: unknown) => api(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body });
        expectError(await raw({ body: 'no key' }), 400, 'validation_failed');
        expectError(await raw({ clientId: '', body: 'empty key' }), 400, 'validation_failed');
        expectError(await raw({ clientId: 'k'.repeat(65), body: 'long key' }), 400, 'validation_failed');
        expectError(await raw({ clientId: 'k', body: 'hi', seq: 7 }), 400, 'validation_failed');
        expectError(await raw({ clientId: 'k', body: 42 }), 400, 'validation_failed');
      });
    });
  });

  describe('GET /api/v1/conversations/:id/messages', () => {
    it('pages newest first, 15 by default, nextCursor being the `before` of the next page', async () => {
      const { alice, bob, id } = await pair();
      await sendAll(alice, id, 20);
      const first = (await history(bob, id)).body;
      expect(seqs(first)).toEqual(range(20, 6));
      expect(first.nextCursor).toBe('6');
      const second = (await history(bob, id, `?before=${first.nextCursor}`)).body;
      expect(second).toEqual({ items: expect.any(Array), nextCursor: null });
      expect(seqs(second)).toEqual(range(5, 1));
      expect(first.items[0]).toMatchObject({ conversationId: id, senderId: alice.id, body: 'm20' });
    });

    it('pages forward, oldest first, above `after`', async () => {
      const { alice, id } = await pair();
      await sendAll(alice, id, 7);
      const page = (await history(alice, id, '?after=2&limit=3')).body;
      expect(seqs(page)).toEqual([3, 4, 5]);
      const next = (await history(alice, id, `?after=${page.nextCursor}&limit=3`)).body;
      expect(next).toMatchObject({ nextCursor: null });
      expect(seqs(next)).toEqual([6, 7]);
      expect((await history(alice, id, '?after=7')).body).toEqual({ items: [], nextCursor: null });
    });

    it('answers an empty conversation with an empty last page', async () => {
      const { alice, id } = await pair();
      expect((await history(alice, id)).body).toEqual({ items: [], nextCursor: null });
    });

    it('refuses bad query values with 400', async () => {
      const { alice, id } = await pair();
      for (const query of ['?limit=0', '?limit=abc', '?before=-1', '?cursor=x', '?limit=1001']) {
        expectError(await history(alice, id, query), 400, 'validation_failed');
      }
    });

    it('takes its page size from MESSAGES_PAGE_SIZE and caps `limit` at MESSAGES_PAGE_MAX', async () => {
      const small = await startServer({ MESSAGES_PAGE_SIZE: '4', MESSAGES_PAGE_MAX: '6' });
      try {
        const [alice, bob] = await registerUsers(small.url, 2);
        const dm = await alice!.client.openDirect(bob!.id);
        for (let i = 0; i < 10; i++) await alice!.client.sendMessage(dm.id, `m${i}`);
        expect(seqs(await bob!.client.history(dm.id))).toEqual([10, 9, 8, 7]);
        expect(seqs(await bob!.client.history(dm.id, { limit: 50 }))).toEqual(range(10, 5));
        expect(seqs(await bob!.client.history(dm.id, { limit: 2 }))).toEqual([10, 9]);
      } finally {
        await small.close();
      }
    });
  });

  describe('GET /api/v1/messages', () => {
    /** Me with a DM with bob (3 from bob, 1 mine) and a group with carol and dave (2 from carol, 1 from dave). */
    async function inbox() {
      const [me, bob, carol, dave, stranger] = await registerUsers(t.url, 5);
      const dm = (await me!.client.openDirect(bob!.id)).id;
      const group = (await createGroup(carol!, [me!, dave!])).id;
      const strangers = (await stranger!.client.openDirect(bob!.id)).id;
      await bob!.client.sendMessage(dm, 'bob 1');
      await carol!.client.sendMessage(group, 'carol 1');
      await bob!.client.sendMessage(dm, 'bob 2');
      await me!.client.sendMessage(dm, 'me 1');
      await dave!.client.sendMessage(group, 'dave 1');
      await bob!.client.sendMessage(dm, 'bob 3');
      await carol!.client.sendMessage(group, 'carol 2');
      await bob!.client.sendMessage(strangers, 'not for me');
      return { me: me!, bob: bob!, carol: carol!, dave: dave!, dm, group };
    }
    const recent = async (user: TestUser, query: Record<string, string | number | boolean> = {}) => {
      const res = await api(
        t.url,
        'GET',
        `/api/v1/messages?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`,
        {
          token: user.token,
        },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { bodies: res.body.items.map((m: Message) => m.body) as string[], nextCursor: res.body.nextCursor as string | null };
    };

    it('lists recent messages across my conversations, newest first', async () => {
      const { me } = await inbox();
      expect((await recent(me)).bodies).toEqual(['carol 2', 'bob 3', 'dave 1', 'me 1', 'bob 2', 'carol 1', 'bob 1']);
    });

    it('filters by sender, by recipient and by read state', async () => {
      const { me, bob, carol, group } = await inbox();
      expect((await recent(me, { sender: bob.id })).bodies).toEqual(['bob 3', 'bob 2', 'bob 1']);
      // Messages that bob could read, sent by someone else: those in conversations he is in.
      expect((await recent(me, { recipient: bob.id })).bodies).toEqual(['me 1']);
      expect((await recent(me, { recipient: carol.id })).bodies).toEqual(['dave 1']);
      // Sending 'me 1' moved my marker in the DM to 3.
      expect((await recent(me, { is_read: true })).bodies).toEqual(['me 1', 'bob 2', 'bob 1']);
      expect((await recent(me, { is_read: false, sender: bob.id })).bodies).toEqual(['bob 3']);
      await me.client.markRead(group, 1);
      expect((await recent(me, { is_read: false })).bodies).toEqual(['carol 2', 'bob 3', 'dave 1']);
    });

    it('pages with limit and cursor', async () => {
      const { me } = await inbox();
      const first = await recent(me, { limit: 3 });
      expect(first.bodies).toEqual(['carol 2', 'bob 3', 'dave 1']);
      const second = await recent(me, { limit: 3, cursor: first.nextCursor! });
      expect(second.bodies).toEqual(['me 1', 'bob 2', 'carol 1']);
      const last = await recent(me, { limit: 3, cursor: second.nextCursor! });
      expect(last).toEqual({ bodies: ['bob 1'], nextCursor: null });
    });

    it('refuses unknown filters and bad values with 400', async () => {
      const me = await registerUser(t.url);
      for (const query of ['?is_read=maybe', '?limit=0', '?limit=101', '?conversation=x', '?cursor=%7B']) {
        expectError(await api(t.url, 'GET', `/api/v1/messages${query}`, { token: me.token }), 400, 'validation_failed');
      }
    });
  });

  describe('POST /api/v1/conversations/:id/read', () => {
    it('moves my read marker forward only, clamped to the last message, and reports my unread count', async () => {
      const { alice, bob, id } = await pair();
      await sendAll(alice, id, 5);
      const read = (seq: unknown) => api(t.url, 'POST', `/api/v1/conversations/${id}/read`, { token: bob.token, body: { seq } });
      expect(await read(3)).toMatchObject({ status: 200, body: { conversationId: id, userId: bob.id, readSeq: 3, unreadCount: 2 } });
      expect((await read(1)).body).toMatchObject({ readSeq: 3, unreadCount: 2 });
      expect((await read(99)).body).toMatchObject({ readSeq: 5, unreadCount: 0 });
      expect((await read(0)).body).toMatchObject({ readSeq: 5 });
      expectError(await read(-1), 400, 'validation_failed');
      expectError(await read('4'), 400, 'validation_failed'); // bodies are not type-coerced
      expectError(await read(2.5), 400, 'validation_failed');
      // Only bob's marker moved.
      const aliceView = (await alice.client.listConversations()).items[0]!;
      expect(aliceView).toMatchObject({ readSeq: 5, unreadCount: 0 });
      expect((await bob.client.getConversation(id)).readSeq).toBe(5);
    });
  });
});
