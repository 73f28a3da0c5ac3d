import { expect, it } from 'vitest';
import { useCluster } from '../cluster.js';
import { expectError, postMessage } from '../factories.js';
import { RawSocket, type TestUser, api, historyOf, registerUser, until } from '../harness.js';
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
      await until(async () => (await openDm(node, bob, alice)).status === 403, `the block on node ${node}`, 10_000);
      expectError(await openDm(node, bob, alice), 403, 'blocked');
      expectError(await postMessage(at(node), bob, dm.id, `after, via ${node}`), 403, 'blocked');
      const group = (await call(node, bob, 'POST', '/conversations', { kind: 'group', title: 'g', memberIds: [] })).body.conversation;
      expectError(await call(node, bob, 'POST', `/conversations/${group.id}/members`, { userId: alice.id }), 403, 'blocked');
    }
    expect((await historyOf(alice.client, dm.id)).map((m) => m.body)).toEqual(['before, via 1', 'before, via 2']);

    expect((await call(0, alice, 'DELETE', `/users/${bob.id}/block`)).body).toEqual({ blocked: false });
    for (const node of [1, 2]) {
      await until(async () => (await openDm(node, bob, alice)).status === 200, `the unblock on node ${node}`, 10_000);
      expect((await postMessage(at(node), bob, dm.id, `again, via ${node}`)).status).toBe(201);
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
        [group.id, alice.id, { muted: true, archived: false, clearedSeq: 0 }],
        [group.id, alice.id, { muted: true, archived: true, clearedSeq: 0 }],
        [group.id, alice.id, { muted: true, archived: true, clearedSeq: lastSeq }],
      ]);
    }
    // Bob's socket on node B shares the conversation, and hears none of it: a message he sends after is the barrier.
    await postMessage(at(2), bob, group.id, 'two');
    await bobs.next((f) => f.type === 'message.created' && (f as any).message.body === 'two');
    expect(updates(bobs)).toEqual([]);
    for (const socket of [...mine, bobs]) socket.close();
  });
});
