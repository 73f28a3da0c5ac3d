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

  it('keeps a blocked user from opening a DM with me, sending into ours (REST and WebSocket) or adding me to a group', async () => {
    const [alice, bob, carol] = await freshUsers(server().url, 3);
    const dm = await alice.client.openDirect(bob.id);
    await block(alice, bob);

    expectError(await call(bob, 'POST', '/conversations', { kind: 'direct', userId: alice.id }), 403, 'blocked');
    expectError(await postMessage(server().url, bob, dm.id, 'hello?'), 403, 'blocked');
    const socket = await RawSocket.ready(server().url, bob.token);
    socket.send({ type: 'message.send', id: 's1', conversationId: dm.id, clientId: 'c-ws', body: 'hello?' });
    expect(await socket.next((f) => f.type === 'error' && f.id === 's1')).toMatchObject({ error: { code: 'blocked' } });
    socket.close();

    const bobsGroup = await createGroup(bob, [carol]);
    expectError(await call(bob, 'POST', `/conversations/${bobsGroup.id}/members`, { userId: alice.id }), 403, 'blocked');
    expectError(
      await call(bob, 'POST', '/conversations', { kind: 'group', title: 'with alice', memberIds: [carol.id, alice.id] }),
      403,
      'blocked',
    );
    // Nothing was stored by any of the refusals.
    expect((await alice.client.history(dm.id)).items).toEqual([]);
    expect((await alice.client.listConversations()).items.map((c) => c.id)).toEqual([dm.id]);

    // The blocker still can; someone else can add Alice; shared groups are unaffected.
    expect((await postMessage(server().url, alice, dm.id, 'I can still write')).status).toBe(201);
    const carolsGroup = await createGroup(carol, [alice, bob]);
    expect((await postMessage(server().url, bob, carolsGroup.id, 'hi all')).status).toBe(201);

    await unblock(alice, bob);
    expect((await postMessage(server().url, bob, dm.id, 'thanks')).status).toBe(201);
    expect((await call(bob, 'POST', `/conversations/${bobsGroup.id}/members`, { userId: alice.id })).status).toBe(201);
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
    expect((await call(bob, 'GET', `/users/${alice.id}/presence`)).status).toBe(200);

    // Unblocked (from another device): the open sockets hear Bob again.
    await unblock(alice, bob);
    await after.next((f) => f.type === 'block.updated' && f.userId === bob.id && !f.blocked);
    bobSocket.send({ type: 'typing', conversationId: group.id, typing: false });
    for (const socket of [before, after]) await socket.next((f) => f.type === 'typing' && f.userId === bob.id && !f.typing);

    // Bob never heard of any of it.
    await barrier(bobSocket);
    expect(bobSocket.frames.filter((f) => f.type === 'block.updated')).toEqual([]);
    for (const socket of [daveSocket, before, after, bobSocket]) socket.close();
  });
});
