import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, barrier } from '../harness.js';
import { fetchBytes, png, uploadRaw } from '../files.js';

/** Issue 37: polls (send, vote, close, closesAt), forwarding, saved messages. */
describe.each(await engines())('polls, forwarding and saved messages on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const poll = (over: Record<string, unknown> = {}) => ({
    question: 'Lunch?',
    options: ['Pizza', 'Sushi', 'Salad'],
    multiple: false,
    anonymous: false,
    ...over,
  });
  const sendPoll = (user: TestUser, conversationId: string, body: Record<string, unknown>) =>
    api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: user.token,
      body: { clientId: crypto.randomUUID(), kind: 'poll', ...body },
    });
  const vote = (user: TestUser, id: string, optionIds: string[]) =>
    api(t.url, 'PUT', `/api/v1/messages/${id}/poll/vote`, { token: user.token, body: { optionIds } });
  const close = (user: TestUser, id: string) => api(t.url, 'POST', `/api/v1/messages/${id}/poll/close`, { token: user.token });
  const forward = (user: TestUser, id: string, body: Record<string, unknown>) =>
    api(t.url, 'POST', `/api/v1/messages/${id}/forward`, { token: user.token, body });
  const save = (method: 'PUT' | 'DELETE', user: TestUser, id: string) =>
    api(t.url, method, `/api/v1/messages/${id}/save`, { token: user.token });
  const savedList = (user: TestUser, query = '') => api(t.url, 'GET', `/api/v1/saved${query}`, { token: user.token });

  describe('polls', () => {
    it('sends a poll (201), its question as the body, and replaces, moves and retracts votes with counts and voters', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob, carol]);
      const sent = await sendPoll(alice, group.id, { poll: poll() });
      expect(sent.status).toBe(201);
      const message = sent.body.message as Message;
      expect(message).toMatchObject({ kind: 'poll', body: 'Lunch?' });
      expect(message.poll).toEqual({
        question: 'Lunch?',
        options: [
          { id: '1', text: 'Pizza', count: 0, voterIds: [] },
          { id: '2', text: 'Sushi', count: 0, voterIds: [] },
          { id: '3', text: 'Salad', count: 0, voterIds: [] },
        ],
        multiple: false,
        anonymous: false,
        closedAt: null,
      });
      expect((await vote(bob, message.id, ['1'])).body.message.poll.options[0]).toEqual({
        id: '1',
        text: 'Pizza',
        count: 1,
        voterIds: [bob.id],
      });
      await vote(carol, message.id, ['1']);
      const moved = (await vote(bob, message.id, ['2'])).body.message.poll;
      expect(moved.options.map((o: { count: number; voterIds: string[] }) => [o.count, o.voterIds])).toEqual([
        [1, [carol.id]],
        [1, [bob.id]],
        [0, []],
      ]);
      const retracted = (await vote(carol, message.id, [])).body.message.poll;
      expect(retracted.options.map((o: { count: number }) => o.count)).toEqual([0, 1, 0]);
      // The same vote twice changes nothing, and the history shows it as the answers did.
      expect((await vote(bob, message.id, ['2'])).status).toBe(200);
      const read = await api(t.url, 'GET', `/api/v1/messages/${message.id}`, { token: carol.token });
      expect(read.body.message.poll.options.map((o: { count: number }) => o.count)).toEqual([0, 1, 0]);
    });

    it('takes several options only on a multiple-choice poll, and never shows voters of an anonymous one, not even to its author', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob]);
      const single = (await sendPoll(alice, group.id, { poll: poll() })).body.message as Message;
      expectError(await vote(bob, single.id, ['1', '2']), 400, 'validation_failed');
      const multi = (await sendPoll(alice, group.id, { poll: poll({ multiple: true, anonymous: true }) })).body.message as Message;
      const socket = await RawSocket.ready(t.url, alice.token);
      const voted = await vote(bob, multi.id, ['1', '3']);
      expect(voted.body.message.poll.options).toEqual([
        { id: '1', text: 'Pizza', count: 1 },
        { id: '2', text: 'Sushi', count: 0 },
        { id: '3', text: 'Salad', count: 1 },
      ]);
      const update = await socket.next<EventOf<'message.updated'>>((f) => f.type === 'message.updated' && f.message.id === multi.id);
      expect(JSON.stringify(update)).not.toContain(bob.id);
      expect(JSON.stringify((await api(t.url, 'GET', `/api/v1/messages/${multi.id}`, { token: alice.token })).body)).not.toContain(bob.id);
      const history = await api(t.url, 'GET', `/api/v1/conversations/${group.id}/messages`, { token: alice.token });
      expect(JSON.stringify(history.body)).not.toContain(bob.id);
      socket.close();
    });

    it('refuses bad polls: 11 options, 1 option, duplicates, a body, a past closesAt; and strangers', async () => {
      const [alice, bob, stranger] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob]);
      const eleven = Array.from({ length: 11 }, (_, i) => `option ${i}`);
      expectError(await sendPoll(alice, group.id, { poll: poll({ options: eleven }) }), 400, 'validation_failed');
      expectError(await sendPoll(alice, group.id, { poll: poll({ options: ['only'] }) }), 400, 'validation_failed');
      expectError(await sendPoll(alice, group.id, { poll: poll({ options: ['Same', 'same '] }) }), 400, 'validation_failed');
      expectError(await sendPoll(alice, group.id, { poll: poll(), body: 'extra' }), 400, 'validation_failed');
      expectError(await sendPoll(alice, group.id, {}), 400, 'validation_failed');
      expectError(
        await sendPoll(alice, group.id, { poll: poll({ closesAt: new Date(Date.now() - 1000).toISOString() }) }),
        400,
        'validation_failed',
      );
      expectError(
        await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
          token: alice.token,
          body: { clientId: crypto.randomUUID(), body: 'text', poll: poll() },
        }),
        400,
        'validation_failed',
      );
      expectError(await sendPoll(stranger, group.id, { poll: poll() }), 404, 'not_found');
      const message = (await sendPoll(alice, group.id, { poll: poll() })).body.message as Message;
      expectError(await vote(stranger, message.id, ['1']), 404, 'not_found');
      expectError(await close(stranger, message.id), 404, 'not_found');
      expectError(await vote(bob, message.id, ['9']), 400, 'validation_failed');
      const text = (await postMessage(t.url, alice, group.id, 'not a poll')).body.message as Message;
      expectError(await vote(bob, text.id, ['1']), 400, 'validation_failed');
    });

    it('is idempotent by clientId: the same poll again is the same message, another poll with that clientId is refused', async () => {
      const [alice] = await freshUsers(t.url, 1);
      const group = await createGroup(alice, []);
      const clientId = crypto.randomUUID();
      const first = await sendPoll(alice, group.id, { clientId, poll: poll() });
      const again = await sendPoll(alice, group.id, { clientId, poll: poll() });
      expect(again.body.message.id).toBe(first.body.message.id);
      expectError(
        await sendPoll(alice, group.id, { clientId, poll: poll({ options: ['Other', 'Answers'] }) }),
        409,
        'idempotency_conflict',
      );
    });

    it('keeps every one of many concurrent votes', async () => {
      const users = await freshUsers(t.url, 8);
      const [owner, ...voters] = users;
      const group = await createGroup(owner!, voters);
      const message = (await sendPoll(owner!, group.id, { poll: poll({ multiple: true }) })).body.message as Message;
      await Promise.all(voters.flatMap((v) => [vote(v, message.id, ['1', '2'])]));
      const read = await api(t.url, 'GET', `/api/v1/messages/${message.id}`, { token: owner!.token });
      expect(read.body.message.poll.options.map((o: { count: number }) => o.count)).toEqual([7, 7, 0]);
      expect([...read.body.message.poll.options[0].voterIds].sort()).toEqual(voters.map((v) => v.id).sort());
    });

    it('closes by its author or a group admin only, idempotently; no vote after (409)', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob, carol]);
      const byBob = (await sendPoll(bob, group.id, { poll: poll() })).body.message as Message;
      expectError(await close(carol, byBob.id), 403, 'forbidden');
      const closed = await close(alice, byBob.id); // alice owns the group
      expect(closed.status).toBe(200);
      const closedAt = closed.body.message.poll.closedAt;
      expect(typeof closedAt).toBe('string');
      expect((await close(bob, byBob.id)).body.message.poll.closedAt).toBe(closedAt);
      expectError(await vote(carol, byBob.id, ['1']), 409, 'conflict');
      expectError(await vote(carol, byBob.id, []), 409, 'conflict');
    });

    it('closes by itself once closesAt passes, announced once as message.updated', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob]);
      const socket = await RawSocket.ready(t.url, bob.token);
      const closesAt = new Date(Date.now() + 1500).toISOString();
      const message = (await sendPoll(alice, group.id, { poll: poll({ closesAt }) })).body.message as Message;
      expect(message.poll?.closesAt).toBe(closesAt);
      await vote(bob, message.id, ['3']);
      const update = await socket.next<EventOf<'message.updated'>>(
        (f) => f.type === 'message.updated' && f.message.id === message.id && f.message.poll?.closedAt !== null,
        10_000,
      );
      expect(update.message.poll?.closedAt).toBe(closesAt);
      expectError(await vote(bob, message.id, ['1']), 409, 'conflict');
      await close(alice, message.id);
      await barrier(socket);
      const closings = socket.frames.filter((f) => f.type === 'message.updated' && f.message.id === message.id && f.message.poll?.closedAt);
      expect(closings).toHaveLength(1);
      socket.close();
    });

    it('deleting a poll takes its question and votes with it', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob]);
      const message = (await sendPoll(alice, group.id, { poll: poll() })).body.message as Message;
      await vote(bob, message.id, ['1']);
      const deleted = await api(t.url, 'DELETE', `/api/v1/messages/${message.id}`, { token: alice.token });
      expect(deleted.body.message.poll).toBeUndefined();
      expectError(await vote(bob, message.id, ['1']), 409, 'conflict');
    });
  });

  describe('forwarding', () => {
    it('copies into conversations I post in, with forwardedFrom naming the source only to its members, after my comment', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const source = await createGroup(alice, [bob]);
      const target = await createGroup(alice, [carol]);
      const dm = await alice.client.openDirect(carol.id);
      const original = (await postMessage(t.url, bob, source.id, 'worth sharing')).body.message as Message;
      const res = await forward(alice, original.id, { conversationIds: [target.id, dm.id], comment: 'look' });
      expect(res.status).toBe(201);
      const messages = res.body.messages as Message[];
      expect(messages.map((m) => [m.conversationId, m.body])).toEqual([
        [target.id, 'look'],
        [target.id, 'worth sharing'],
        [dm.id, 'look'],
        [dm.id, 'worth sharing'],
      ]);
      expect(messages[1]!.forwardedFrom).toEqual({ conversationId: source.id, senderId: bob.id, sentAt: original.createdAt });
      expect(messages[1]!.senderId).toBe(alice.id);
      // carol is not in the source conversation: she sees who and when, not where.
      const carolSees = await api(t.url, 'GET', `/api/v1/messages/${messages[1]!.id}`, { token: carol.token });
      expect(carolSees.body.message.forwardedFrom).toEqual({ senderId: bob.id, sentAt: original.createdAt });
      const aliceSees = await api(t.url, 'GET', `/api/v1/conversations/${target.id}/messages`, { token: alice.token });
      expect(aliceSees.body.items.find((m: Message) => m.id === messages[1]!.id).forwardedFrom.conversationId).toBe(source.id);
      // Forwarding a copy keeps the first origin.
      const again = await forward(carol, messages[1]!.id, { conversationIds: [dm.id] });
      expect(again.body.messages[0].forwardedFrom).toEqual({ senderId: bob.id, sentAt: original.createdAt });
    });

    it('references the same files: readable by the target conversation’s members', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const source = await createGroup(alice, [bob]);
      const target = await createGroup(bob, [carol]);
      const upload = (await uploadRaw(t.url, alice.token, await png(8, 8), { filename: 'dot.png', type: 'image/png' })).body.upload;
      const sent = await api(t.url, 'POST', `/api/v1/conversations/${source.id}/messages`, {
        token: alice.token,
        body: { clientId: crypto.randomUUID(), kind: 'attachment', attachmentIds: [upload.id] },
      });
      expect((await fetchBytes(t.url, carol.token, `/api/v1/uploads/${upload.id}`)).status).toBe(404);
      const copy = (await forward(bob, sent.body.message.id, { conversationIds: [target.id] })).body.messages[0] as Message;
      expect(copy.attachments?.map((a) => a.id)).toEqual([upload.id]);
      expect((await fetchBytes(t.url, carol.token, `/api/v1/uploads/${upload.id}`)).status).toBe(200);
    });

    it('refuses what I cannot read (404), where I cannot post (404, 409 blocked, nothing sent), and bad bodies (400)', async () => {
      const [alice, bob, carol, stranger] = await freshUsers(t.url, 4);
      const group = await createGroup(alice, [bob]);
      const other = await createGroup(carol, []);
      const message = (await postMessage(t.url, alice, group.id, 'hello')).body.message as Message;
      expectError(await forward(stranger, message.id, { conversationIds: [other.id] }), 404, 'not_found');
      expectError(await forward(alice, message.id, { conversationIds: [other.id] }), 404, 'not_found');
      const dm = await alice.client.openDirect(bob.id);
      await api(t.url, 'PUT', `/api/v1/users/${alice.id}/block`, { token: bob.token });
      const mine = await createGroup(alice, []);
      expectError(await forward(alice, message.id, { conversationIds: [mine.id, dm.id] }), 409, 'blocked');
      const history = await api(t.url, 'GET', `/api/v1/conversations/${mine.id}/messages`, { token: alice.token });
      expect(history.body.items.filter((m: Message) => m.kind !== 'system')).toEqual([]);
      expectError(await forward(alice, message.id, { conversationIds: [] }), 400, 'validation_failed');
      const eleven = Array.from({ length: 11 }, () => mine.id + Math.random());
      expectError(await forward(alice, message.id, { conversationIds: eleven }), 400, 'validation_failed');
      await api(t.url, 'DELETE', `/api/v1/messages/${message.id}`, { token: alice.token });
      expectError(await forward(alice, message.id, { conversationIds: [mine.id] }), 409, 'conflict');
    });
  });

  describe('saved messages', () => {
    it('saves and unsaves idempotently (204), lists newest saved first in pages, and tells my other devices', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob]);
      const dm = await alice.client.openDirect(bob.id);
      const a = (await postMessage(t.url, bob, group.id, 'first')).body.message as Message;
      const b = (await postMessage(t.url, bob, dm.id, 'second')).body.message as Message;
      const c = (await postMessage(t.url, alice, group.id, 'third')).body.message as Message;
      const device = await RawSocket.ready(t.url, alice.token);
      for (const m of [a, b, c]) expect((await save('PUT', alice, m.id)).status).toBe(204);
      expect((await save('PUT', alice, a.id)).status).toBe(204);
      const page1 = await savedList(alice, '?limit=2');
      expect(page1.body.items.map((i: { message: Message }) => i.message.id)).toEqual([c.id, b.id]);
      const page2 = await savedList(alice, `?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
      expect(page2.body).toMatchObject({ items: [{ message: { id: a.id } }], nextCursor: null });
      expect((await save('DELETE', alice, b.id)).status).toBe(204);
      expect((await save('DELETE', alice, b.id)).status).toBe(204);
      expect((await savedList(alice)).body.items.map((i: { message: Message }) => i.message.id)).toEqual([c.id, a.id]);
      await device.next((f) => f.type === 'saved.updated' && f.messageId === b.id && !f.saved);
      await barrier(device);
      const events = device.frames.filter((f): f is EventOf<'saved.updated'> => f.type === 'saved.updated');
      expect(events.map((e) => [e.messageId, e.saved])).toEqual([
        [a.id, true],
        [b.id, true],
        [c.id, true],
        [b.id, false],
      ]);
      expect((await savedList(bob)).body.items).toEqual([]);
      device.close();
    });

    it('lists only what I can still read: not after leaving the conversation; 404 for messages I cannot read', async () => {
      const [alice, bob, stranger] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob]);
      const message = (await postMessage(t.url, alice, group.id, 'keep this')).body.message as Message;
      await save('PUT', bob, message.id);
      expect((await savedList(bob)).body.items).toHaveLength(1);
      expectError(await save('PUT', stranger, message.id), 404, 'not_found');
      expectError(await save('PUT', bob, 'no-such-message'), 404, 'not_found');
      await api(t.url, 'DELETE', `/api/v1/conversations/${group.id}/members/${bob.id}`, { token: bob.token });
      expect((await savedList(bob)).body.items).toEqual([]);
      expectError(await savedList(bob, '?cursor=garbage'), 400, 'validation_failed');
    });
  });
});
