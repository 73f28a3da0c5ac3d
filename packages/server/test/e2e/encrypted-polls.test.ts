import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfabClient } from '@confab/client';
import type { Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { type TestServer, until } from '../harness.js';
import { encryptedPerson } from '../encrypted-people.js';
import { databaseSnapshot } from '../snapshot.js';

/** Issue 39: polls and places in encrypted conversations, between SDK clients over a real server. */
describe.each(await engines())('encrypted polls and places through the SDK on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const person = (prefix: string) => encryptedPerson(t.url, prefix);
  const secret = (what: string) => `${what} ${crypto.randomUUID().slice(0, 8)}`;
  const counts = (m: Message | undefined) => m?.poll?.options.map((o) => [o.count, o.voterIds]);
  const listed = async (c: ConfabClient, conversationId: string) =>
    (await c.history(conversationId, { after: 0, limit: 50 })).items.filter((m) => m.mls === 'application');

  it('two members vote, a third device counts the same; the server holds no question, option or choice', async () => {
    const alice = await person('pa');
    const bob = await person('pb');
    const carol = await person('pc');
    const group = await alice.client.createGroup('Lunch', [bob.id, carol.id], { encrypted: true });
    const question = secret('Where to eat?');
    const options = [secret('Noodle bar'), secret('Taqueria'), secret('Falafel stand')];

    const poll = await alice.client.sendMessage(group.id, undefined, undefined, {
      kind: 'poll',
      poll: { question, options, multiple: false, anonymous: false },
    });
    expect(poll).toMatchObject({ kind: 'poll', encrypted: true, body: question, poll: { question, multiple: false, closedAt: null } });
    expect(poll.poll!.options.map((o) => [o.text, o.count])).toEqual(options.map((o) => [o, 0]));

    // Carol's device listens: each vote reaches it as the poll's `message.updated`, as a plain poll's counts do.
    const updates: Message[] = [];
    const live = carol.client.connect();
    live.on('message.updated', ({ message }) => {
      if (message.id === poll.id) updates.push(message);
    });
    await live.ready();

    const [seen] = await listed(bob.client, group.id);
    expect(seen).toMatchObject({ id: poll.id, kind: 'poll', body: question, encrypted: true });
    const afterBob = await bob.client.messages.vote(poll.id, ['1']);
    expect(counts(afterBob)).toEqual([
      [0, []],
      [1, [bob.id]],
      [0, []],
    ]);
    await alice.client.messages.vote(poll.id, ['0']);
    // A later vote replaces the earlier one.
    await alice.client.messages.vote(poll.id, ['1']);

    const expected = [
      [0, []],
      [2, [bob.id, alice.id]],
      [0, []],
    ];
    await until(
      () => JSON.stringify(counts(updates.at(-1))) === JSON.stringify(expected),
      () => `Carol's updates: ${JSON.stringify(updates.map(counts))}`,
    );
    for (const c of [carol.client, bob.client, alice.client]) {
      const items = await listed(c, group.id);
      // Votes are counted on the poll, not listed.
      expect(items.map((m) => m.id)).toEqual([poll.id]);
      expect(counts(items[0])).toEqual(expected);
    }

    // The server's checks of a vote, made by the SDK for an encrypted poll.
    await expect(bob.client.messages.vote(poll.id, ['9'])).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(bob.client.messages.vote(poll.id, ['0', '1'])).rejects.toMatchObject({ status: 400 });
    await expect(bob.client.messages.closePoll(poll.id)).rejects.toMatchObject({ status: 403 });
    // A vote in clear is refused: the server has no poll to count it on.
    await expect(
      bob.client['http'].request('PUT', `/api/v1/messages/${poll.id}/poll/vote`, { body: { optionIds: ['0'] } }),
    ).rejects.toMatchObject({ status: 400 });

    const closed = await alice.client.messages.closePoll(poll.id);
    expect(closed.poll!.closedAt).not.toBeNull();
    await expect(carol.client.messages.vote(poll.id, ['2'])).rejects.toMatchObject({ status: 409, code: 'conflict' });
    await until(() => updates.at(-1)?.poll?.closedAt != null, 'Carol hears the close');
    expect(counts(updates.at(-1))).toEqual(expected);
    live.close();

    const snapshot = JSON.stringify(await databaseSnapshot(t));
    for (const seen of [question, ...options]) expect(snapshot.includes(seen), seen).toBe(false);

    // What the server sees of a vote or close: which poll it relates to, never the option. It counts
    // them neither unread nor last: Carol has the poll alone unread, and it is the last message.
    const envelopes = (
      await carol.client['http'].request<{ items: Message[] }>('GET', `/api/v1/conversations/${group.id}/messages`, {
        query: { after: 0, limit: 50 },
      })
    ).items.filter((m) => m.mls === 'application');
    expect(envelopes.map((m) => m.relatesTo ?? null)).toEqual([
      null,
      ...Array(3).fill({ type: 'vote', messageId: poll.id }),
      { type: 'close', messageId: poll.id },
    ]);
    const listedFor = async (c: ConfabClient) => (await c.listConversations()).items.find((x) => x.id === group.id);
    expect(await listedFor(carol.client)).toMatchObject({ unreadCount: 1, lastMessage: { id: poll.id } });
    // A close marked for someone else's poll is refused by the server too (readers would ignore it).
    const mls = await bob.client['e2e'].groups().encryptContent(group.id, { pollClose: { pollId: poll.id } }, crypto.randomUUID());
    await expect(
      bob.client['http'].request('POST', `/api/v1/conversations/${group.id}/messages`, { body: { clientId: crypto.randomUUID(), mls } }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('shares a place: readers get a plain place’s shape; the server holds no coordinate or label', async () => {
    const alice = await person('la');
    const bob = await person('lb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const lat = Number((10 + Math.random()).toFixed(6));
    const lng = Number((20 + Math.random()).toFixed(6));
    const label = secret('The old lighthouse');
    const caption = secret('meet here');

    const sent = await alice.client.locations.send(dm.id, { lat, lng, accuracyM: 15, label }, { body: caption });
    const place = { lat, lng, accuracyM: 15, label, liveUntil: null };
    expect(sent).toMatchObject({ kind: 'location', encrypted: true, body: caption, location: place });

    // Over the socket too (the web app's path), with no caption.
    const bobLive = bob.client.connect();
    await bobLive.ready();
    const back = await bobLive.sendLocation(dm.id, { lat: -lat, lng: -lng });
    expect(back).toMatchObject({ kind: 'location', encrypted: true, location: { lat: -lat, lng: -lng, accuracyM: null, label: null } });
    bobLive.close();

    for (const c of [bob.client, alice.client]) {
      const items = await listed(c, dm.id);
      expect(items.map((m) => [m.kind, m.location?.lat, m.location?.label])).toEqual([
        ['location', lat, label],
        ['location', -lat, null],
      ]);
    }
    const snapshot = JSON.stringify(await databaseSnapshot(t));
    for (const seen of [String(lat), String(lng), label, caption]) expect(snapshot.includes(seen), seen).toBe(false);
  });

  it('shares a live place: its author moves and stops it inside MLS messages; members see each move; the server sees edits', async () => {
    const alice = await person('va');
    const bob = await person('vb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const lat = Number((30 + Math.random()).toFixed(6));
    const lng = Number((40 + Math.random()).toFixed(6));
    const liveUntil = new Date(Date.now() + 3_600_000).toISOString();
    const bobLive = bob.client.connect();
    await bobLive.ready();
    const updates: Message[] = [];
    bobLive.on('message.updated', ({ message }) => updates.push(message));
    const created: Message[] = [];
    bobLive.on('message.created', ({ message }) => created.push(message));
    try {
      const sent = await alice.client.locations.send(dm.id, { lat, lng, liveUntil });
      expect(sent).toMatchObject({ kind: 'location', encrypted: true, location: { lat, lng, liveUntil } });

      const moved = await alice.client.locations.update(sent.id, { lat: lat + 0.01, lng: lng + 0.01, accuracyM: 8 });
      expect(moved).toMatchObject({
        id: sent.id,
        kind: 'location',
        location: { lat: lat + 0.01, lng: lng + 0.01, accuracyM: 8, liveUntil },
      });
      // Bob's connection: the place, then the place moved (as a plain place's move is told); the move itself is not listed.
      await until(() => updates.some((m) => m.id === sent.id && m.location?.lat === lat + 0.01), 'the move on bob’s connection');
      expect(created.filter((m) => m.kind === 'location').map((m) => m.location?.lat)).toEqual([lat]);

      // Only its author moves or stops it: the SDK refuses as the server refuses a plain one, and the server refuses the envelope.
      await expect(bob.client.locations.update(sent.id, { lat: 0, lng: 0 })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
      await expect(bob.client.locations.stop(sent.id)).rejects.toMatchObject({ status: 403 });
      const forged = await bob.client['e2e']
        .groups()
        .encryptContent(dm.id, { placeMove: { placeId: sent.id, lat: 0, lng: 0 } }, crypto.randomUUID());
      await expect(
        bob.client['http'].request('POST', `/api/v1/conversations/${dm.id}/messages`, {
          body: { clientId: crypto.randomUUID(), mls: forged },
        }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(alice.client.locations.update(sent.id, { lat: 91, lng: 0 })).rejects.toMatchObject({ status: 400 });

      const stopped = await alice.client.locations.stop(sent.id);
      expect(Date.parse(stopped.location!.liveUntil!)).toBeLessThanOrEqual(Date.now());
      expect(stopped.location).toMatchObject({ lat: lat + 0.01 });
      await until(
        () => updates.some((m) => m.id === sent.id && Date.parse(m.location!.liveUntil!) <= Date.now()),
        'the stop on bob’s connection',
      );
      // Ended: a move is refused (409), a stop again answers it as it is.
      await expect(alice.client.locations.update(sent.id, { lat, lng })).rejects.toMatchObject({ status: 409, code: 'conflict' });
      expect((await alice.client.locations.stop(sent.id)).location).toEqual(stopped.location);
    } finally {
      bobLive.close();
    }

    // History on both sides: one place, where it was last moved, ended; no move or stop listed.
    for (const c of [bob.client, alice.client]) {
      const items = await listed(c, dm.id);
      expect(items.map((m) => [m.kind, m.location?.lat, m.location?.accuracyM])).toEqual([['location', lat + 0.01, 8]]);
      expect(Date.parse(items[0]!.location!.liveUntil!)).toBeLessThanOrEqual(Date.now());
    }
    // The server saw a place and two edits of it by its author: no coordinate, no end.
    const raw = await bob.client['http'].request<{ items: Message[] }>('GET', `/api/v1/conversations/${dm.id}/messages`, {
      query: { after: 0, limit: 50 },
    });
    const envelopes = raw.items.filter((m) => m.mls === 'application');
    expect(envelopes.every((m) => m.location === undefined && m.body === undefined)).toBe(true);
    expect(envelopes.map((m) => m.relatesTo?.type ?? null)).toEqual([null, 'edit', 'edit']);
    const snapshot = JSON.stringify(await databaseSnapshot(t));
    for (const seen of [String(lat), String(lng), String(lat + 0.01), liveUntil]) expect(snapshot.includes(seen), seen).toBe(false);
  });
});
