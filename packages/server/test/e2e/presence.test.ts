import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventOf, Presence } from '@confab/protocol';
import { RawSocket, type TestServer, type TestUser, api, startServer, until, sleep, barrier } from '../harness.js';
import { createGroup, expectError, freshUsers } from '../factories.js';


type PresenceEvent = EventOf<'presence'>;


const presenceOf = (url: string, viewer: TestUser, userId: string) =>
  api(url, 'GET', `/api/v1/users/${userId}/presence`, { token: viewer.token });
const presenceEvents = (socket: RawSocket, userId?: string) =>
  socket.frames.filter((f): f is PresenceEvent => f.type === 'presence' && (userId === undefined || f.userId === userId));

/** Polls the presence endpoint until the user's online flag is `online`; returns that answer. */
async function waitForPresence(url: string, viewer: TestUser, userId: string, online: boolean): Promise<Presence> {
  let last: Presence | undefined;
  await until(async () => {
    const answer = await presenceOf(url, viewer, userId);
    expect(answer.status).toBe(200);
    last = answer.body as Presence;
    return last.online === online;
  }, `${userId} to be ${online ? 'online' : 'offline'}`);
  return last!;
}

/** A `lastSeenAt` that is an ISO 8601 timestamp within the test's own lifetime. */
function expectRecent(lastSeenAt: string | null, since: number): void {
  expect(lastSeenAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const at = Date.parse(lastSeenAt!);
  expect(at).toBeGreaterThanOrEqual(since - 1000);
  expect(at).toBeLessThanOrEqual(Date.now() + 1000);
}


describe('presence', () => {
  let t: TestServer;
  beforeAll(async () => {
    // No grace period, so each test sees every transition (the grace period has its own test).
    t = await startServer({ WS_PING_INTERVAL_MS: '200', PRESENCE_OFFLINE_GRACE_MS: '0' });
  });
  afterAll(() => t.close());

  it('is online while any socket of the user is open, and offline with a recent lastSeenAt after the last closes', async () => {
    const started = Date.now();
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: false, lastSeenAt: null });

    const phone = await RawSocket.ready(t.url, bob.token);
    const laptop = await RawSocket.ready(t.url, bob.token);
    expect(await waitForPresence(t.url, alice, bob.id, true)).toEqual({ userId: bob.id, online: true, lastSeenAt: null });

    phone.close();
    await phone.closed;
    await sleep(300); // time for the server to handle the close
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });

    laptop.close();
    const offline = await waitForPresence(t.url, alice, bob.id, false);
    expect(offline.userId).toBe(bob.id);
    expectRecent(offline.lastSeenAt, started);
    // The user sees the same of themselves.
    expect((await presenceOf(t.url, bob, bob.id)).body).toEqual(offline);

    // Back online: lastSeenAt is null again while connected.
    const again = await RawSocket.ready(t.url, bob.token);
    expect(await waitForPresence(t.url, alice, bob.id, true)).toEqual({ userId: bob.id, online: true, lastSeenAt: null });
    again.close();
    await waitForPresence(t.url, alice, bob.id, false);
  });

  it('is announced live to users who share a conversation, and to nobody else', async () => {
    const started = Date.now();
    const [alice, bob, carol, stranger] = await freshUsers(t.url, 4);
    await alice.client.openDirect(bob.id);
    await createGroup(carol, [bob]);
    const [aliceSocket, carolSocket, strangerSocket] = await Promise.all([
      RawSocket.ready(t.url, alice.token),
      RawSocket.ready(t.url, carol.token),
      RawSocket.ready(t.url, stranger.token),
    ]);

    const phone = await RawSocket.ready(t.url, bob.token);
    const online = { type: 'presence', userId: bob.id, online: true, lastSeenAt: null };
    expect(await aliceSocket.next((f) => f.type === 'presence' && f.userId === bob.id)).toEqual(online);
    expect(await carolSocket.next((f) => f.type === 'presence' && f.userId === bob.id)).toEqual(online);

    // A second device is not news, nor is closing one of two.
    const laptop = await RawSocket.ready(t.url, bob.token);
    laptop.close();
    await laptop.closed;
    await sleep(300);
    phone.close();
    const offline = await aliceSocket.next<PresenceEvent>((f) => f.type === 'presence' && f.userId === bob.id && !f.online);
    expect(offline).toEqual({ type: 'presence', userId: bob.id, online: false, lastSeenAt: expect.any(String) });
    expectRecent(offline.lastSeenAt, started);
    expect(await carolSocket.next((f) => f.type === 'presence' && f.userId === bob.id && !f.online)).toEqual(offline);
    expect(presenceEvents(aliceSocket, bob.id)).toEqual([online, offline]);
    // What REST says matches the event.
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: false, lastSeenAt: offline.lastSeenAt });

    await barrier(strangerSocket);
    expect(presenceEvents(strangerSocket)).toEqual([]);
    expectError(await presenceOf(t.url, stranger, bob.id), 404, 'not_found');
    expectError(await presenceOf(t.url, stranger, crypto.randomUUID()), 404, 'not_found');
    expectError(await api(t.url, 'GET', `/api/v1/users/${bob.id}/presence`), 401, 'unauthenticated');
    [aliceSocket, carolSocket, strangerSocket].forEach((s) => s.close());
  });

  it('hides lastSeenAt from others, in REST and events, when the user asks, but not from the user', async () => {
    const started = Date.now();
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    const hidden = await api(t.url, 'PATCH', '/api/v1/users/me', { token: bob.token, body: { hideLastSeen: true } });
    expect(hidden.status).toBe(200);
    expect(hidden.body.hideLastSeen).toBe(true);
    const aliceSocket = await RawSocket.ready(t.url, alice.token);

    const bobSocket = await RawSocket.ready(t.url, bob.token);
    await aliceSocket.next((f) => f.type === 'presence' && f.userId === bob.id && f.online);
    bobSocket.close();
    const offline = await aliceSocket.next((f) => f.type === 'presence' && f.userId === bob.id && !f.online);
    expect(offline).toEqual({ type: 'presence', userId: bob.id, online: false, lastSeenAt: null });

    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: false, lastSeenAt: null });
    const own = (await presenceOf(t.url, bob, bob.id)).body as Presence;
    expect(own).toMatchObject({ userId: bob.id, online: false });
    expectRecent(own.lastSeenAt, started);

    // Shown again once the user changes their mind.
    await bob.client.updateMe({ hideLastSeen: false });
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual(own);
    aliceSocket.close();
  });

  it('announces a quick reconnect in the order it happened, even while going offline is slow to record', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    const aliceSocket = await RawSocket.ready(t.url, alice.token);
    const first = await RawSocket.ready(t.url, bob.token);
    await aliceSocket.next((f) => f.type === 'presence' && f.userId === bob.id && f.online);

    // Recording Bob's lastSeenAt takes a while (a busy database); he reconnects meanwhile.
    const store = t.server.services.store;
    const setLastSeen = store.setLastSeen.bind(store);
    const spy = vi.spyOn(store, 'setLastSeen').mockImplementation(async (userId, at) => {
      if (userId === bob.id) await sleep(500);
      return setLastSeen(userId, at);
    });
    try {
      first.close();
      await until(() => spy.mock.calls.some(([userId]) => userId === bob.id), 'the server to record Bob leaving');
      const second = await RawSocket.ready(t.url, bob.token);
      await until(() => presenceEvents(aliceSocket, bob.id).length >= 3, 'three presence events about Bob');
      await sleep(300);
      await barrier(aliceSocket);
      // Offline, then online again: never left looking offline while connected.
      expect(presenceEvents(aliceSocket, bob.id).map((e) => e.online)).toEqual([true, false, true]);
      expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });
      second.close();
      await until(() => presenceEvents(aliceSocket, bob.id).length === 4, 'Bob to go offline');
      expect(presenceEvents(aliceSocket, bob.id)[3]).toMatchObject({ online: false, lastSeenAt: expect.any(String) });
    } finally {
      spy.mockRestore();
      aliceSocket.close();
    }
  });

  it('reaps a connection that stops answering pings, and the user goes offline', async () => {
    const started = Date.now();
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    const aliceSocket = await RawSocket.ready(t.url, alice.token);
    const bobSocket = await RawSocket.ready(t.url, bob.token);
    await aliceSocket.next((f) => f.type === 'presence' && f.userId === bob.id && f.online);
    await waitForPresence(t.url, alice, bob.id, true);

    // The peer goes silent, as a dead network would: nothing it receives is read, so no pong.
    (bobSocket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const offline = await aliceSocket.next<PresenceEvent>((f) => f.type === 'presence' && f.userId === bob.id && !f.online, 15_000);
    expectRecent(offline.lastSeenAt, started);
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: false, lastSeenAt: offline.lastSeenAt });
    bobSocket.ws.terminate();
    aliceSocket.close();
  });
});

describe('presence grace period', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ PRESENCE_OFFLINE_GRACE_MS: '600' });
  });
  afterAll(() => t.close());

  it('announces nothing for a reconnect within the grace period, and offline once it has passed', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    const watcher = await RawSocket.ready(t.url, alice.token);
    const first = await RawSocket.ready(t.url, bob.token);
    await until(() => presenceEvents(watcher, bob.id).length === 1, 'bob online');

    first.close();
    await first.closed;
    const second = await RawSocket.ready(t.url, bob.token); // back at once: a blip
    await sleep(1000); // well past the grace period
    await barrier(watcher);
    expect(presenceEvents(watcher, bob.id).map((e) => e.online)).toEqual([true]);
    expect((await presenceOf(t.url, alice, bob.id)).body.online).toBe(true);

    const closedAt = Date.now();
    second.close();
    await until(() => presenceEvents(watcher, bob.id).length === 2, 'bob offline');
    const offline = presenceEvents(watcher, bob.id)[1]!;
    expect(offline.online).toBe(false);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(550);
    expect(Date.parse(offline.lastSeenAt!)).toBeLessThan(closedAt + 300); // when the socket closed, not when announced
    watcher.close();
  });
});
