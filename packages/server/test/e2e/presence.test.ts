import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Presence } from '@confab/protocol';
import { loadConfig } from '../../src/config.js';
import { type ConfabServer, createServer, openStore } from '../../src/server.js';
import type { Store } from '../../src/store/store.js';
import { RawSocket, type TestServer, type TestUser, api, startServer, until, sleep, barrier } from '../harness.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { type PresenceEvent, presenceEvents, presenceScene } from '../presence-scene.js';
import { redisService, requireService } from '../services.js';

const presenceOf = (url: string, viewer: TestUser, userId: string) =>
  api(url, 'GET', `/api/v1/users/${userId}/presence`, { token: viewer.token });

/** Polls the presence endpoint until the user's online flag is `online`; returns that answer. */
async function waitForPresence(url: string, viewer: TestUser, userId: string, online: boolean): Promise<Presence> {
  let last: Presence | undefined;
  await until(
    async () => {
      const answer = await presenceOf(url, viewer, userId);
      expect(answer.status).toBe(200);
      last = answer.body as Presence;
      return last.online === online;
    },
    `${userId} to be ${online ? 'online' : 'offline'}`,
  );
  return last!;
}

/**
 * Watches a node's presence service (the real one: the spies call through), so a test can wait
 * until the server has finished with the socket closes it caused instead of sleeping.
 */
function watchPresence(server: ConfabServer) {
  const disconnected = vi.spyOn(server.services.presence.presence, 'disconnected');
  return {
    /** Resolves once the node has handled `count` closes of the user's sockets. */
    async closesHandled(userId: string, count = 1): Promise<void> {
      await until(() => disconnected.mock.calls.filter(([user]) => user === userId).length >= count, `${count} closes of ${userId}`);
      await Promise.all(disconnected.mock.results.map((result) => result.value as Promise<void>));
    },
  };
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
  let watch: ReturnType<typeof watchPresence>;
  beforeAll(async () => {
    // No grace period, so each test sees every transition (the grace period has its own tests).
    t = await startServer({ WS_PING_INTERVAL_MS: '200', PRESENCE_OFFLINE_GRACE_MS: '0' });
    watch = watchPresence(t.server);
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
    await watch.closesHandled(bob.id);
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
    await watch.closesHandled(bob.id);
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
    const setLastSeen = store.users.setLastSeen.bind(store.users);
    const spy = vi.spyOn(store.users, 'setLastSeen').mockImplementation(async (entries) => {
      if (entries.some((entry) => entry.userId === bob.id)) await sleep(500);
      return setLastSeen(entries);
    });
    try {
      first.close();
      await until(
        () => spy.mock.calls.some(([entries]) => entries.some((entry) => entry.userId === bob.id)),
        'the server to record Bob leaving',
      );
      const second = await RawSocket.ready(t.url, bob.token);
      await until(() => presenceEvents(aliceSocket, bob.id).length >= 3, 'three presence events about Bob');
      await watch.closesHandled(bob.id); // all the server does about the close has been written out…
      await barrier(aliceSocket); // …and has arrived
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
  const graceMs = 1500;
  let t: TestServer;
  let watch: ReturnType<typeof watchPresence>;
  beforeAll(async () => {
    t = await startServer({ PRESENCE_OFFLINE_GRACE_MS: String(graceMs) });
    watch = watchPresence(t.server);
  });
  afterAll(() => t.close());

  it('announces nothing for a reconnect within the grace period, and offline once it has passed', async () => {
    const { alice, bob, carol, watcher, bobSocket: first, carolSocket: marker } = await presenceScene(t.url);

    first.close();
    await watch.closesHandled(bob.id);
    const second = await RawSocket.ready(t.url, bob.token); // back at once: a blip
    // Carol leaves after Bob came back: her grace period ends after his, so her offline
    // announcement comes after any (wrong) one about Bob.
    marker.close();
    await marker.closed;
    await watcher.next((f) => f.type === 'presence' && f.userId === carol.id && !f.online, graceMs + 10_000);
    expect(presenceEvents(watcher, bob.id).map((e) => e.online)).toEqual([true]);
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });

    const closedAt = Date.now();
    second.close();
    await until(() => presenceEvents(watcher, bob.id).length === 2, 'bob offline');
    const offline = presenceEvents(watcher, bob.id)[1]!;
    expect(offline.online).toBe(false);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(graceMs - 50);
    expect(Date.parse(offline.lastSeenAt!)).toBeLessThan(closedAt + 300); // when the socket closed, not when announced
    watcher.close();
  });

  it('says online in REST while contacts were told nothing, then offline with the lastSeenAt they were told', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    const watcher = await RawSocket.ready(t.url, alice.token);
    const socket = await RawSocket.ready(t.url, bob.token);
    await watcher.next((f) => f.type === 'presence' && f.userId === bob.id && f.online);

    const closedAt = Date.now();
    socket.close();
    await watch.closesHandled(bob.id);
    const during = await presenceOf(t.url, alice, bob.id);
    const told = presenceEvents(watcher, bob.id).map((e) => e.online);
    expect(Date.now() - closedAt, 'the check ran within the grace period').toBeLessThan(graceMs);
    expect(told).toEqual([true]);
    expect(during.body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });
    expect((await presenceOf(t.url, bob, bob.id)).body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });

    const offline = await watcher.next<PresenceEvent>((f) => f.type === 'presence' && f.userId === bob.id && !f.online, graceMs + 10_000);
    expect(Date.parse(offline.lastSeenAt!)).toBeGreaterThanOrEqual(closedAt);
    expect(Date.parse(offline.lastSeenAt!)).toBeLessThan(closedAt + 300);
    expect((await presenceOf(t.url, alice, bob.id)).body).toEqual({ userId: bob.id, online: false, lastSeenAt: offline.lastSeenAt });
    watcher.close();
  });
});

const describeRedis = await requireService(redisService);

/** Two nodes in one process sharing one store and Redis (bus and presence), as behind a balancer. */
describeRedis('presence grace period across two nodes', () => {
  const graceMs = 1500;
  let dataDir: string;
  let store: Store;
  let nodes: [ConfabServer, ConfabServer];
  let urls: [string, string];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'confab-presence-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
      REDIS_URL: redisService.url,
      REDIS_CHANNEL_PREFIX: `confab-test:${randomUUID()}:`,
      PRESENCE_OFFLINE_GRACE_MS: String(graceMs),
    });
    store = await openStore(config);
    // Each node closes what it was given; the test closes the shared store once, at the end.
    const shared = Object.create(store, { close: { value: () => Promise.resolve() } }) as Store;
    nodes = [await createServer(config, { store: shared }), await createServer(config, { store: shared })];
    urls = (await Promise.all(nodes.map((node) => node.listen()))) as [string, string];
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says online on the other node during the grace period, then offline with what contacts were told', async () => {
    const [a, b] = urls;
    const watchA = watchPresence(nodes[0]);
    const [alice, bob] = await freshUsers(a, 2);
    await alice.client.openDirect(bob.id);
    const watcher = await RawSocket.ready(b, alice.token);
    const socket = await RawSocket.ready(a, bob.token);
    await watcher.next((f) => f.type === 'presence' && f.userId === bob.id && f.online);

    const closedAt = Date.now();
    socket.close();
    await watchA.closesHandled(bob.id);
    const during = await presenceOf(b, alice, bob.id);
    expect(Date.now() - closedAt, 'the check ran within the grace period').toBeLessThan(graceMs);
    expect(presenceEvents(watcher, bob.id).map((e) => e.online)).toEqual([true]);
    expect(during.body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });

    const offline = await watcher.next<PresenceEvent>((f) => f.type === 'presence' && f.userId === bob.id && !f.online, graceMs + 10_000);
    expect(Date.parse(offline.lastSeenAt!)).toBeLessThan(closedAt + 300);
    for (const url of urls)
      expect((await presenceOf(url, alice, bob.id)).body).toEqual({ userId: bob.id, online: false, lastSeenAt: offline.lastSeenAt });
    watcher.close();
  });

  it('announces nothing when a user leaves one node and comes back on the other within the grace period', async () => {
    const [a, b] = urls;
    const watchA = watchPresence(nodes[0]);
    const [alice, bob, carol] = await freshUsers(a, 3);
    await createGroup(alice, [bob, carol]);
    const watcher = await RawSocket.ready(b, alice.token);
    const first = await RawSocket.ready(a, bob.token);
    const marker = await RawSocket.ready(a, carol.token);
    await until(
      () => presenceEvents(watcher, bob.id).length === 1 && presenceEvents(watcher, carol.id).length === 1,
      'bob and carol online',
    );

    first.close();
    await watchA.closesHandled(bob.id);
    const second = await RawSocket.ready(b, bob.token);
    // Carol leaves node A after Bob came back on B: her offline announcement comes after any about Bob.
    marker.close();
    await watcher.next((f) => f.type === 'presence' && f.userId === carol.id && !f.online, graceMs + 10_000);
    expect(presenceEvents(watcher, bob.id).map((e) => e.online)).toEqual([true]);
    for (const url of urls) expect((await presenceOf(url, alice, bob.id)).body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });
    second.close();
    watcher.close();
  });
});
