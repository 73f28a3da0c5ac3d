import { expect, it } from 'vitest';
import type { PositionedEvent } from '@confab/protocol';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestUser, api, historyOf } from '../harness.js';
import { describeOnEachStore } from '../stores.js';

describeOnEachStore('system messages', (server) => {
  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(server().url, method, `/api/v1${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });
  const systemOf = async (user: TestUser, conversationId: string) =>
    (await historyOf(user.client, conversationId))
      .filter((m) => m.kind === 'system')
      .map((m) => ({ seq: m.seq, sender: m.senderId, ...m.system }));

  it('records membership and title changes in the history, with the change, in order', async () => {
    const [owner, bob, carol] = await freshUsers(server().url, 3);
    const group = await createGroup(owner, [bob]);
    const bobSocket = await RawSocket.ready(server().url, bob.token);
    await owner.client.sendMessage(group.id, 'hello');
    await owner.client.renameConversation(group.id, 'Renamed');
    await owner.client.addMember(group.id, carol.id);
    await owner.client.removeMember(group.id, carol.id);
    await bob.client.removeMember(group.id, bob.id); // leaves

    expect(await systemOf(owner, group.id)).toEqual([
      { seq: 2, sender: owner.id, action: 'title_changed', actorId: owner.id, title: 'Renamed' },
      { seq: 3, sender: owner.id, action: 'member_added', actorId: owner.id, userId: carol.id },
      { seq: 4, sender: owner.id, action: 'member_removed', actorId: owner.id, userId: carol.id },
      { seq: 5, sender: bob.id, action: 'member_left', actorId: bob.id, userId: bob.id },
    ]);
    const messages = await historyOf(owner.client, group.id);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]); // gap-free with the texts
    expect(messages[1]).toMatchObject({ kind: 'system', body: '', mentions: [], reactions: [], editedAt: null, deletedAt: null });

    // Each arrived live right after the change's own event.
    const frames = bobSocket.frames.filter((f) => 'pos' in f) as PositionedEvent[];
    const renamed = frames.findIndex((f) => f.type === 'conversation.updated');
    expect(frames[renamed + 1]).toMatchObject({
      type: 'message.created',
      message: { kind: 'system', system: { action: 'title_changed' } },
    });
    expect(frames[renamed + 1]!.prev).toBe(frames[renamed]!.pos);
    bobSocket.close();
  });

  it('counts as unread for the others, never for whoever made the change; the removed member does not see their removal', async () => {
    const [owner, bob, carol] = await freshUsers(server().url, 3);
    const group = await createGroup(owner, [bob, carol]);
    await owner.client.renameConversation(group.id, 'New name');
    expect(await owner.client.getConversation(group.id)).toMatchObject({ unreadCount: 0, readSeq: 1, lastSeq: 1, title: 'New name' });
    expect(await bob.client.getConversation(group.id)).toMatchObject({ unreadCount: 1, lastMessage: { kind: 'system' } });

    const before = (await call(carol, 'GET', '/sync')).body.cursor;
    await owner.client.removeMember(group.id, carol.id);
    expectError(await call(carol, 'GET', `/conversations/${group.id}/messages`), 404, 'not_found');
    const carolEvents = (await call(carol, 'GET', `/sync?since=${encodeURIComponent(before)}&timeout=0`)).body.events;
    expect(carolEvents.map((e: PositionedEvent) => e.type)).toEqual(['member.removed']);
    expect((await systemOf(bob, group.id)).map((m) => m.action)).toEqual(['title_changed', 'member_removed']);
  });

  it('writes none for a refused change, nor in a DM', async () => {
    const [owner, bob, carol] = await freshUsers(server().url, 3);
    const group = await createGroup(owner, [bob]);
    expectError(await call(bob, 'PATCH', `/conversations/${group.id}`, { title: 'mine now' }), 403, 'forbidden');
    expectError(await call(bob, 'POST', `/conversations/${group.id}/members`, { userId: carol.id }), 403, 'forbidden');
    expectError(await call(owner, 'POST', `/conversations/${group.id}/members`, { userId: bob.id }), 409, 'already_member');
    expect(await historyOf(owner.client, group.id)).toEqual([]);
    const dm = await owner.client.openDirect(carol.id);
    expect(await historyOf(owner.client, dm.id)).toEqual([]);
  });
});
