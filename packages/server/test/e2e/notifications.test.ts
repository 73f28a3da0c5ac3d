import { expect, it } from 'vitest';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestUser, api, barrier, until } from '../harness.js';
import { describeOnEachStore } from '../stores.js';

describeOnEachStore('notifications', (server) => {
  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(server().url, method, `/api/v1${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });

  it('tells members put into a group or added to one, live and to them alone; never the one who did it', async () => {
    const [owner, bob, carol, dave] = await freshUsers(server().url, 4);
    const carolSocket = await RawSocket.ready(server().url, carol.token);
    const ownerSocket = await RawSocket.ready(server().url, owner.token);
    const group = await createGroup(owner, [bob, carol]);

    const live: any = await carolSocket.next((f) => f.type === 'notification.created');
    expect(live.notification).toEqual({
      id: expect.any(String),
      kind: 'added_to_conversation',
      conversationId: group.id,
      messageId: null,
      actorId: owner.id,
      createdAt: expect.any(String),
      readAt: null,
    });
    const bobs = await call(bob, 'GET', '/notifications');
    expect(bobs.status).toBe(200);
    expect(bobs.body).toMatchObject({
      items: [{ kind: 'added_to_conversation', conversationId: group.id, actorId: owner.id }],
      nextCursor: null,
      unreadCount: 1,
    });
    expect((await call(owner, 'GET', '/notifications')).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });

    await call(owner, 'POST', `/conversations/${group.id}/members`, { userId: dave.id });
    expect((await call(dave, 'GET', '/notifications')).body.items.map((n: any) => n.kind)).toEqual(['added_to_conversation']);
    // Carol heard of her own addition only; the owner of nobody's.
    await barrier(carolSocket, ownerSocket);
    expect(carolSocket.frames.filter((f) => f.type === 'notification.created')).toHaveLength(1);
    expect(ownerSocket.frames.filter((f) => f.type === 'notification.created')).toEqual([]);
    // Opening a DM notifies nobody.
    await bob.client.openDirect(dave.id);
    expect((await call(dave, 'GET', '/notifications')).body.unreadCount).toBe(1);
    carolSocket.close();
    ownerSocket.close();
  });

  it('pages newest first, lists the unread alone, and marks read by ids (mine only) or all', async () => {
    const [bob, ...owners] = await freshUsers(server().url, 4);
    const groups = [];
    for (const owner of owners) groups.push(await createGroup(owner, [bob]));
    const first = await call(bob, 'GET', '/notifications?limit=2');
    expect(first.body.items.map((n: any) => n.conversationId)).toEqual([groups[2]!.id, groups[1]!.id]);
    const rest = await call(bob, 'GET', `/notifications?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body).toMatchObject({ items: [{ conversationId: groups[0]!.id }], nextCursor: null, unreadCount: 3 });

    const otherNotification = (await call(owners[0]!, 'GET', '/notifications')).body.items;
    expect(otherNotification).toEqual([]);
    const marked = await call(bob, 'POST', '/notifications/read', { ids: [first.body.items[0].id] });
    expect(marked).toEqual({ status: 200, body: { unreadCount: 2 } });
    const unread = await call(bob, 'GET', '/notifications?unread=true');
    expect(unread.body.items.map((n: any) => n.conversationId)).toEqual([groups[1]!.id, groups[0]!.id]);
    const all = await call(bob, 'GET', '/notifications');
    expect(all.body.items[0].readAt).toEqual(expect.any(String));

    // Another user cannot mark Bob's read: the ids are not theirs.
    const owner = owners[1]!;
    expect((await call(owner, 'POST', '/notifications/read', { ids: [unread.body.items[0].id] })).body).toEqual({ unreadCount: 0 });
    expect((await call(bob, 'GET', '/notifications')).body.unreadCount).toBe(2);
    expect((await call(bob, 'POST', '/notifications/read', { all: true })).body).toEqual({ unreadCount: 0 });
    expect((await call(bob, 'GET', '/notifications?unread=true')).body.items).toEqual([]);
  });

  it('refuses malformed requests and strangers without a token', async () => {
    const [bob] = await freshUsers(server().url, 1);
    for (const body of [
      {},
      { ids: [] },
      { all: false },
      { ids: 'x' },
      { ids: [''] },
      { ids: Array.from({ length: 101 }, (_, i) => `n${i}`) },
    ]) {
      expectError(await call(bob, 'POST', '/notifications/read', body), 400, 'validation_failed');
    }
    expectError(await call(bob, 'GET', '/notifications?limit=0'), 400, 'validation_failed');
    expectError(await call(bob, 'GET', '/notifications?unread=maybe'), 400, 'validation_failed');
    expectError(await call(bob, 'GET', '/notifications?cursor=%%%'), 400, 'validation_failed');
    expectError(await api(server().url, 'GET', '/api/v1/notifications'), 401, 'unauthenticated');
    expectError(await api(server().url, 'POST', '/api/v1/notifications/read', { body: { all: true } }), 401, 'unauthenticated');
  });

  it('notifies a mention, a reply and a reaction made through the API, to the user concerned only; muted: only the mention', async () => {
    const [amy, bob, carol] = await freshUsers(server().url, 3);
    const group = await createGroup(amy, [bob, carol]);
    await call(bob, 'POST', '/notifications/read', { all: true });
    await call(carol, 'POST', '/notifications/read', { all: true });
    const root = (await call(bob, 'POST', `/conversations/${group.id}/messages`, { clientId: 'r', body: 'question' })).body.message;
    await call(carol, 'PUT', `/conversations/${group.id}/mute`);
    const mention = (
      await call(amy, 'POST', `/conversations/${group.id}/messages`, {
        clientId: 'm',
        body: `hey @${carol.auth.user.username}`,
        replyToId: root.id,
      })
    ).body.message;
    expect(mention.mentions).toEqual([carol.id]);
    await call(amy, 'PUT', `/messages/${root.id}/reactions/${encodeURIComponent('👍')}`);
    const unread = async (user: TestUser) =>
      (await call(user, 'GET', '/notifications?unread=true')).body.items.map((n: any) => [n.kind, n.messageId, n.actorId]);
    await until(async () => (await unread(bob)).length === 2, 'the reply and the reaction');
    expect((await unread(bob)).sort()).toEqual(
      [
        ['reaction', root.id, amy.id],
        ['reply', mention.id, amy.id],
      ].sort(),
    );
    await until(async () => (await unread(carol)).length === 1, 'the mention');
    expect(await unread(carol)).toEqual([['mention', mention.id, amy.id]]);
    expect(await unread(amy)).toEqual([]);
  });

  it('replays notifications to a device that resumes, once, in my private stream', async () => {
    const [owner, bob] = await freshUsers(server().url, 2);
    const live = bob.client.connect();
    const seen: string[] = [];
    live.on('notification.created', (event) => seen.push(event.notification.conversationId));
    await live.ready();
    const g1 = await createGroup(owner, [bob]);
    await until(() => seen.length === 1, 'the first notification');
    server().server.gateway.terminateUser(bob.id);
    const g2 = await createGroup(owner, [bob]);
    const g3 = await createGroup(owner, [bob]);
    await until(
      () => seen.length === 3,
      () => `three notifications, saw ${seen.length}`,
    );
    await live.settled();
    expect(seen).toEqual([g1.id, g2.id, g3.id]);
    live.close();
  });
});
