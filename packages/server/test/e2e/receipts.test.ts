import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '@confab/protocol';
import { RawSocket, type TestServer, type TestUser, api, startServer, until, barrier } from '../harness.js';
import { createGroup, expectError, freshUsers } from '../factories.js';

type ReadUpdated = EventOf<'read.updated'>;
type DeliveryUpdated = EventOf<'delivery.updated'>;

const readUpdates = (socket: RawSocket, userId?: string) =>
  socket.frames.filter((f): f is ReadUpdated => f.type === 'read.updated' && (userId === undefined || f.userId === userId));
const deliveryUpdates = (socket: RawSocket, userId?: string) =>
  socket.frames.filter((f): f is DeliveryUpdated => f.type === 'delivery.updated' && (userId === undefined || f.userId === userId));

async function sendMany(user: TestUser, conversationId: string, count: number, prefix = 'm'): Promise<void> {
  for (let i = 0; i < count; i++) await user.client.sendMessage(conversationId, `${prefix}${i}`);
}

const read = (url: string, user: TestUser, conversationId: string, seq: number) =>
  api(url, 'POST', `/api/v1/conversations/${conversationId}/read`, { token: user.token, body: { seq } });
const delivered = (url: string, user: TestUser, conversationId: string, seq: number) =>
  api(url, 'POST', `/api/v1/conversations/${conversationId}/delivered`, { token: user.token, body: { seq } });
const receipts = (url: string, user: TestUser, conversationId: string) =>
  api(url, 'GET', `/api/v1/conversations/${conversationId}/receipts`, { token: user.token });

describe('receipts', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  describe('read markers', () => {
    it('move forward only, clamped to the last message, whatever order concurrent updates arrive in', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const dm = await alice.client.openDirect(bob.id);
      await sendMany(alice, dm.id, 10);

      const first = await read(t.url, bob, dm.id, 3);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ conversationId: dm.id, userId: bob.id, readSeq: 3, unreadCount: 7, mentionCount: 0 });
      const back = await read(t.url, bob, dm.id, 1);
      expect(back.status).toBe(200);
      expect(back.body).toEqual({ conversationId: dm.id, userId: bob.id, readSeq: 3, unreadCount: 7, mentionCount: 0 });

      // Two updates in flight together, the larger first in one round and last in the next.
      for (let round = 0; round < 6; round++) {
        const low = 4 + round;
        const high = low + 1;
        const seqs = round % 2 === 0 ? [high, low] : [low, high];
        const answers = await Promise.all(seqs.map((seq) => read(t.url, bob, dm.id, seq)));
        for (const answer of answers) {
          expect(answer.status).toBe(200);
          expect(answer.body.readSeq).toBeGreaterThanOrEqual(low);
        }
        const mine = (await receipts(t.url, bob, dm.id)).body.items.find((r: { userId: string }) => r.userId === bob.id);
        expect(mine.readSeq).toBe(high);
      }

      const clamped = await read(t.url, bob, dm.id, 1_000);
      expect(clamped.body).toEqual({ conversationId: dm.id, userId: bob.id, readSeq: 10, unreadCount: 0, mentionCount: 0 });
      const list = await bob.client.listConversations();
      expect(list.items.find((c) => c.id === dm.id)?.unreadCount).toBe(0);
    });

    it('tells every other member of a group, with the reader’s own unread count and the event’s position', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob, carol]);
      await sendMany(alice, group.id, 4);
      const [aliceSocket, carolSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, carol.token)]);

      expect((await read(t.url, bob, group.id, 3)).status).toBe(200);
      const expectedBob = { type: 'read.updated', conversationId: group.id, userId: bob.id, readSeq: 3, unreadCount: 1, mentionCount: 0 };
      const bobSeenByAlice = await aliceSocket.next<ReadUpdated>((f) => f.type === 'read.updated' && f.userId === bob.id);
      const bobSeenByCarol = await carolSocket.next<ReadUpdated>((f) => f.type === 'read.updated' && f.userId === bob.id);
      expect(bobSeenByAlice).toEqual({ ...expectedBob, pos: expect.any(Number), prev: expect.any(Number), cursor: expect.any(String) });
      expect(bobSeenByCarol).toEqual(bobSeenByAlice);
      expect(bobSeenByAlice.prev).toBeLessThan(bobSeenByAlice.pos);

      const bobSocket = await RawSocket.ready(t.url, bob.token);
      expect((await read(t.url, carol, group.id, 4)).status).toBe(200);
      const carolSeenByBob = await bobSocket.next<ReadUpdated>((f) => f.type === 'read.updated' && f.userId === carol.id);
      expect(carolSeenByBob).toEqual({
        type: 'read.updated',
        conversationId: group.id,
        userId: carol.id,
        readSeq: 4,
        unreadCount: 0,
        mentionCount: 0,
        pos: expect.any(Number),
        // The conversation's previous event was Bob's receipt: a client can tell it missed nothing.
        prev: bobSeenByAlice.pos,
        cursor: expect.any(String),
      });
      expect(await aliceSocket.next((f) => f.type === 'read.updated' && f.userId === carol.id)).toEqual(carolSeenByBob);

      // A receipt that does not move the marker is not announced.
      expect((await read(t.url, bob, group.id, 2)).body.readSeq).toBe(3);
      await alice.client.sendMessage(group.id, 'sentinel');
      await aliceSocket.next((f) => f.type === 'message.created' && f.message.body === 'sentinel');
      await carolSocket.next((f) => f.type === 'message.created' && f.message.body === 'sentinel');
      expect(readUpdates(aliceSocket).map((e) => [e.userId, e.readSeq])).toEqual([
        [bob.id, 3],
        [carol.id, 4],
      ]);
      expect(readUpdates(carolSocket, bob.id)).toHaveLength(1);
      [aliceSocket, bobSocket, carolSocket].forEach((s) => s.close());
    });

    it('lists every member’s read and delivered markers', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob, carol]);
      await sendMany(alice, group.id, 5);
      await read(t.url, bob, group.id, 2);
      await delivered(t.url, carol, group.id, 4);

      const answer = await receipts(t.url, carol, group.id);
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body)).toEqual(['items']);
      const byUser = Object.fromEntries(answer.body.items.map((r: { userId: string }) => [r.userId, r]));
      expect(answer.body.items).toHaveLength(3);
      expect(byUser).toEqual({
        // A sender has read (and has) what they sent.
        [alice.id]: { userId: alice.id, readSeq: 5, deliveredSeq: 5 },
        // What a member has read has reached one of their devices.
        [bob.id]: { userId: bob.id, readSeq: 2, deliveredSeq: 2 },
        [carol.id]: { userId: carol.id, readSeq: 0, deliveredSeq: 4 },
      });
      expect(await bob.client.receipts(group.id)).toEqual(answer.body);
    });

    it('refuses non-members with 404 on read, delivered and receipts, over REST and WebSocket', async () => {
      const [alice, bob, stranger] = await freshUsers(t.url, 3);
      const dm = await alice.client.openDirect(bob.id);
      await alice.client.sendMessage(dm.id, 'private');

      expectError(await read(t.url, stranger, dm.id, 1), 404, 'not_found');
      expectError(await delivered(t.url, stranger, dm.id, 1), 404, 'not_found');
      expectError(await receipts(t.url, stranger, dm.id), 404, 'not_found');
      const unknown = crypto.randomUUID();
      expectError(await receipts(t.url, alice, unknown), 404, 'not_found');
      expectError(await read(t.url, alice, unknown, 1), 404, 'not_found');

      const socket = await RawSocket.ready(t.url, stranger.token);
      socket.send({ type: 'read', id: 'r1', conversationId: dm.id, seq: 1 });
      socket.send({ type: 'delivered', id: 'd1', conversationId: dm.id, seq: 1 });
      for (const id of ['r1', 'd1']) {
        expect(await socket.next((f) => f.type === 'error' && f.id === id)).toMatchObject({ error: { code: 'not_found' } });
      }
      socket.close();
      // Nothing moved.
      const items = (await receipts(t.url, bob, dm.id)).body.items as { userId: string; readSeq: number }[];
      expect(items.map((r) => r.userId).sort()).toEqual([alice.id, bob.id].sort());
      expect(items.find((r) => r.userId === bob.id)).toEqual({ userId: bob.id, readSeq: 0, deliveredSeq: 0 });
    });
  });

  describe('delivery markers', () => {
    it('are sent by a recipient’s SDK connection for what it receives, and the sender sees them live and by REST', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const dm = await alice.client.openDirect(bob.id);
      const aliceSocket = await RawSocket.ready(t.url, alice.token);
      const bobLive = bob.client.connect();
      const bobReceived: number[] = [];
      bobLive.on('message.created', ({ message }) => bobReceived.push(message.seq));
      await bobLive.ready();

      await Promise.all([1, 2, 3].map((i) => alice.client.sendMessage(dm.id, `hello ${i}`)));
      const last = await aliceSocket.next<DeliveryUpdated>(
        (f) => f.type === 'delivery.updated' && f.userId === bob.id && f.deliveredSeq === 3,
        15_000,
      );
      expect(last).toEqual({ type: 'delivery.updated', conversationId: dm.id, userId: bob.id, deliveredSeq: 3 });
      // Batched: at most one receipt per message, each further than the one before.
      const seqs = deliveryUpdates(aliceSocket, bob.id).map((e) => e.deliveredSeq);
      expect(seqs.length).toBeLessThanOrEqual(3);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(bobReceived).toEqual([1, 2, 3]);
      // Ephemeral: no position.
      expect('pos' in last).toBe(false);

      const items = (await alice.client.receipts(dm.id)).items;
      expect(items.find((r) => r.userId === bob.id)).toEqual({ userId: bob.id, readSeq: 0, deliveredSeq: 3 });

      // Bob's own message is not acknowledged as delivered by his device. His next receipt, for a
      // message elsewhere, is sent after any receipt for the DM would have been: once it is
      // announced, the DM's marker has had every chance to move.
      const group = await createGroup(alice, [bob]);
      await bob.client.sendMessage(dm.id, 'mine');
      await until(() => bobReceived.includes(4), 'Bob to receive his own message');
      await alice.client.sendMessage(group.id, 'elsewhere');
      await aliceSocket.next((f) => f.type === 'delivery.updated' && f.conversationId === group.id && f.userId === bob.id, 15_000);
      expect(deliveryUpdates(aliceSocket, bob.id).map((e) => e.deliveredSeq)).not.toContain(4);

      bobLive.close();
      aliceSocket.close();
    });

    it('move by REST too, monotonically, clamped, and are announced only when they move', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const dm = await alice.client.openDirect(bob.id);
      await sendMany(alice, dm.id, 4);
      const aliceSocket = await RawSocket.ready(t.url, alice.token);

      const moved = await delivered(t.url, bob, dm.id, 2);
      expect(moved.status).toBe(200);
      expect(moved.body).toEqual({ conversationId: dm.id, userId: bob.id, deliveredSeq: 2 });
      expect(await aliceSocket.next((f) => f.type === 'delivery.updated')).toEqual({
        type: 'delivery.updated',
        conversationId: dm.id,
        userId: bob.id,
        deliveredSeq: 2,
      });

      expect((await delivered(t.url, bob, dm.id, 1)).body).toEqual({ conversationId: dm.id, userId: bob.id, deliveredSeq: 2 });
      expect((await delivered(t.url, bob, dm.id, 2)).body.deliveredSeq).toBe(2);
      const [a, b] = await Promise.all([delivered(t.url, bob, dm.id, 3), delivered(t.url, bob, dm.id, 99)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(b.body.deliveredSeq).toBe(4);
      expect((await delivered(t.url, bob, dm.id, 3)).body.deliveredSeq).toBe(4);

      await barrier(aliceSocket);
      const seqs = deliveryUpdates(aliceSocket, bob.id).map((e) => e.deliveredSeq);
      expect(seqs[0]).toBe(2);
      expect(seqs.at(-1)).toBe(4);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      const mine = (await bob.client.receipts(dm.id)).items.find((r) => r.userId === bob.id);
      expect(mine).toEqual({ userId: bob.id, readSeq: 0, deliveredSeq: 4 });
      // Delivery is not reading.
      expect((await bob.client.listConversations()).items[0]?.unreadCount).toBe(4);

      const bad = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/delivered`, { token: bob.token, body: { seq: -1 } });
      expectError(bad, 400, 'validation_failed');
      aliceSocket.close();
    });
  });

  describe('unread counts', () => {
    it('are exact per conversation and in total, and never count my own messages', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const dm = await alice.client.openDirect(bob.id);
      const group = await createGroup(alice, [bob, carol]);
      await sendMany(alice, dm.id, 3, 'dm');
      await sendMany(bob, group.id, 2, 'bob');
      await sendMany(carol, group.id, 2, 'carol');
      await sendMany(bob, dm.id, 1, 'reply'); // seq 4 in the DM: Bob has read up to it

      const counts = async (user: TestUser) => {
        const page = (await api(t.url, 'GET', '/api/v1/conversations', { token: user.token })).body;
        return {
          total: page.unreadTotal,
          ...Object.fromEntries(page.items.map((c: { id: string; unreadCount: number }) => [c.id, c.unreadCount])),
        };
      };
      expect(await counts(alice)).toEqual({ total: 5, [dm.id]: 1, [group.id]: 4 });
      expect(await counts(bob)).toEqual({ total: 2, [dm.id]: 0, [group.id]: 2 });
      expect(await counts(carol)).toEqual({ total: 0, [group.id]: 0 }); // Carol sent the last two

      expect((await read(t.url, alice, group.id, 3)).body).toMatchObject({ readSeq: 3, unreadCount: 1 });
      expect(await counts(alice)).toEqual({ total: 2, [dm.id]: 1, [group.id]: 1 });
      await read(t.url, alice, dm.id, 4);
      await read(t.url, alice, group.id, 4);
      expect(await counts(alice)).toEqual({ total: 0, [dm.id]: 0, [group.id]: 0 });

      // Only others' messages after my marker count, however many of mine follow them.
      await sendMany(carol, group.id, 1, 'late');
      await sendMany(alice, dm.id, 3, 'more');
      expect(await counts(alice)).toEqual({ total: 1, [dm.id]: 0, [group.id]: 1 });
      expect(await counts(bob)).toEqual({ total: 6, [dm.id]: 3, [group.id]: 3 });
      expect(await counts(carol)).toEqual({ total: 0, [group.id]: 0 });
    });

    it('reach my other device live when one device reads', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const dm = await alice.client.openDirect(bob.id);
      await sendMany(alice, dm.id, 5);
      const phone = bob.client.connect();
      const laptop = bob.client.connect();
      const onLaptop: ReadUpdated[] = [];
      laptop.on('read.updated', (e) => onLaptop.push(e));
      await Promise.all([phone.ready(), laptop.ready()]);

      expect(await phone.markRead(dm.id, 3)).toBe(3);
      await until(() => onLaptop.length === 1, 'the laptop to hear of the phone’s read');
      expect(onLaptop[0]).toMatchObject({ conversationId: dm.id, userId: bob.id, readSeq: 3, unreadCount: 2 });

      await bob.client.markRead(dm.id, 5); // by REST, a third "device"
      await until(() => onLaptop.length === 2, 'the laptop to hear of the REST read');
      expect(onLaptop[1]).toMatchObject({ readSeq: 5, unreadCount: 0 });
      expect((await bob.client.listConversations()).unreadTotal).toBe(0);
      phone.close();
      laptop.close();
    });

    it('end exact when two devices read different seqs at once, again and again', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const dm = await alice.client.openDirect(bob.id);
      const phone = bob.client.connect({ deliveryReceipts: false });
      await phone.ready();
      const aliceSocket = await RawSocket.ready(t.url, alice.token);

      let last = 0;
      for (let round = 0; round < 6; round++) {
        await sendMany(alice, dm.id, 3, `r${round}-`);
        last += 3;
        // The phone (WebSocket) and the laptop (REST) race; which one asks for more alternates.
        const [viaSocket, viaRest] = round % 2 === 0 ? [last, last - 1] : [last - 2, last];
        const [socketAnswer, restAnswer] = await Promise.all([phone.markRead(dm.id, viaSocket), bob.client.markRead(dm.id, viaRest)]);
        expect(Math.max(socketAnswer, restAnswer.readSeq)).toBe(last);
        const page = await bob.client.listConversations();
        expect(page.items.find((c) => c.id === dm.id)?.unreadCount).toBe(0);
        expect(page.unreadTotal).toBe(0);
        const mine = (await bob.client.receipts(dm.id)).items.find((r) => r.userId === bob.id);
        expect(mine?.readSeq).toBe(last);
      }
      await barrier(aliceSocket);
      const seen = readUpdates(aliceSocket, bob.id);
      // Announced only when moving forward, so the stream of markers only rises and ends at the max.
      const seqs = seen.map((e) => e.readSeq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seen.at(-1)).toMatchObject({ readSeq: last, unreadCount: 0 });
      const positions = seen.map((e) => e.pos);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      phone.close();
      aliceSocket.close();
    });
  });
});
