import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, nextMillisecond, postMessage } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, barrier, startServer } from '../harness.js';

const sent = async (url: string, user: TestUser, conversationId: string, body = 'react to me'): Promise<Message> =>
  (await postMessage(url, user, conversationId, body)).body.message;

describe.each(await engines())('reactions and pins on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const reaction = (method: 'PUT' | 'DELETE', user: TestUser, id: string, emoji: string) =>
    api(t.url, method, `/api/v1/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token: user.token });
  const pin = (method: 'PUT' | 'DELETE', user: TestUser, id: string) =>
    api(t.url, method, `/api/v1/messages/${id}/pin`, { token: user.token });

  it('counts one reaction per user per emoji, by first use; PUT and DELETE are idempotent and remove only my own', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const message = await sent(t.url, alice, group.id);
    expect((await reaction('PUT', bob, message.id, '👍')).status).toBe(200);
    await reaction('PUT', carol, message.id, ':party_parrot:');
    await reaction('PUT', carol, message.id, '👍');
    const twice = await reaction('PUT', carol, message.id, '👍');
    expect(twice.body.message.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [bob.id, carol.id] },
      { emoji: ':party_parrot:', count: 1, userIds: [carol.id] },
    ]);
    await reaction('DELETE', alice, message.id, '👍'); // alice never reacted: nothing changes
    const removed = await reaction('DELETE', bob, message.id, '👍');
    expect(removed.body.message.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [carol.id] },
      { emoji: ':party_parrot:', count: 1, userIds: [carol.id] },
    ]);
    await reaction('DELETE', carol, message.id, '👍');
    expect((await reaction('DELETE', carol, message.id, '👍')).body.message.reactions).toEqual([
      { emoji: ':party_parrot:', count: 1, userIds: [carol.id] },
    ]);
    for (const emoji of ['👨‍👩‍👧', '🇫🇷', '👍🏽', '1️⃣', ':+1:']) expect((await reaction('PUT', bob, message.id, emoji)).status, emoji).toBe(200);
  });

  it('refuses bad emoji (400), strangers (404), deleted messages (409) and more than MAX_REACTIONS_PER_MESSAGE kinds', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    const dm = await alice.client.openDirect(bob.id);
    const message = await sent(t.url, alice, dm.id);
    for (const bad of ['a', '👍👍', 'thumbs', ':Upper:', '::', ':a b:', `:${'a'.repeat(70)}:`]) {
      expectError(await reaction('PUT', bob, message.id, bad), 400, 'validation_failed');
    }
    expectError(await reaction('PUT', stranger, message.id, '👍'), 404, 'not_found');
    expectError(await reaction('PUT', bob, 'no-such-message', '👍'), 404, 'not_found');
    for (let i = 0; i < 20; i++) expect((await reaction('PUT', bob, message.id, `:r${i}:`)).status).toBe(200);
    expectError(await reaction('PUT', alice, message.id, ':one_too_many:'), 409, 'conflict');
    expect((await reaction('PUT', alice, message.id, ':r0:')).status).toBe(200); // an existing kind is fine
    await api(t.url, 'DELETE', `/api/v1/messages/${message.id}`, { token: alice.token });
    expectError(await reaction('PUT', bob, message.id, '👍'), 409, 'conflict');
  });

  it('loses no reaction when many members react at once', async () => {
    const [owner, ...members] = await freshUsers(t.url, 9);
    const group = await createGroup(owner, members);
    const message = await sent(t.url, owner, group.id);
    const answers = await Promise.all(members.map((m) => reaction('PUT', m, message.id, '🎉')));
    expect(answers.map((a) => a.status)).toEqual(members.map(() => 200));
    const stored = (await api(t.url, 'GET', `/api/v1/messages/${message.id}`, { token: owner.token })).body.message;
    expect(stored.reactions[0].count).toBe(members.length);
    expect(new Set(stored.reactions[0].userIds)).toEqual(new Set(members.map((m) => m.id)));
  });

  it('pins: owners and admins in a group (members 403), either member in a DM; listed most recently pinned first; idempotent', async () => {
    const [owner, admin, member, stranger] = await freshUsers(t.url, 4);
    const group = await createGroup(owner, [admin, member]);
    await owner.client.setRole(group.id, admin.id, 'admin');
    const [m1, m2, m3] = [
      await sent(t.url, member, group.id, 'one'),
      await sent(t.url, member, group.id, 'two'),
      await sent(t.url, member, group.id, 'three'),
    ];
    expectError(await pin('PUT', member, m1.id), 403, 'forbidden');
    expectError(await pin('PUT', stranger, m1.id), 404, 'not_found');
    const pinned = await pin('PUT', owner, m1.id);
    expect(pinned.body.message).toMatchObject({ pinnedBy: owner.id, pinnedAt: expect.any(String) });
    expect((await pin('PUT', admin, m1.id)).body.message).toMatchObject({ pinnedBy: owner.id, pinnedAt: pinned.body.message.pinnedAt });
    // Pinned in distinct milliseconds, so "most recently pinned" has one answer.
    await nextMillisecond();
    await pin('PUT', admin, m3.id);
    await nextMillisecond();
    await pin('PUT', admin, m2.id);
    const pins = (user: TestUser) => api(t.url, 'GET', `/api/v1/conversations/${group.id}/pins`, { token: user.token });
    expect((await pins(member)).body.items.map((m: Message) => m.body)).toEqual(['two', 'three', 'one']);
    expectError(await pins(stranger), 404, 'not_found');
    expectError(await pin('DELETE', member, m2.id), 403, 'forbidden');
    expect((await pin('DELETE', admin, m2.id)).body.message).toMatchObject({ pinnedAt: null, pinnedBy: null });
    expect((await pin('DELETE', admin, m2.id)).status).toBe(200);
    await api(t.url, 'DELETE', `/api/v1/messages/${m3.id}`, { token: member.token }); // deleting unpins
    expect((await pins(member)).body.items.map((m: Message) => m.body)).toEqual(['one']);
    expectError(await pin('PUT', owner, m3.id), 409, 'conflict');

    const dm = await member.client.openDirect(stranger.id);
    const inDm = await sent(t.url, stranger, dm.id, 'dm');
    expect((await pin('PUT', member, inDm.id)).status).toBe(200);
  });

  it('announces reactions and pins as message.updated with the whole message, once per change', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const socket = await RawSocket.ready(t.url, alice.token);
    const message = await sent(t.url, alice, dm.id);
    await reaction('PUT', bob, message.id, '👍');
    await reaction('PUT', bob, message.id, '👍');
    await pin('PUT', bob, message.id);
    await pin('PUT', bob, message.id);
    await reaction('DELETE', bob, message.id, '👍');
    await socket.next((f) => f.type === 'message.updated' && f.message.reactions.length === 0);
    await barrier(socket);
    const updates = socket.frames.filter((f): f is EventOf<'message.updated'> => f.type === 'message.updated');
    expect(updates.map((u) => [u.message.reactions.length, u.message.pinnedBy])).toEqual([
      [1, null],
      [1, bob.id],
      [0, bob.id],
    ]);
    socket.close();
  });
});

describe('MAX_REACTIONS_PER_MESSAGE', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ MAX_REACTIONS_PER_MESSAGE: '2' });
  });
  afterAll(() => t.close());

  it('caps the distinct emoji of one message at the configured number', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const message = await sent(t.url, alice, dm.id);
    const put = (emoji: string) =>
      api(t.url, 'PUT', `/api/v1/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`, { token: bob.token });
    expect((await put('👍')).status).toBe(200);
    expect((await put('🎉')).status).toBe(200);
    const refused = await put('🔥');
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.details).toEqual([{ path: '', message: expect.any(String), params: { limit: 2 } }]);
  });
});
