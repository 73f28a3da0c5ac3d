import { expect, it } from 'vitest';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestUser, api, barrier } from '../harness.js';
import { describeOnEachStore } from '../stores.js';

describeOnEachStore('blocking', (server) => {
  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(server().url, method, `/api/v1${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });
  const block = (user: TestUser, other: TestUser) => call(user, 'PUT', `/users/${other.id}/block`);
  const unblock = (user: TestUser, other: TestUser) => call(user, 'DELETE', `/users/${other.id}/block`);

  it('blocks and unblocks idempotently, and lists whom I block in pages', async () => {
    const [alice, bob, carol] = await freshUsers(server().url, 3);
    for (let i = 0; i < 2; i++) {
      const res = await block(alice, bob);
      expect(res).toEqual({ status: 200, body: { blocked: true } });
    }
    expect((await block(alice, carol)).body).toEqual({ blocked: true });
    const first = await call(alice, 'GET', '/users/me/blocks?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(alice, 'GET', `/users/me/blocks?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.nextCursor).toBeNull();
    const listed = [...first.body.items, ...second.body.items];
    expect(listed.map((u: any) => u.id).sort()).toEqual([bob.id, carol.id].sort());
    expect(listed.find((u: any) => u.id === bob.id)).toEqual({
      ...bob.auth.user,
      email: undefined,
      emailVerified: undefined,
      isAdmin: undefined,
      hideLastSeen: undefined,
    });
    // Blocks are mine alone: Bob's list is empty.
    expect((await call(bob, 'GET', '/users/me/blocks')).body).toEqual({ items: [], nextCursor: null });

    for (let i = 0; i < 2; i++) expect(await unblock(alice, bob)).toEqual({ status: 200, body: { blocked: false } });
    expect((await call(alice, 'GET', '/users/me/blocks')).body.items.map((u: any) => u.id)).toEqual([carol.id]);
  });

  it('refuses blocking yourself, unknown users, bad pages and strangers without a token', async () => {
    const [alice] = await freshUsers(server().url, 1);
    expectError(await block(alice, alice), 400, 'validation_failed');
    expectError(await unblock(alice, alice), 400, 'validation_failed');
    expectError(await call(alice, 'PUT', '/users/no-such-user/block'), 404, 'not_found');
    expectError(await call(alice, 'GET', '/users/me/blocks?limit=0'), 400, 'validation_failed');
    expectError(await call(alice, 'GET', '/users/me/blocks?cursor=%%%'), 400, 'validation_failed');
    expectError(await call(alice, 'GET', '/users/me/blocks?extra=1'), 400, 'validation_failed');
    expectError(await api(server().url, 'PUT', `/api/v1/users/${alice.id}/block`), 401, 'unauthenticated');
    expectError(await api(server().url, 'GET', '/api/v1/users/me/blocks'), 401, 'unauthenticated');
  });

  it('keeps a blocked user from opening a DM with me or adding me to a group; in our DM neither side can send (REST and WebSocket)', async () => {
    const [alice, bob, carol] = await freshUsers(server().url, 3);
    const dm = await alice.client.openDirect(bob.id);
    await block(alice, bob);

    expectError(await call(bob, 'POST', '/conversations', { kind: 'direct', userId: alice.id }), 409, 'blocked');
    expectError(await postMessage(server().url, bob, dm.id, 'hello?'), 409, 'blocked');
    // Both ways (issue 35): the blocker cannot send either, and is told how to end it.
    const mine = await postMessage(server().url, alice, dm.id, 'I should not reach him');
    expectError(mine, 409, 'blocked');
    expect(mine.body.error.message).toMatch(/unblock to send/);
    expect((await postMessage(server().url, bob, dm.id, 'and me?')).body.error.message).not.toMatch(/unblock/);
    for (const [user, id] of [
      [bob, 's1'],
      [alice, 's2'],
    ] as const) {
      const socket = await RawSocket.ready(server().url, user.token);
      socket.send({ type: 'message.send', id, conversationId: dm.id, clientId: `c-ws-${id}`, body: 'hello?' });
      expect(await socket.next((f) => f.type === 'error' && f.id === id)).toMatchObject({ error: { code: 'blocked' } });
      socket.close();
    }
    // The blocker may still open (find) our DM.
    expect((await call(alice, 'POST', '/conversations', { kind: 'direct', userId: bob.id })).status).toBe(200);

    const bobsGroup = await createGroup(bob, [carol]);
    expectError(await call(bob, 'POST', `/conversations/${bobsGroup.id}/members`, { userId: alice.id }), 409, 'blocked');
    expectError(
      await call(bob, 'POST', '/conversations', { kind: 'group', title: 'with alice', memberIds: [carol.id, alice.id] }),
      409,
      'blocked',
    );
    // Nothing was stored by any of the refusals.
    expect((await alice.client.history(dm.id)).items).toEqual([]);
    expect((await alice.client.listConversations()).items.map((c) => c.id)).toEqual([dm.id]);

    // Someone else can add Alice; shared groups are unaffected, both ways.
    const carolsGroup = await createGroup(carol, [alice, bob]);
    expect((await postMessage(server().url, bob, carolsGroup.id, 'hi all')).status).toBe(201);
    expect((await postMessage(server().url, alice, carolsGroup.id, 'hi, group')).status).toBe(201);

    await unblock(alice, bob);
    expect((await postMessage(server().url, bob, dm.id, 'thanks')).status).toBe(201);
    expect((await postMessage(server().url, alice, dm.id, 'welcome')).status).toBe(201);
    expect((await call(bob, 'POST', `/conversations/${bobsGroup.id}/members`, { userId: alice.id })).status).toBe(201);
  });

  it('refuses, both ways in a DM, every action that reaches the other side: edit, react, pin, live location (REST and WebSocket)', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const old = {
      alice: (await postMessage(server().url, alice, dm.id, 'from alice')).body.message,
      bob: (await postMessage(server().url, bob, dm.id, 'from bob')).body.message,
    };
    const live = (user: TestUser) =>
      call(user, 'POST', `/conversations/${dm.id}/messages`, {
        clientId: crypto.randomUUID(),
        kind: 'location',
        location: { lat: 1, lng: 2, liveUntil: new Date(Date.now() + 3_600_000).toISOString() },
      });
    const lives = { alice: (await live(alice)).body.message, bob: (await live(bob)).body.message };
    await call(alice, 'PUT', `/messages/${old.bob.id}/reactions/${encodeURIComponent('👍')}`);
    await call(bob, 'PUT', `/messages/${old.alice.id}/reactions/${encodeURIComponent('👍')}`);
    await call(alice, 'PUT', `/messages/${old.alice.id}/pin`);
    const watcher = await RawSocket.ready(server().url, alice.token);
    await block(alice, bob);

    for (const [me, mine, theirs, myLive] of [
      [bob, old.bob, old.alice, lives.bob],
      [alice, old.alice, old.bob, lives.alice],
    ] as const) {
      expectError(await call(me, 'PATCH', `/messages/${mine.id}`, { body: 'edited after the block' }), 409, 'blocked');
      expectError(await call(me, 'PUT', `/messages/${theirs.id}/reactions/${encodeURIComponent('❤️')}`), 409, 'blocked');
      expectError(await call(me, 'DELETE', `/messages/${theirs.id}/reactions/${encodeURIComponent('👍')}`), 409, 'blocked');
      expectError(await call(me, 'PUT', `/messages/${theirs.id}/pin`), 409, 'blocked');
      expectError(await call(me, 'DELETE', `/messages/${old.alice.id}/pin`), 409, 'blocked');
      expectError(await call(me, 'PATCH', `/messages/${myLive.id}/location`, { lat: 3, lng: 4 }), 409, 'blocked');
      const socket = await RawSocket.ready(server().url, me.token);
      socket.send({ type: 'message.edit', id: 'e1', messageId: mine.id, body: 'edited over the socket' });
      socket.send({ type: 'reaction.add', id: 'r1', messageId: theirs.id, emoji: '🎉' });
      socket.send({ type: 'reaction.remove', id: 'r2', messageId: theirs.id, emoji: '👍' });
      for (const id of ['e1', 'r1', 'r2'])
        expect(await socket.next((f) => f.type === 'error' && f.id === id)).toMatchObject({ error: { code: 'blocked' } });
      socket.close();
    }
    // Nothing changed, and nothing reached the blocker live.
    const history = (await alice.client.history(dm.id)).items;
    expect(history.find((m) => m.id === old.alice.id)).toMatchObject({
      body: 'from alice',
      editedAt: null,
      reactions: [{ emoji: '👍', userIds: [bob.id] }],
    });
    expect(history.find((m) => m.id === old.alice.id)?.pinnedAt).not.toBeNull();
    expect(history.find((m) => m.id === old.bob.id)).toMatchObject({
      body: 'from bob',
      editedAt: null,
      reactions: [{ emoji: '👍', userIds: [alice.id] }],
    });
    await barrier(watcher);
    expect(watcher.frames.filter((f) => f.type === 'message.updated' || f.type === 'message.created')).toEqual([]);

    // Taking back one's own words stays possible: deleting my message, stopping my live location.
    expect((await call(bob, 'DELETE', `/messages/${old.bob.id}`)).status).toBe(200);
    expect((await call(bob, 'POST', `/messages/${lives.bob.id}/location/stop`)).status).toBe(200);
    watcher.close();

    await unblock(alice, bob);
    expect((await call(bob, 'PUT', `/messages/${old.alice.id}/reactions/${encodeURIComponent('❤️')}`)).status).toBe(200);
    expect((await call(alice, 'PATCH', `/messages/${old.alice.id}`, { body: 'edited once unblocked' })).status).toBe(200);
  });

  it("stops a blocked user's typing and presence reaching my sockets (open before and after the block), and never tells them", async () => {
    const [alice, bob, dave] = await freshUsers(server().url, 3);
    const group = await createGroup(dave, [alice, bob]);
    const daveSocket = await RawSocket.ready(server().url, dave.token);
    const before = await RawSocket.ready(server().url, alice.token); // open before the block
    await block(alice, bob);
    await before.next((f) => f.type === 'block.updated' && f.userId === bob.id && f.blocked);
    const after = await RawSocket.ready(server().url, alice.token); // opened after it

    // Bob comes online and types: Dave sees both; once Dave has, Alice's sockets would have too.
    const bobSocket = await RawSocket.ready(server().url, bob.token);
    await daveSocket.next((f) => f.type === 'presence' && f.userId === bob.id && f.online);
    bobSocket.send({ type: 'typing', conversationId: group.id, typing: true });
    await daveSocket.next((f) => f.type === 'typing' && f.userId === bob.id && f.typing);
    await barrier(before, after);
    for (const socket of [before, after]) {
      expect(socket.frames.filter((f) => (f.type === 'typing' || f.type === 'presence') && f.userId === bob.id)).toEqual([]);
    }
    expectError(await call(alice, 'GET', `/users/${bob.id}/presence`), 404, 'not_found');
    expectError(await call(bob, 'GET', `/users/${alice.id}/presence`), 404, 'not_found');

    // Unblocked (from another device): the open sockets hear Bob again.
    await unblock(alice, bob);
    await after.next((f) => f.type === 'block.updated' && f.userId === bob.id && !f.blocked);
    bobSocket.send({ type: 'typing', conversationId: group.id, typing: false });
    for (const socket of [before, after]) await socket.next((f) => f.type === 'typing' && f.userId === bob.id && !f.typing);

    // Bob never heard of any of it.
    await barrier(bobSocket);
    expect(bobSocket.frames.filter((f) => f.type === 'block.updated')).toEqual([]);
    expect((await call(bob, 'GET', `/users/${alice.id}/presence`)).status).toBe(200);
    for (const socket of [daveSocket, before, after, bobSocket]) socket.close();
  });
  it("hides the blocker's typing and presence from the blocked user's sockets too (open before and after the block), until unblocked", async () => {
    const [alice, bob, dave] = await freshUsers(server().url, 3);
    const group = await createGroup(dave, [alice, bob]);
    const dm = await alice.client.openDirect(bob.id);
    const daveSocket = await RawSocket.ready(server().url, dave.token);
    const before = await RawSocket.ready(server().url, bob.token); // the blocked user's, open before the block
    await block(alice, bob);
    const after = await RawSocket.ready(server().url, bob.token); // opened after it

    // Alice (the blocker) comes online and types in the group and in the DM: Dave sees the
    // group's; once he has, Bob's sockets would have too.
    const aliceSocket = await RawSocket.ready(server().url, alice.token);
    await daveSocket.next((f) => f.type === 'presence' && f.userId === alice.id && f.online);
    aliceSocket.send({ type: 'typing', conversationId: dm.id, typing: true });
    aliceSocket.send({ type: 'typing', conversationId: group.id, typing: true });
    await daveSocket.next((f) => f.type === 'typing' && f.userId === alice.id && f.typing);
    await barrier(before, after);
    for (const socket of [before, after]) {
      expect(socket.frames.filter((f) => (f.type === 'typing' || f.type === 'presence') && f.userId === alice.id)).toEqual([]);
      expect(socket.frames.filter((f) => f.type === 'block.updated')).toEqual([]);
    }

    await unblock(alice, bob);
    await aliceSocket.next((f) => f.type === 'block.updated' && f.userId === bob.id && !f.blocked);
    aliceSocket.send({ type: 'typing', conversationId: group.id, typing: false });
    for (const socket of [before, after]) await socket.next((f) => f.type === 'typing' && f.userId === alice.id && !f.typing);
    expect((await call(bob, 'GET', `/users/${alice.id}/presence`)).body).toMatchObject({ online: true });
    for (const socket of [daveSocket, before, after, aliceSocket]) socket.close();
  });
});
