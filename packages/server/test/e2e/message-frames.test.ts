import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message, ServerFrame } from '@confab/protocol';
import { createGroup, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestServer, api, barrier, startServer } from '../harness.js';

type Ack = Extract<ServerFrame, { type: 'ack' }>;
type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;

describe('message.edit, message.delete, reaction.add and reaction.remove frames', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  /** Sends a frame and waits for its answer (ack or error). */
  const ask = (socket: RawSocket, frame: Record<string, unknown> & { id: string }) => {
    socket.send(frame);
    return socket.next<Ack | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.id === frame.id);
  };

  it('do what their REST twins do, answered with ack carrying the message, and the members see the events', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const aliceSocket = await RawSocket.ready(t.url, alice.token);
    const bobSocket = await RawSocket.ready(t.url, bob.token);
    const sent = await ask(aliceSocket, { type: 'message.send', id: 's1', conversationId: group.id, clientId: 'c1', body: 'hello' });
    const message = (sent as Ack).message!;
    const quoting = await ask(bobSocket, {
      type: 'message.send',
      id: 's2',
      conversationId: group.id,
      clientId: 'c2',
      body: 'hi',
      replyToId: message.id,
    });
    expect((quoting as Ack).message).toMatchObject({ replyTo: { id: message.id, excerpt: 'hello' } });

    const edited = await ask(aliceSocket, { type: 'message.edit', id: 'e1', messageId: message.id, body: 'hello, edited' });
    expect(edited).toMatchObject({ type: 'ack', message: { id: message.id, body: 'hello, edited', editedAt: expect.any(String) } });
    const reacted = await ask(bobSocket, { type: 'reaction.add', id: 'r1', messageId: message.id, emoji: '🎉' });
    expect(reacted).toMatchObject({ type: 'ack', message: { reactions: [{ emoji: '🎉', count: 1, userIds: [bob.id] }] } });
    const unreacted = await ask(bobSocket, { type: 'reaction.remove', id: 'r2', messageId: message.id, emoji: '🎉' });
    expect(unreacted).toMatchObject({ type: 'ack', message: { reactions: [] } });
    const deleted = await ask(aliceSocket, { type: 'message.delete', id: 'd1', messageId: message.id });
    expect(deleted).toMatchObject({ type: 'ack', message: { body: '', deletedAt: expect.any(String) } });

    await bobSocket.next((f) => f.type === 'message.deleted');
    await barrier(bobSocket);
    const changes = bobSocket.frames.filter(
      (f): f is EventOf<'message.updated'> | EventOf<'message.deleted'> => f.type === 'message.updated' || f.type === 'message.deleted',
    );
    expect(changes.map((e) => e.type)).toEqual(['message.updated', 'message.updated', 'message.updated', 'message.deleted']);
    const stored = (await api(t.url, 'GET', `/api/v1/messages/${message.id}`, { token: bob.token })).body.message as Message;
    expect(stored).toEqual((deleted as Ack).message);
    aliceSocket.close();
    bobSocket.close();
  });

  it('answer the same errors as REST: forbidden, not_found, conflict, validation_failed, with the frame id', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    const dm = await alice.client.openDirect(bob.id);
    const message = (await postMessage(t.url, alice, dm.id, 'mine')).body.message as Message;
    const bobSocket = await RawSocket.ready(t.url, bob.token);
    const strangerSocket = await RawSocket.ready(t.url, stranger.token);
    expect(await ask(bobSocket, { type: 'message.edit', id: 'x1', messageId: message.id, body: 'not mine' })).toMatchObject({
      type: 'error',
      id: 'x1',
      error: { code: 'forbidden' },
    });
    expect(await ask(strangerSocket, { type: 'message.delete', id: 'x2', messageId: message.id })).toMatchObject({
      type: 'error',
      id: 'x2',
      error: { code: 'not_found' },
    });
    expect(await ask(bobSocket, { type: 'reaction.add', id: 'x3', messageId: message.id, emoji: 'not an emoji' })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await ask(bobSocket, { type: 'message.edit', id: 'x4', messageId: message.id, body: '' })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await ask(bobSocket, { type: 'message.edit', id: 'x5', messageId: message.id })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await ask(bobSocket, { type: 'reaction.remove', id: 'x6', messageId: message.id, emoji: '👍', extra: true })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    await api(t.url, 'DELETE', `/api/v1/messages/${message.id}`, { token: alice.token });
    expect(await ask(bobSocket, { type: 'reaction.add', id: 'x7', messageId: message.id, emoji: '👍' })).toMatchObject({
      error: { code: 'conflict' },
    });
    bobSocket.close();
    strangerSocket.close();
  });
});

describe('resume after a reconnect', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('replays the edits, deletes and reactions missed while away, each once and in order, then goes live', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const first = (await postMessage(t.url, alice, group.id, 'first')).body.message as Message;
    const away = await RawSocket.ready(t.url, bob.token);
    await barrier(away);
    const ready = away.frames.find((f) => f.type === 'ready')!;
    const positioned = (frames: readonly ServerFrame[]) => frames.filter((f): f is EventOf<'message.updated'> => 'pos' in f);
    const seen = positioned(away.frames);
    const [epoch] = (ready as { cursor: string }).cursor.split('.');
    const cursor = `${epoch}.${seen.at(-1)?.pos ?? (ready as { cursor: string }).cursor.split('.')[1]}`;
    away.close();
    await away.closed;

    // While bob is away: an edit, two reactions (one taken back), a reply, a delete.
    const one = `/api/v1/messages/${first.id}`;
    await api(t.url, 'PATCH', one, { token: alice.token, body: { body: 'first, edited' } });
    await api(t.url, 'PUT', `${one}/reactions/${encodeURIComponent('👍')}`, { token: alice.token });
    await api(t.url, 'PUT', `${one}/reactions/${encodeURIComponent('🎉')}`, { token: alice.token });
    await api(t.url, 'DELETE', `${one}/reactions/${encodeURIComponent('👍')}`, { token: alice.token });
    const reply = (
      await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
        token: alice.token,
        body: { clientId: 'rp', body: 'reply', replyToId: first.id },
      })
    ).body.message as Message;
    await api(t.url, 'DELETE', one, { token: alice.token });

    const back = await RawSocket.open(t.url, bob.token, { query: { since: cursor } });
    await back.next((f) => f.type === 'ready');
    // Live after the replay: one more change.
    await api(t.url, 'DELETE', `/api/v1/messages/${reply.id}`, { token: alice.token });
    await back.next((f) => f.type === 'message.deleted' && f.message.id === reply.id);
    await barrier(back);
    const events = back.frames.filter((f) => 'pos' in f) as (
      EventOf<'message.updated'> | EventOf<'message.deleted'> | EventOf<'message.created'>
    )[];
    expect(events.map((e) => `${e.type}:${e.message.id === first.id ? 'first' : 'reply'}`)).toEqual([
      'message.updated:first',
      'message.updated:first',
      'message.updated:first',
      'message.updated:first',
      'message.created:reply',
      'message.deleted:first',
      'message.deleted:reply',
    ]);
    const positions = events.map((e) => e.pos);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    expect(events.map((e) => (e.type === 'message.deleted' ? '' : e.message.reactions.map((r) => r.emoji).join()))).toEqual([
      '',
      '👍',
      '👍,🎉',
      '🎉',
      '',
      '',
      '',
    ]);
    // The replayed edits of a message deleted since carry no body: it is gone from the log too.
    expect(events.slice(0, 4).map((e) => e.message.body)).toEqual(['', '', '', '']);
    expect(events[4]!.message.replyTo).toMatchObject({ id: first.id, excerpt: '' });
    back.close();
  });
});
