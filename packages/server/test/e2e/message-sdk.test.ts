import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@confab/client';
import { type TestServer, startServer, until } from '../harness.js';
import { createGroup, freshUsers } from '../factories.js';
import { wav } from '../files.js';

/**
 * Every message feature the web app builds on, called through the SDK against a real server:
 * what a screen does, in the calls it makes (the rules themselves are tested at the HTTP level).
 */
describe('SDK: message features', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t?.close());

  it('edits (keeping versions), deletes, replies and reacts', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const first = await alice.client.sendMessage(dm.id, 'helo');
    expect((await alice.client.messages.edit(first.id, 'hello')).editedAt).not.toBeNull();
    expect((await bob.client.messages.versions(first.id)).items.map((v) => v.body)).toEqual(['helo']);

    const reply = await bob.client.sendMessage(dm.id, 'hi!', undefined, { replyToId: first.id });
    expect(reply.replyTo).toMatchObject({ id: first.id, senderId: alice.id, excerpt: 'hello', deleted: false });

    expect((await bob.client.messages.react(first.id, '👍')).reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    expect((await alice.client.messages.react(first.id, '👍')).reactions).toEqual([
      { emoji: '👍', count: 2, userIds: expect.arrayContaining([alice.id, bob.id]) },
    ]);
    expect((await bob.client.messages.unreact(first.id, '👍')).reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id] }]);

    const tombstone = await alice.client.messages.delete(first.id);
    expect(tombstone).toMatchObject({ id: first.id, body: '', reactions: [] });
    expect(tombstone.deletedAt).not.toBeNull();
    expect((await bob.client.messages.get(reply.id)).replyTo).toMatchObject({ excerpt: '', deleted: true });
    await expect(bob.client.messages.edit(reply.id, 'not mine')).resolves.toMatchObject({ body: 'not mine' });
    await expect(alice.client.messages.edit(reply.id, 'not mine')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('lists a thread and the pins, and reads the page around a message', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const sent = [];
    for (let i = 1; i <= 12; i++) sent.push(await alice.client.sendMessage(group.id, `message ${i}`));
    const root = sent[4]!;
    const r1 = await bob.client.sendMessage(group.id, 'in the thread', undefined, { threadRootId: root.id });
    const r2 = await alice.client.sendMessage(group.id, 'me too', undefined, { threadRootId: root.id });
    const thread = await bob.client.messages.thread(root.id, { limit: 1 });
    expect(thread.items.map((m) => m.id)).toEqual([r1.id]);
    expect((await bob.client.messages.thread(root.id, { cursor: thread.nextCursor! })).items.map((m) => m.id)).toEqual([r2.id]);
    expect(await bob.client.messages.get(root.id)).toMatchObject({ replyCount: 2, threadRootId: null });

    await alice.client.messages.pin(sent[1]!.id);
    await alice.client.messages.pin(sent[7]!.id);
    expect((await bob.client.messages.pins(group.id)).items.map((m) => m.id)).toEqual([sent[7]!.id, sent[1]!.id]);
    await expect(bob.client.messages.pin(sent[2]!.id)).rejects.toMatchObject({ code: 'forbidden' });
    await alice.client.messages.unpin(sent[7]!.id);
    expect((await bob.client.messages.pins(group.id)).items.map((m) => m.id)).toEqual([sent[1]!.id]);

    // Centred on message 8: the 5 before it, then it and 4 after; thread replies stay out of the main history.
    const around = await bob.client.messages.around(group.id, sent[7]!.seq, 10);
    expect(around.items.map((m) => m.body)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `message ${i}`));
    expect(around.olderCursor).not.toBeNull();
    expect(around.newerCursor).toBeNull(); // message 12 is the newest of the main history
    const start = await bob.client.messages.around(group.id, sent[0]!.seq, 6);
    expect(start.items.map((m) => m.body)).toEqual(['message 1', 'message 2', 'message 3']);
    expect(start.olderCursor).toBeNull();
  });

  it('mentions count and notify; notifications list, count and are marked read', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const bobName = bob.auth.user.username;
    const mention = await alice.client.sendMessage(group.id, `look @${bobName.toUpperCase()}`);
    expect(mention.mentions).toEqual([bob.id]);
    const summary = (await bob.client.listConversations()).items.find((c) => c.id === group.id)!;
    expect(summary).toMatchObject({ unreadCount: 1, mentionCount: 1 });

    // Added to the group, then mentioned: the mention's notification follows its commit shortly.
    await until(async () => (await bob.client.notifications()).unreadCount === 2, 'two notifications');
    const page = await bob.client.notifications({ unread: true });
    expect(page.items.map((n) => n.kind)).toEqual(['mention', 'added_to_conversation']);
    expect(page.items[0]).toMatchObject({ conversationId: group.id, messageId: mention.id, actorId: alice.id, readAt: null });
    expect(await bob.client.markNotificationsRead({ ids: [page.items[0]!.id] })).toEqual({ unreadCount: 1 });
    expect(await bob.client.markNotificationsRead({ all: true })).toEqual({ unreadCount: 0 });
    expect((await bob.client.notifications({ unread: true })).items).toEqual([]);
    expect((await bob.client.markRead(group.id, mention.seq)).mentionCount).toBe(0);
  });

  it('mutes, clears my history and blocks, each seen by me alone', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    await bob.client.sendMessage(dm.id, 'one');
    expect(await alice.client.setMuted(dm.id, true)).toMatchObject({ muted: true });
    expect((await bob.client.getConversation(dm.id)).muted).toBe(false);
    expect(await alice.client.setMuted(dm.id, false)).toMatchObject({ muted: false });

    const cleared = await alice.client.clearHistory(dm.id);
    expect(cleared.clearedSeq).toBe(1);
    expect((await alice.client.history(dm.id)).items).toEqual([]);
    expect((await bob.client.history(dm.id)).items.map((m) => m.body)).toEqual(['one']);

    expect(await alice.client.setBlocked(bob.id, true)).toEqual({ blocked: true });
    expect((await alice.client.blockedUsers()).items.map((u) => u.id)).toEqual([bob.id]);
    const refused = bob.client.sendMessage(dm.id, 'still there?');
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 409, code: 'blocked' });
    expect(await alice.client.setBlocked(bob.id, false)).toEqual({ blocked: false });
    expect((await alice.client.blockedUsers()).items).toEqual([]);
    await expect(bob.client.sendMessage(dm.id, 'still there?')).resolves.toMatchObject({ seq: 2 });
  });

  it('sends a voice note and a location, and finds a message by search', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const audio = await alice.client.upload(new Blob([new Uint8Array(wav(1200))], { type: 'audio/wav' }), { filename: 'note.wav' });
    const voice = { durationMs: 1200, waveform: [0, 64, 255, 128] };
    const note = await alice.client.sendMessage(dm.id, undefined, undefined, { kind: 'voice', attachmentIds: [audio.id], voice });
    expect(note).toMatchObject({ kind: 'voice', voice, attachments: [{ id: audio.id, contentType: 'audio/wav' }] });
    expect((await bob.client.files.download(audio.id)).headers.get('content-type')).toBe('audio/wav');

    const place = await alice.client.locations.send(dm.id, { lat: 52.52, lng: 13.405, label: 'Alexanderplatz' }, { body: 'here' });
    expect(place).toMatchObject({ kind: 'location', body: 'here', location: { lat: 52.52, lng: 13.405, label: 'Alexanderplatz' } });

    const target = await alice.client.sendMessage(dm.id, 'the walrus meets at dawn');
    await alice.client.sendMessage(dm.id, 'unrelated');
    const hits = await bob.client.search.messages({ q: 'walrus', conversationId: dm.id });
    expect(hits.items.map((h) => h.message.id)).toEqual([target.id]);
    const around = await bob.client.messages.around(dm.id, hits.items[0]!.message.seq, 4);
    expect(around.items.map((m) => m.id)).toContain(target.id);
  });
});
