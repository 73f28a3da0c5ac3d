import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, barrier, startServer } from '../harness.js';

const path = (id: string, rest = '') => `/api/v1/messages/${id}${rest}`;
const sent = async (url: string, user: TestUser, conversationId: string, body: string): Promise<Message> =>
  (await postMessage(url, user, conversationId, body)).body.message;

describe.each(await engines())('get, edit and delete a message on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const get = (user: TestUser, id: string) => api(t.url, 'GET', path(id), { token: user.token });
  const edit = (user: TestUser, id: string, body: unknown) => api(t.url, 'PATCH', path(id), { token: user.token, body });
  const versions = (user: TestUser, id: string) => api(t.url, 'GET', path(id, '/history'), { token: user.token });
  const remove = (user: TestUser, id: string) => api(t.url, 'DELETE', path(id), { token: user.token });

  it('GET answers members with the message and everyone else, a removed member included, 404', async () => {
    const [owner, member, stranger] = await freshUsers(t.url, 3);
    const group = await createGroup(owner, [member]);
    const message = await sent(t.url, owner, group.id, 'hello');
    expect(await get(member, message.id)).toEqual({ status: 200, body: { message } });
    expectError(await get(stranger, message.id), 404, 'not_found');
    expectError(await get(member, 'no-such-message'), 404, 'not_found');
    await owner.client.removeMember(group.id, member.id);
    expectError(await get(member, message.id), 404, 'not_found');
    expectError(await api(t.url, 'GET', path(message.id)), 401, 'unauthenticated');
  });

  it('PATCH lets the author edit: editedAt set, earlier versions kept oldest first and listed to members', async () => {
    const [author, member] = await freshUsers(t.url, 2);
    const group = await createGroup(author, [member]);
    const message = await sent(t.url, author, group.id, 'first');
    const one = await edit(author, message.id, { body: 'second' });
    expect(one.status).toBe(200);
    expect(one.body.message).toMatchObject({
      id: message.id,
      seq: message.seq,
      body: 'second',
      editedAt: expect.any(String),
      createdAt: message.createdAt,
    });
    await edit(author, message.id, { body: 'third 😀' });
    const history = await versions(member, message.id);
    expect(history.status).toBe(200);
    expect(history.body.items.map((v: { body: string }) => v.body)).toEqual(['first', 'second']);
    expect(Date.parse(history.body.items[0].editedAt)).toBeLessThanOrEqual(Date.parse(history.body.items[1].editedAt));
    expect((await get(member, message.id)).body.message.body).toBe('third 😀');
    // The same body again changes nothing and keeps no version.
    const same = await edit(author, message.id, { body: 'third 😀' });
    expect(same.body.message.editedAt).toBe((await get(author, message.id)).body.message.editedAt);
    expect((await versions(author, message.id)).body.items).toHaveLength(2);
  });

  it('PATCH refuses others (403), non-members (404), bad bodies (400, 413) and deleted messages (409)', async () => {
    const [author, member, stranger] = await freshUsers(t.url, 3);
    const group = await createGroup(author, [member]);
    const message = await sent(t.url, author, group.id, 'mine');
    expectError(await edit(member, message.id, { body: 'not yours' }), 403, 'forbidden');
    expectError(await edit(stranger, message.id, { body: 'not yours' }), 404, 'not_found');
    expectError(await edit(author, message.id, { body: '' }), 400, 'validation_failed');
    expectError(await edit(author, message.id, { body: 'ok', extra: 1 }), 400, 'validation_failed');
    expectError(await edit(author, message.id, {}), 400, 'validation_failed');
    expectError(await edit(author, message.id, { body: 'a\u0000b' }), 400, 'validation_failed');
    expectError(await edit(author, message.id, { body: 'x'.repeat(4001) }), 400, 'validation_failed');
    expectError(await api(t.url, 'PATCH', path(message.id), { token: author.token, rawBody: '{"body":' }), 400, 'malformed_json');
    await remove(author, message.id);
    expectError(await edit(author, message.id, { body: 'too late' }), 409, 'conflict');
    expect((await get(author, message.id)).body.message).toMatchObject({ body: '', editedAt: null });
  });

  it('DELETE leaves a tombstone in place, gone from history, versions and quotes; idempotent', async () => {
    const [author, member] = await freshUsers(t.url, 2);
    const dm = await author.client.openDirect(member.id);
    const before = await sent(t.url, author, dm.id, 'before');
    const message = await sent(t.url, author, dm.id, 'secret');
    await edit(author, message.id, { body: 'secret, edited' });
    const after = await sent(t.url, member, dm.id, 'after');
    const first = await remove(author, message.id);
    expect(first.status).toBe(200);
    expect(first.body.message).toMatchObject({
      id: message.id,
      seq: message.seq,
      body: '',
      deletedAt: expect.any(String),
      reactions: [],
      mentions: [],
    });
    const again = await remove(author, message.id);
    expect(again).toEqual(first);
    const page = await member.client.history(dm.id);
    expect(page.items.map((m) => [m.seq, m.body])).toEqual([
      [after.seq, 'after'],
      [message.seq, ''],
      [before.seq, 'before'],
    ]);
    expect((await versions(member, message.id)).body).toEqual({ items: [] });
    // Nothing in storage still holds the body: not the row, the versions, nor the event log.
    const replay = await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/events?after=0`, { token: member.token });
    expect(JSON.stringify(replay.body)).not.toContain('secret');
  });

  it('DELETE: the author, or an owner or admin of the group; a plain member 403, a stranger 404; in a DM only the author', async () => {
    const [owner, admin, member, stranger] = await freshUsers(t.url, 4);
    const group = await createGroup(owner, [admin, member]);
    await owner.client.setRole(group.id, admin.id, 'admin');
    const byMember = await sent(t.url, member, group.id, 'm');
    const byOwner = await sent(t.url, owner, group.id, 'o');
    expectError(await remove(stranger, byMember.id), 404, 'not_found');
    expectError(await remove(member, byOwner.id), 403, 'forbidden');
    expect((await remove(admin, byMember.id)).status).toBe(200);
    expect((await remove(admin, byOwner.id)).status).toBe(200);
    const dm = await owner.client.openDirect(member.id);
    const inDm = await sent(t.url, member, dm.id, 'dm');
    expectError(await remove(owner, inDm.id), 403, 'forbidden');
    expect((await remove(member, inDm.id)).status).toBe(200);
  });

  it('announces edits and deletes to every member as message.updated / message.deleted, once each', async () => {
    const [author, member] = await freshUsers(t.url, 2);
    const group = await createGroup(author, [member]);
    const socket = await RawSocket.ready(t.url, member.token);
    const message = await sent(t.url, author, group.id, 'v1');
    await edit(author, message.id, { body: 'v2' });
    await edit(author, message.id, { body: 'v2' }); // no change: no event
    await remove(author, message.id);
    await remove(author, message.id); // already deleted: no event
    await socket.next((f) => f.type === 'message.deleted');
    await barrier(socket);
    const changes = socket.frames.filter((f) => f.type === 'message.updated' || f.type === 'message.deleted') as (
      EventOf<'message.updated'> | EventOf<'message.deleted'>
    )[];
    expect(changes.map((e) => [e.type, e.message.body])).toEqual([
      ['message.updated', 'v2'],
      ['message.deleted', ''],
    ]);
    expect(changes[1]!.prev).toBe(changes[0]!.pos);
    socket.close();
  });
});

describe('EDIT_WINDOW_SECONDS', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ EDIT_WINDOW_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('refuses an edit once the window has passed (403), and allows one within it', async () => {
    const [author, member] = await freshUsers(t.url, 2);
    const dm = await author.client.openDirect(member.id);
    const message = await sent(t.url, author, dm.id, 'quick');
    expect((await api(t.url, 'PATCH', path(message.id), { token: author.token, body: { body: 'quicker' } })).status).toBe(200);
    // The window is measured from createdAt: wait until it has certainly passed.
    const deadline = Date.parse(message.createdAt) + 1000;
    while (Date.now() <= deadline) await new Promise((r) => setTimeout(r, deadline - Date.now() + 5));
    expectError(await api(t.url, 'PATCH', path(message.id), { token: author.token, body: { body: 'too late' } }), 403, 'forbidden');
  });
});
