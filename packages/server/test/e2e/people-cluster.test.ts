import { expect, it } from 'vitest';
import { useCluster } from '../cluster.js';
import { expectError, postMessage } from '../factories.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { RawSocket, type TestUser, api, barrier, historyOf, registerUser, until } from '../harness.js';
import { postgresService, redisService, requireService } from '../services.js';

const describeCluster = await requireService(postgresService, redisService);

/**
 * Blocks and my own conversation settings across three `confab serve` nodes on one PostgreSQL
 * schema and one Redis (issue 10): a block made on node A holds on nodes B and C, whose caches
 * were warm, for sends and DM opens; my mute, archive and clear reach my sockets on the others.
 */
describeCluster('blocks and conversation settings on three nodes (PostgreSQL + Redis)', () => {
  const cluster = useCluster({ nodes: 3 }, 150_000);

  const at = (node: number) => cluster().nodes[node]!.url;
  const call = (node: number, user: TestUser, method: string, path: string, body?: unknown) =>
    api(at(node), method, `/api/v1${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });
  const openDm = (node: number, from: TestUser, to: TestUser) =>
    call(node, from, 'POST', '/conversations', { kind: 'direct', userId: to.id });

  it('a block made on node A refuses DM opens and sends on nodes B and C; unblocking there lets them through again', async () => {
    const [alice, bob] = [await registerUser(at(0)), await registerUser(at(1))];
    const dm = (await openDm(1, bob, alice)).body.conversation;
    // Nodes B and C have Alice's blocks cached (none) from these sends.
    for (const node of [1, 2]) expect((await postMessage(at(node), bob, dm.id, `before, via ${node}`)).status).toBe(201);

    expect((await call(0, alice, 'PUT', `/users/${bob.id}/block`)).body).toEqual({ blocked: true });
    for (const node of [1, 2]) {
      // The other nodes hear of it through the bus: a DM open (idempotent, it writes nothing) shows when.
      await until(async () => (await openDm(node, bob, alice)).status === 409, `the block on node ${node}`, 10_000);
      expectError(await openDm(node, bob, alice), 409, 'blocked');
      expectError(await postMessage(at(node), bob, dm.id, `after, via ${node}`), 409, 'blocked');
      // Both ways (issue 35): the blocker's own sends there are refused too.
      expectError(await postMessage(at(node), alice, dm.id, `mine, via ${node}`), 409, 'blocked');
      const group = (await call(node, bob, 'POST', '/conversations', { kind: 'group', title: 'g', memberIds: [] })).body.conversation;
      expectError(await call(node, bob, 'POST', `/conversations/${group.id}/members`, { userId: alice.id }), 409, 'blocked');
    }
    expect((await historyOf(alice.client, dm.id)).map((m) => m.body)).toEqual(['before, via 1', 'before, via 2']);

    expect((await call(0, alice, 'DELETE', `/users/${bob.id}/block`)).body).toEqual({ blocked: false });
    for (const node of [1, 2]) {
      await until(async () => (await openDm(node, bob, alice)).status === 200, `the unblock on node ${node}`, 10_000);
      expect((await postMessage(at(node), bob, dm.id, `again, via ${node}`)).status).toBe(201);
    }
  });

  it("a block made on node A hides the blocker's typing from the blocked user's sockets on nodes B and C (issue 35)", async () => {
    const [alice, bob, carol] = [await registerUser(at(0)), await registerUser(at(1)), await registerUser(at(2))];
    const group = (await call(2, carol, 'POST', '/conversations', { kind: 'group', title: 'g', memberIds: [alice.id, bob.id] })).body
      .conversation;
    const bobs = [await RawSocket.ready(at(1), bob.token), await RawSocket.ready(at(2), bob.token)];
    // Carol's sockets sit on nodes B and C beside Bob's: a bus message reaches every socket of a
    // node in one turn, so once hers has Alice's typing, his was let through or not.
    const carols = [await RawSocket.ready(at(1), carol.token), await RawSocket.ready(at(2), carol.token)];
    const alices = await RawSocket.ready(at(0), alice.token);
    expect((await call(0, alice, 'PUT', `/users/${bob.id}/block`)).body).toEqual({ blocked: true });
    // The cluster notice is published before Alice's typing, by the same node, in order.
    alices.send({ type: 'typing', conversationId: group.id, typing: true });
    for (const socket of carols) await socket.next((f) => f.type === 'typing' && f.userId === alice.id && f.typing);
    await barrier(...bobs);
    for (const socket of bobs) expect(socket.frames.filter((f) => f.type === 'typing' && f.userId === alice.id)).toEqual([]);

    expect((await call(0, alice, 'DELETE', `/users/${bob.id}/block`)).body).toEqual({ blocked: false });
    alices.send({ type: 'typing', conversationId: group.id, typing: false });
    for (const socket of bobs) await socket.next((f) => f.type === 'typing' && f.userId === alice.id && !f.typing);
    expect((await call(2, bob, 'GET', `/users/${alice.id}/presence`)).status).toBe(200);
    for (const socket of [...bobs, ...carols, alices]) socket.close();
  });

  it('an account deactivated on node A refuses sends into its DMs on nodes B and C (warm caches); reactivated, they go through (issue 35)', async () => {
    const admin = await registerUser(at(0));
    // Promoted in the database, as `confab admin create` does for an existing user.
    const store = openPostgresStore(cluster().schema.url, { poolSize: 1 });
    try {
      await store.users.updateUser(admin.id, { isAdmin: true });
    } finally {
      await store.close();
    }
    const [alice, bob] = [await registerUser(at(0)), await registerUser(at(1))];
    const dm = (await openDm(1, bob, alice)).body.conversation;
    for (const node of [1, 2]) expect((await postMessage(at(node), bob, dm.id, `before, via ${node}`)).status).toBe(201);
    const asAdmin = (path: string) => api(at(0), 'POST', `/api/v1/admin/users/${alice.id}/${path}`, { token: admin.token });

    expect((await asAdmin('deactivate')).status).toBe(200);
    for (const node of [1, 2]) {
      // Told through the bus at once: no wait for the cache's age.
      await until(
        async () => (await postMessage(at(node), bob, dm.id, `probe ${node}`)).status === 409,
        `the deactivation on node ${node}`,
        10_000,
      );
      expectError(await postMessage(at(node), bob, dm.id, `after, via ${node}`), 409, 'user_deactivated');
      expectError(await openDm(node, bob, alice), 409, 'user_deactivated');
    }
    expect((await asAdmin('reactivate')).status).toBe(200);
    for (const node of [1, 2]) {
      await until(
        async () => (await postMessage(at(node), bob, dm.id, `again, via ${node}`)).status === 201,
        `the reactivation on node ${node}`,
        10_000,
      );
    }
  });

  it('my mute, archive and clear made on node A reach my sockets on nodes B and C, and no one else', async () => {
    const [alice, bob] = [await registerUser(at(0)), await registerUser(at(0))];
    const group = (await call(0, alice, 'POST', '/conversations', { kind: 'group', title: 'settings', memberIds: [bob.id] })).body
      .conversation;
    const lastSeq = (await postMessage(at(2), bob, group.id, 'one')).body.message.seq;
    const mine = [await RawSocket.ready(at(1), alice.token), await RawSocket.ready(at(2), alice.token)];
    const bobs = await RawSocket.ready(at(1), bob.token);

    expect((await call(0, alice, 'PUT', `/conversations/${group.id}/mute`)).status).toBe(200);
    expect((await call(0, alice, 'PUT', `/conversations/${group.id}/archive`)).status).toBe(200);
    expect((await call(0, alice, 'POST', `/conversations/${group.id}/clear`)).status).toBe(200);
    const updates = (socket: RawSocket) => socket.frames.filter((f) => f.type === 'conversation.updated');
    for (const socket of mine) {
      await until(() => updates(socket).length === 3, 'three conversation.updated on each of my other nodes');
      expect(updates(socket).map((f: any) => [f.conversation.id, f.by, f.settings])).toEqual([
        [group.id, alice.id, { muted: true, archived: false, clearedSeq: 0, starred: false }],
        [group.id, alice.id, { muted: true, archived: true, clearedSeq: 0, starred: false }],
        [group.id, alice.id, { muted: true, archived: true, clearedSeq: lastSeq, starred: false }],
      ]);
    }
    // Bob's socket on node B shares the conversation, and hears none of it: a message he sends after is the barrier.
    await postMessage(at(2), bob, group.id, 'two');
    await bobs.next((f) => f.type === 'message.created' && (f as any).message.body === 'two');
    expect(updates(bobs)).toEqual([]);
    for (const socket of [...mine, bobs]) socket.close();
  });
});
