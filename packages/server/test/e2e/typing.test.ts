import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventOf, POSITIONED_EVENT_TYPES } from '@confab/protocol';
import { RawSocket, type TestServer, api, barrier, registerUser, startServer, sleep, until } from '../harness.js';
import { createGroup, expectError, freshUsers } from '../factories.js';

type Typing = EventOf<'typing'>;

const typingOf = (socket: RawSocket, userId?: string) =>
  socket.frames.filter((f): f is Typing => f.type === 'typing' && (userId === undefined || f.userId === userId));

/** Sends a typing frame with an id and waits for its ack (the broadcast, if any, is published by then). */
let frameCounter = 0;
async function typing(socket: RawSocket, conversationId: string, value: boolean): Promise<void> {
  const id = `typing-${++frameCounter}`;
  socket.send({ type: 'typing', id, conversationId, typing: value });
  const answer = await socket.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
  expect(answer.type).toBe('ack');
}

describe('typing indicators', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A long expiry here, so nothing stops by itself while these tests look at the throttle.
    t = await startServer({ TYPING_THROTTLE_MS: '300', TYPING_EXPIRE_MS: '30000' });
  });
  afterAll(() => t.close());

  it('reach the other members only: not the typist’s sockets, not a stranger', async () => {
    const [alice, bob, carol, stranger] = await freshUsers(t.url, 4);
    const group = await createGroup(alice, [bob, carol]);
    const [typist, typistOtherDevice, bobSocket, carolSocket, strangerSocket] = await Promise.all([
      RawSocket.ready(t.url, alice.token),
      RawSocket.ready(t.url, alice.token),
      RawSocket.ready(t.url, bob.token),
      RawSocket.ready(t.url, carol.token),
      RawSocket.ready(t.url, stranger.token),
    ]);

    typist.send({ type: 'typing', conversationId: group.id, typing: true });
    const expected = { type: 'typing', conversationId: group.id, userId: alice.id, typing: true };
    expect(await bobSocket.next((f) => f.type === 'typing')).toEqual(expected);
    expect(await carolSocket.next((f) => f.type === 'typing')).toEqual(expected);

    await barrier(typist, typistOtherDevice, strangerSocket, bobSocket);
    expect(typingOf(typist)).toEqual([]);
    expect(typingOf(typistOtherDevice)).toEqual([]);
    expect(typingOf(strangerSocket)).toEqual([]);
    expect(typingOf(bobSocket)).toEqual([expected]);
    // A frame without an id is not answered (no ack, no error).
    expect(typist.frames.filter((f) => f.type === 'ack' || f.type === 'error')).toEqual([]);
    [typist, typistOtherDevice, bobSocket, carolSocket, strangerSocket].forEach((s) => s.close());
  });

  it('works by REST too (204), relayed the same way', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const [aliceSocket, bobSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);

    const started = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/typing`, { token: alice.token, body: { typing: true } });
    expect(started.status).toBe(204);
    expect(started.body).toBeNull();
    expect(await bobSocket.next((f) => f.type === 'typing')).toEqual({
      type: 'typing',
      conversationId: dm.id,
      userId: alice.id,
      typing: true,
    });
    await alice.client.setTyping(dm.id, false);
    expect(await bobSocket.next((f) => f.type === 'typing' && !f.typing)).toEqual({
      type: 'typing',
      conversationId: dm.id,
      userId: alice.id,
      typing: false,
    });
    await barrier(aliceSocket);
    expect(typingOf(aliceSocket)).toEqual([]);

    const invalid = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/typing`, { token: alice.token, body: { typing: 'yes' } });
    expectError(invalid, 400, 'validation_failed');
    const unauthenticated = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/typing`, { body: { typing: true } });
    expectError(unauthenticated, 401, 'unauthenticated');
    [aliceSocket, bobSocket].forEach((s) => s.close());
  });

  it('refuses a non-member: an error frame over WebSocket, 404 over REST, and nothing is relayed', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    const dm = await alice.client.openDirect(bob.id);
    const [bobSocket, strangerSocket] = await Promise.all([RawSocket.ready(t.url, bob.token), RawSocket.ready(t.url, stranger.token)]);

    strangerSocket.send({ type: 'typing', id: 'intrude', conversationId: dm.id, typing: true });
    expect(await strangerSocket.next((f) => f.type === 'error')).toMatchObject({ id: 'intrude', error: { code: 'not_found' } });
    strangerSocket.send({ type: 'typing', conversationId: dm.id, typing: true });
    expect(await strangerSocket.next((f) => f.type === 'error' && f.id === null)).toMatchObject({ error: { code: 'not_found' } });
    const rest = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/typing`, { token: stranger.token, body: { typing: true } });
    expectError(rest, 404, 'not_found');
    expectError(
      await api(t.url, 'POST', `/api/v1/conversations/${crypto.randomUUID()}/typing`, { token: alice.token, body: { typing: true } }),
      404,
      'not_found',
    );

    await barrier(bobSocket);
    expect(typingOf(bobSocket)).toEqual([]);
    [bobSocket, strangerSocket].forEach((s) => s.close());
  });

  it('are throttled: ten frames in a burst make one broadcast, one more after the window makes a second', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const [aliceSocket, bobSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);

    const burstStart = Date.now();
    const ids = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    for (const id of ids) aliceSocket.send({ type: 'typing', id, conversationId: dm.id, typing: true });
    const sentIn = Date.now() - burstStart;
    expect(sentIn).toBeLessThan(100);
    await Promise.all(ids.map((id) => aliceSocket.next((f) => f.type === 'ack' && f.id === id)));
    await bobSocket.next((f) => f.type === 'typing');
    const firstSeenAt = Date.now();
    await barrier(bobSocket); // every broadcast for the burst was published before its acks
    expect(typingOf(bobSocket, alice.id)).toHaveLength(1);

    // The window is counted from the first broadcast, which happened before Bob saw it.
    await sleep(Math.max(0, firstSeenAt + 400 - Date.now()));
    await typing(aliceSocket, dm.id, true);
    await bobSocket.next((f) => f.type === 'typing', 5000);
    await barrier(bobSocket);
    expect(typingOf(bobSocket, alice.id).map((e) => e.typing)).toEqual([true, true]);
    [aliceSocket, bobSocket].forEach((s) => s.close());
  });

  it('stop at once when the typist says so, and start again at once after that', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const [aliceSocket, bobSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);

    await typing(aliceSocket, dm.id, true);
    const stoppedAt = Date.now();
    await typing(aliceSocket, dm.id, false);
    await bobSocket.next((f) => f.type === 'typing' && !f.typing, 5000);
    // Far sooner than the 30 s expiry: the stop is broadcast as it arrives.
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    // A stop when not typing is not news.
    await typing(aliceSocket, dm.id, false);
    await typing(aliceSocket, dm.id, true);
    await barrier(bobSocket);
    expect(typingOf(bobSocket, alice.id).map((e) => e.typing)).toEqual([true, false, true]);
    [aliceSocket, bobSocket].forEach((s) => s.close());
  });

  it('are never stored: the long-poll log holds positioned events only', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const before = (await api(t.url, 'GET', '/api/v1/sync', { token: bob.token })).body.cursor as string;
    const [aliceSocket, bobSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);

    await typing(aliceSocket, dm.id, true);
    await bobSocket.next((f) => f.type === 'typing' && f.typing);
    await alice.client.setTyping(dm.id, false);
    await bobSocket.next((f) => f.type === 'typing' && !f.typing);
    await alice.client.sendMessage(dm.id, 'after typing');

    const polled = await api(t.url, 'GET', `/api/v1/sync?since=${encodeURIComponent(before)}&timeout=0`, { token: bob.token });
    expect(polled.status).toBe(200);
    const events = polled.body.events as { type: string; pos: number }[];
    expect(events.map((e) => e.type)).toEqual(['message.created']);
    for (const event of events) {
      expect(POSITIONED_EVENT_TYPES).toContain(event.type);
      expect(event.pos).toEqual(expect.any(Number));
    }
    const gapFill = await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/events?after=0`, { token: bob.token });
    expect(gapFill.body.events.some((e: { type: string }) => e.type === 'typing')).toBe(false);
    [aliceSocket, bobSocket].forEach((s) => s.close());
  });
});

describe('typing expiry', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ TYPING_THROTTLE_MS: '300', TYPING_EXPIRE_MS: '500' });
  });
  afterAll(() => t.close());

  it('ends an indicator that is not refreshed by itself, with a typing:false broadcast', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const dm = await alice.client.openDirect(bob.id);
    const [aliceSocket, bobSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);

    const sentAt = Date.now();
    aliceSocket.send({ type: 'typing', conversationId: dm.id, typing: true });
    await bobSocket.next((f) => f.type === 'typing' && f.typing);
    const stopped = await bobSocket.next((f) => f.type === 'typing' && !f.typing, 10_000);
    const after = Date.now() - sentAt;
    expect(stopped).toEqual({ type: 'typing', conversationId: dm.id, userId: alice.id, typing: false });
    expect(after).toBeGreaterThanOrEqual(450); // not before the expiry (timers may fire a hair early)
    expect(after).toBeLessThan(8000);
    await barrier(aliceSocket, bobSocket);
    expect(typingOf(bobSocket).map((e) => e.typing)).toEqual([true, false]);
    expect(typingOf(aliceSocket)).toEqual([]);
    [aliceSocket, bobSocket].forEach((s) => s.close());
  });

  it('reaches the SDK as changes of who is typing, an indicator ending by itself included', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const dm = await alice.client.openDirect(bob.id);
    // Bob's SDK ends indicators sooner than the server's expiry: the change comes from its own timer.
    const inbox = bob.client.connect({ typingExpireMs: 100 });
    const changes: string[][] = [];
    inbox.onTypingChange((conversationId, userIds) => {
      if (conversationId === dm.id) changes.push(userIds);
    });
    await inbox.ready();
    const aliceSocket = await RawSocket.ready(t.url, alice.token);
    aliceSocket.send({ type: 'typing', conversationId: dm.id, typing: true });
    await until(() => changes.length >= 2, 'typing to start and end');
    expect(changes.slice(0, 2)).toEqual([[alice.id], []]);
    expect(inbox.typingIn(dm.id)).toEqual([]);
    aliceSocket.close();
    inbox.close();
  });

  it('keeps an indicator that is refreshed alive past the expiry', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const dm = await alice.client.openDirect(bob.id);
    const [aliceSocket, bobSocket] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);

    // Refreshed every ~100 ms for ~1 s: two expiries' worth.
    const end = Date.now() + 1000;
    let last = Date.now();
    let longestGap = 0;
    while (Date.now() < end) {
      await typing(aliceSocket, dm.id, true);
      longestGap = Math.max(longestGap, Date.now() - last);
      last = Date.now();
      await sleep(100);
    }
    await typing(aliceSocket, dm.id, false);
    await bobSocket.next((f) => f.type === 'typing' && !f.typing);
    await barrier(bobSocket);
    const seen = typingOf(bobSocket, alice.id).map((e) => e.typing);
    // Throttled refreshes (one per 300 ms at most), then a single stop at the end...
    expect(seen.at(-1)).toBe(false);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(7);
    // ...and no stop in between, unless this machine stalled a refresh close to the expiry.
    if (longestGap < 400) expect(seen.slice(0, -1).every((v) => v)).toBe(true);
    [aliceSocket, bobSocket].forEach((s) => s.close());
  });
});
