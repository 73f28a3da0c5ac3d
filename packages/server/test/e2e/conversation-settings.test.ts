import { expect, it } from 'vitest';
import type { PositionedEvent } from '@confab/protocol';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestUser, api, barrier, historyOf, until } from '../harness.js';
import { describeOnEachStore } from '../stores.js';

describeOnEachStore('mute, archive and clear history', (server) => {
  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(server().url, method, `/api/v1${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });
  const listIds = async (user: TestUser, query = '') =>
    (await call(user, 'GET', `/conversations${query}`)).body.items.map((c: any) => c.id);

  it('mutes and unmutes for me alone, idempotently; my other devices hear it, the other members nothing', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const group = await createGroup(alice, [bob]);
    const device = await RawSocket.ready(server().url, alice.token);
    const bobSocket = await RawSocket.ready(server().url, bob.token);

    for (let i = 0; i < 2; i++) {
      const muted = await call(alice, 'PUT', `/conversations/${group.id}/mute`);
      expect(muted.status).toBe(200);
      expect(muted.body.conversation).toMatchObject({ id: group.id, muted: true, archived: false, clearedSeq: 0, myRole: 'owner' });
    }
    expect((await alice.client.getConversation(group.id)).muted).toBe(true);
    expect((await bob.client.getConversation(group.id)).muted).toBe(false);
    const unmuted = await call(alice, 'DELETE', `/conversations/${group.id}/mute`);
    expect(unmuted.body.conversation.muted).toBe(false);

    const updates = () => device.frames.filter((f) => f.type === 'conversation.updated');
    await until(() => updates().length === 3, 'three conversation.updated on my other device');
    expect(updates().map((f: any) => [f.conversation.id, f.by, f.settings.muted])).toEqual([
      [group.id, alice.id, true],
      [group.id, alice.id, true],
      [group.id, alice.id, false],
    ]);
    // Chained in my private stream, keyed by my id.
    const chain = updates() as PositionedEvent[];
    expect(chain[1]!.prev).toBe(chain[0]!.pos);
    expect(chain[2]!.prev).toBe(chain[1]!.pos);
    await barrier(bobSocket);
    expect(bobSocket.frames.filter((f) => f.type === 'conversation.updated')).toEqual([]);
    device.close();
    bobSocket.close();
  });

  it('stars and unstars for me alone with 204, idempotently; my other devices hear it and a resume replays it', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const group = await createGroup(alice, [bob]);
    const device = await RawSocket.ready(server().url, alice.token);
    const ready: any = device.frames.find((f) => f.type === 'ready');
    const bobSocket = await RawSocket.ready(server().url, bob.token);

    for (let i = 0; i < 2; i++) {
      const starred = await call(alice, 'PUT', `/conversations/${group.id}/star`);
      expect(starred.status).toBe(204);
      expect(starred.body).toBeNull();
    }
    expect((await alice.client.getConversation(group.id)).starred).toBe(true);
    expect((await bob.client.getConversation(group.id)).starred).toBe(false);
    const listed = (await call(alice, 'GET', '/conversations')).body.items.find((c: any) => c.id === group.id);
    expect(listed.starred).toBe(true);

    await alice.client.setStarred(group.id, false);
    expect((await call(alice, 'DELETE', `/conversations/${group.id}/star`)).status).toBe(204);
    expect((await alice.client.getConversation(group.id)).starred).toBe(false);

    const updates = () => device.frames.filter((f) => f.type === 'conversation.updated');
    await until(() => updates().length === 4, 'four conversation.updated on my other device');
    expect(updates().map((f: any) => [f.conversation.id, f.settings.starred])).toEqual([
      [group.id, true],
      [group.id, true],
      [group.id, false],
      [group.id, false],
    ]);
    await barrier(bobSocket);
    expect(bobSocket.frames.filter((f) => f.type === 'conversation.updated')).toEqual([]);
    device.close();
    bobSocket.close();

    const resumed = await RawSocket.open(server().url, alice.token, { query: { since: ready.cursor } });
    await resumed.next((f) => f.type === 'ready');
    const replayed = resumed.frames.filter((f) => f.type === 'conversation.updated') as any[];
    expect(replayed.map((f) => f.settings.starred)).toEqual([true, true, false, false]);
    resumed.close();
  });

  it('answers 404 to non-members and unknown conversations, 401 without a token, 400 to a bad list filter', async () => {
    const [alice, bob, stranger] = await freshUsers(server().url, 3);
    const dm = await alice.client.openDirect(bob.id);
    for (const [method, path] of [
      ['PUT', 'mute'],
      ['DELETE', 'mute'],
      ['PUT', 'archive'],
      ['DELETE', 'archive'],
      ['PUT', 'star'],
      ['DELETE', 'star'],
      ['POST', 'clear'],
    ] as const) {
      expectError(await call(stranger, method, `/conversations/${dm.id}/${path}`), 404, 'not_found');
      expectError(await call(alice, method, `/conversations/no-such-conversation/${path}`), 404, 'not_found');
      expectError(await api(server().url, method, `/api/v1/conversations/${dm.id}/${path}`), 401, 'unauthenticated');
    }
    expectError(await call(alice, 'GET', '/conversations?archived=yes'), 400, 'validation_failed');
  });

  it('archives out of my list until a new message arrives; a DM can be archived though not left', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const group = await createGroup(alice, [bob]);
    await postMessage(server().url, bob, dm.id, 'first');
    expectError(await call(alice, 'DELETE', `/conversations/${dm.id}/members/${alice.id}`), 403, 'forbidden');

    const archived = await call(alice, 'PUT', `/conversations/${dm.id}/archive`);
    expect(archived.body.conversation).toMatchObject({ archived: true, unreadCount: 1 });
    expect(await listIds(alice)).toEqual([group.id]);
    expect((await listIds(alice, '?archived=include')).sort()).toEqual([dm.id, group.id].sort());
    expect(await listIds(alice, '?archived=only')).toEqual([dm.id]);
    expect((await call(alice, 'GET', '/conversations')).body.unreadTotal).toBe(1); // still counted
    expect((await listIds(bob)).sort()).toEqual([dm.id, group.id].sort()); // mine alone

    await postMessage(server().url, bob, dm.id, 'are you there?');
    expect((await listIds(alice)).sort()).toEqual([dm.id, group.id].sort());
    expect((await alice.client.getConversation(dm.id)).archived).toBe(false);

    await call(alice, 'PUT', `/conversations/${group.id}/archive`);
    const back = await call(alice, 'DELETE', `/conversations/${group.id}/archive`);
    expect(back.body.conversation.archived).toBe(false);
    expect(await listIds(alice, '?archived=only')).toEqual([]);
  });

  it('clears my history up to now: history, listing, last message and unread start after it; the others keep theirs', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const dm = await alice.client.openDirect(bob.id);
    for (const body of ['one', 'two', 'three']) await postMessage(server().url, bob, dm.id, body);

    const cleared = await call(alice, 'POST', `/conversations/${dm.id}/clear`);
    expect(cleared.status).toBe(200);
    expect(cleared.body.conversation).toMatchObject({ clearedSeq: 3, lastSeq: 3, lastMessage: null, unreadCount: 0 });
    expect(await historyOf(alice.client, dm.id)).toEqual([]);
    expect((await alice.client.history(dm.id)).items).toEqual([]);
    expect((await alice.client.recentMessages()).items).toEqual([]);
    expect((await historyOf(bob.client, dm.id)).map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect((await bob.client.getConversation(dm.id)).clearedSeq).toBe(0);

    await postMessage(server().url, bob, dm.id, 'four');
    await postMessage(server().url, bob, dm.id, 'five');
    expect((await historyOf(alice.client, dm.id)).map((m) => m.body)).toEqual(['four', 'five']);
    // Paging backwards stops at what I cleared.
    const newest = await alice.client.history(dm.id, { limit: 1 });
    expect(newest.items.map((m) => m.seq)).toEqual([5]);
    const older = await alice.client.history(dm.id, { limit: 1, before: Number(newest.nextCursor) });
    expect(older).toEqual({ items: [expect.objectContaining({ seq: 4 })], nextCursor: null });
    expect((await alice.client.history(dm.id, { before: 4 })).items).toEqual([]);
    expect(await alice.client.getConversation(dm.id)).toMatchObject({ clearedSeq: 3, lastMessage: { seq: 5 }, unreadCount: 2 });
    expect((await alice.client.listConversations()).unreadTotal).toBe(2);
    expect((await alice.client.recentMessages()).items.map((m) => m.seq)).toEqual([5, 4]);

    // Clearing again moves up to the newest.
    expect((await call(alice, 'POST', `/conversations/${dm.id}/clear`)).body.conversation).toMatchObject({ clearedSeq: 5, unreadCount: 0 });
  });

  it('clears my thread listings too: a thread starts after my clearedSeq for me, in full for the others', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const group = await createGroup(alice, [bob]);
    const root = await bob.client.sendMessage(group.id, 'root');
    const reply = (body: string) => bob.client.sendMessage(group.id, body, undefined, { threadRootId: root.id });
    await reply('r1');
    await reply('r2');
    const thread = async (user: TestUser, query = '') => (await call(user, 'GET', `/messages/${root.id}/thread${query}`)).body;

    const cleared = (await call(alice, 'POST', `/conversations/${group.id}/clear`)).body.conversation.clearedSeq;
    expect((await thread(alice)).items).toEqual([]);
    await reply('r3');
    await reply('r4');
    expect((await thread(alice)).items.map((m: any) => m.body)).toEqual(['r3', 'r4']);
    expect((await thread(bob)).items.map((m: any) => m.body)).toEqual(['r1', 'r2', 'r3', 'r4']);
    // Paging: the first page starts after what I cleared, and a cursor from before it does not reach back.
    const first = await thread(alice, '?limit=1');
    expect(first.items.map((m: any) => m.body)).toEqual(['r3']);
    expect((await thread(alice, `?limit=5&cursor=${first.nextCursor}`)).items.map((m: any) => m.body)).toEqual(['r4']);
    const bobsFirst = await thread(bob, '?limit=1');
    expect((await thread(alice, `?cursor=${bobsFirst.nextCursor}`)).items.map((m: any) => m.seq)).toEqual(
      (await thread(bob)).items.filter((m: any) => m.seq > cleared).map((m: any) => m.seq),
    );
  });

  it('replays my settings to a device that resumes, and fills my private stream by its id in the heads', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const first = await RawSocket.ready(server().url, alice.token);
    const ready: any = first.frames.find((f) => f.type === 'ready');
    first.close();
    await first.closed;

    await alice.client.setMuted(dm.id, true);
    await alice.client.setArchived(dm.id, true);
    await alice.client.clearHistory(dm.id);

    const resumed = await RawSocket.open(server().url, alice.token, { query: { since: ready.cursor } });
    const again: any = await resumed.next((f) => f.type === 'ready');
    const replayed = resumed.frames.filter((f) => f.type === 'conversation.updated') as any[];
    expect(replayed.map((f) => f.settings)).toEqual([
      { muted: true, starred: false, archived: false, clearedSeq: 0 },
      { muted: true, starred: false, archived: true, clearedSeq: 0 },
      { muted: true, starred: false, archived: true, clearedSeq: 0 },
    ]);
    expect(again.heads[alice.id]).toBe(replayed.at(-1).pos);
    const stream = await call(alice, 'GET', `/conversations/${alice.id}/events?after=0`);
    expect(stream.body.events.map((e: any) => e.pos)).toEqual(replayed.map((f) => f.pos));
    expectError(await call(bob, 'GET', `/conversations/${alice.id}/events?after=0`), 404, 'not_found');
    resumed.close();
  });

  it('delivers my settings once and in order through the SDK across a reconnect', async () => {
    const [alice, bob] = await freshUsers(server().url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const live = alice.client.connect();
    const seen: boolean[] = [];
    live.on('conversation.updated', (event) => {
      if (event.settings) seen.push(event.settings.muted);
    });
    await live.ready();
    await alice.client.setMuted(dm.id, true);
    await until(() => seen.length === 1, 'the first update');
    server().server.gateway.terminateUser(alice.id);
    await alice.client.setMuted(dm.id, false);
    await alice.client.setMuted(dm.id, true);
    await postMessage(server().url, bob, dm.id, 'meanwhile');
    await until(
      () => seen.length === 3,
      () => `three updates, saw ${JSON.stringify(seen)}`,
    );
    await live.settled();
    expect(seen).toEqual([true, false, true]);
    live.close();
  });
});
