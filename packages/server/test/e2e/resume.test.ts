import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, PositionedEvent, ReadyFrame } from '@confab/protocol';
import { type TestServer, RawSocket, api, barrier, registerUser, startServer, until } from '../harness.js';
import { createGroup } from '../factories.js';

/** A small seeded generator, so "random" points are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('resumable sync', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('delivers a 1,000-message burst from two senders exactly once, in seq order, across three server-side cuts', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const group = await createGroup(alice, [bob, carol]);
    const live = carol.client.connect({ minReconnectDelayMs: 20, maxReconnectDelayMs: 100 });
    const seen: Message[] = [];
    live.on('message.created', ({ message }) => seen.push(message));
    await live.ready();

    const random = seeded(20261122);
    const cuts = [0, 1, 2].map(() => 50 + Math.floor(random() * 900)).sort((a, b) => a - b);
    const senders = [alice, bob];
    let sent = 0;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      sends.push(senders[i % 2]!.client.sendMessage(group.id, `m${i}`, `burst-${i}`));
      sent += 1;
      if (cuts.includes(sent)) {
        await Promise.all(sends.splice(0)); // the cut lands mid-burst, after these are stored
        expect(t.server.gateway.terminateUser(carol.id)).toBe(1);
      }
      if (i % 50 === 49) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    await until(() => seen.length >= 1000, 'all 1,000 messages', 30_000);
    await live.settled();
    // A marker sent after the burst is delivered after anything of the burst still on its way.
    const marker = await alice.client.sendMessage(group.id, 'marker', 'burst-marker');
    await until(() => seen.some((m) => m.id === marker.id), 'the marker');
    expect(seen.pop()).toMatchObject({ id: marker.id, seq: 1001 });

    expect(seen).toHaveLength(1000);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(seen.map((m) => m.clientId)).size).toBe(1000);
    live.close();
  }, 60_000);

  it('replays what a socket missed from its cursor, then goes live without a gap or a duplicate at the seam', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const dm = await alice.client.openDirect(bob.id);
    const first = await RawSocket.ready(t.url, bob.token);
    const ready = first.frames[0] as ReadyFrame;
    expect(ready).toMatchObject({ reset: null, heads: { [dm.id]: expect.any(Number) } });
    for (let i = 0; i < 5; i++) await alice.client.sendMessage(dm.id, `before ${i}`);
    await first.next((f) => f.type === 'message.created' && f.message.seq === 5);
    const cursorAfterTwo = `${ready.cursor.split('.')[0]}.${(first.frames.find((f) => f.type === 'message.created' && f.message.seq === 2) as PositionedEvent).pos}`;
    first.close();

    // Sends keep arriving while the next socket replays: each reaches it once, in order.
    const sending = (async () => {
      for (let i = 5; i < 40; i++) await alice.client.sendMessage(dm.id, `during ${i}`);
    })();
    const raw = await RawSocket.open(t.url, bob.token, { query: { since: cursorAfterTwo } });
    await sending;
    await raw.next((f) => f.type === 'message.created' && f.message.seq === 40);
    await barrier(raw); // a duplicate written before the pong has arrived by now
    const seqs = raw.frames.filter((f) => f.type === 'message.created').map((f) => (f as { message: Message }).message.seq);
    expect(seqs).toEqual(Array.from({ length: 38 }, (_, i) => i + 3));
    const readyIndex = raw.frames.findIndex((f) => f.type === 'ready');
    expect(raw.frames.slice(0, readyIndex).every((f) => f.type === 'message.created')).toBe(true);
    raw.close();
  });

  it('says explicitly when a cursor cannot be resumed: another epoch, unreadable, or past the head', async () => {
    const alice = await registerUser(t.url);
    const head = (await api(t.url, 'GET', '/api/v1/sync', { token: alice.token })).body.cursor as string;
    const [epoch, pos] = head.split('.');
    for (const [since, reset] of [
      ['0123456789abcdef.1', 'epoch_mismatch'],
      [`${epoch}.${Number(pos) + 1000}`, 'epoch_mismatch'],
      ['not-a-cursor', 'invalid'],
    ] as const) {
      const raw = await RawSocket.open(t.url, alice.token, { query: { since } });
      const ready = await raw.next<ReadyFrame>((f) => f.type === 'ready');
      expect(ready.reset).toBe(reset);
      expect(ready.cursor).toBe(head);
      raw.close();
      const polled = await api(t.url, 'GET', `/api/v1/sync?since=${encodeURIComponent(since)}&timeout=0`, { token: alice.token });
      expect(polled.status).toBe(200);
      expect(polled.body).toEqual({ events: [], cursor: head, reset });
    }
  });
});

describe('replay window', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ EVENT_RETENTION_SECONDS: '1', EVENT_PRUNE_INTERVAL_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('tells a client further behind than the retention to re-fetch, over WebSocket, long-poll and gap fill', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const dm = await alice.client.openDirect(bob.id);
    const cursor = (await api(t.url, 'GET', '/api/v1/sync', { token: bob.token })).body.cursor as string;
    await alice.client.sendMessage(dm.id, 'soon forgotten by the log');
    // Older than 1 s, and a prune has run since: the long-poll says so.
    const poll = () => api(t.url, 'GET', `/api/v1/sync?since=${cursor}&timeout=0`, { token: bob.token });
    await until(async () => (await poll()).body.reset === 'expired', 'the event to be pruned from the log', 15_000);
    expect((await poll()).body).toMatchObject({ events: [], reset: 'expired' });
    const gap = await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/events?after=0`, { token: bob.token });
    expect(gap.status).toBe(410);
    expect(gap.body.error.code).toBe('cursor_expired');

    const resets: string[] = [];
    const live = bob.client.connect({ cursorStore: { load: () => ({ cursor, conversations: { [dm.id]: 0 } }), save: () => {} } });
    live.onReset((notice) => resets.push(notice.reason));
    await live.ready();
    expect(resets).toEqual(['expired']);
    // The history itself is still there: the client re-fetches it.
    expect((await bob.client.history(dm.id)).items.map((m) => m.body)).toEqual(['soon forgotten by the log']);
    live.close();
  });
});
