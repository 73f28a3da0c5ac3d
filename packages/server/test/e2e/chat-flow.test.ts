import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '@confab/protocol';
import { type TestServer, registerUser, startServer } from '../harness.js';

describe('the whole chat flow', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('two users open a DM, send by REST and WebSocket, receive live, page history and read', async () => {
    const alice = await registerUser(t.url, 'alice');
    const bob = await registerUser(t.url, 'bob');

    const dm = await alice.client.openDirect(bob.id);
    expect(dm.kind).toBe('direct');
    expect(dm.members.map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
    // The pair has exactly one direct conversation, whoever opens it.
    expect((await bob.client.openDirect(alice.id)).id).toBe(dm.id);

    const aliceLive = alice.client.connect();
    const aliceOther = alice.client.connect(); // a second device of the sender
    const bobLive = bob.client.connect();
    await Promise.all([aliceLive.ready(), aliceOther.ready(), bobLive.ready()]);
    const bobGot: EventOf<'message.created'>[] = [];
    const aliceOtherGot: EventOf<'message.created'>[] = [];
    bobLive.on('message.created', (e) => bobGot.push(e));
    aliceOther.on('message.created', (e) => aliceOtherGot.push(e));

    const viaRest = await alice.client.sendMessage(dm.id, 'hello over REST');
    const viaWs = await aliceLive.send(dm.id, 'hello over WebSocket');
    const reply = await bobLive.send(dm.id, 'hi alice 👋');
    expect([viaRest.seq, viaWs.seq, reply.seq]).toEqual([1, 2, 3]);

    await expect.poll(() => bobGot.length).toBe(3);
    expect(bobGot.map((e) => e.message.body)).toEqual(['hello over REST', 'hello over WebSocket', 'hi alice 👋']);
    expect(bobGot[0]!.message).toEqual(viaRest); // the full message, not just an id
    await expect.poll(() => aliceOtherGot.length).toBe(3);

    // History: newest first, paged by seq.
    for (let i = 0; i < 20; i++) await alice.client.sendMessage(dm.id, `m${i}`);
    const page1 = await bob.client.history(dm.id);
    expect(page1.items).toHaveLength(15); // the seeds' MESSAGES_TO_LOAD
    expect(page1.items[0]!.seq).toBe(23);
    expect(page1.items.map((m) => m.seq)).toEqual([...Array(15).keys()].map((i) => 23 - i));
    const page2 = await bob.client.history(dm.id, { before: Number(page1.nextCursor) });
    expect(page2.items.map((m) => m.seq)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(page2.nextCursor).toBeNull();
    const forward = await bob.client.history(dm.id, { after: 20 });
    expect(forward.items.map((m) => m.seq)).toEqual([21, 22, 23]);

    // Unread counts and the read marker. Bob's own send (seq 3) moved his marker to 3, and his
    // own messages never count as unread.
    const bobList = await bob.client.listConversations();
    expect(bobList.items[0]).toMatchObject({ id: dm.id, readSeq: 3, unreadCount: 20, lastMessage: { seq: 23 } });
    const unread = await bob.client.recentMessages({ is_read: false, limit: 100 });
    expect(unread.items.map((m) => m.seq)).toEqual([...Array(20).keys()].map((i) => 23 - i));
    const marker = await bob.client.markRead(dm.id, 10);
    expect(marker).toMatchObject({ readSeq: 10, unreadCount: 13 });
    expect((await bob.client.markRead(dm.id, 5)).readSeq).toBe(10); // never moves back
    const read = await bob.client.recentMessages({ is_read: true, sender: alice.id, limit: 100 });
    expect(read.items.map((m) => m.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 2, 1]);
    const toBob = await alice.client.recentMessages({ recipient: bob.id, limit: 5 });
    expect(toBob.items.every((m) => m.senderId === alice.id)).toBe(true);
    expect(toBob.nextCursor).not.toBeNull();

    aliceLive.close();
    aliceOther.close();
    bobLive.close();
  });
});
