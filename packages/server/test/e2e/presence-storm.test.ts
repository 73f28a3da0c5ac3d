import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket, type TestServer, sleep, startServer } from '../harness.js';
import { type PresenceEvent, presenceEvents, presenceScene } from '../presence-scene.js';

/** A reconnect storm: handshakes keep arriving, and a user's may come after the grace period. */
describe('presence in a reconnect storm', () => {
  const graceMs = 600;
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ PRESENCE_OFFLINE_GRACE_MS: String(graceMs) });
  });
  afterAll(() => t.close());

  it('announces nothing for a user back after the grace period while handshakes were still arriving', async () => {
    const { bob, carol, others, watcher, bobSocket: first, carolSocket: marker } = await presenceScene(t.url, 1);
    const dave = others[0]!;

    first.close();
    await first.closed;
    // Other users' handshakes, one begun every 50 ms for well past Bob's grace period, each without
    // waiting for the one before: on a loaded machine a handshake can take longer than the quiet
    // the server waits for (a quarter of the grace), and waiting for each opened such gaps.
    const stopAt = Date.now() + graceMs * 2;
    const storm: Promise<void>[] = [];
    while (Date.now() < stopAt) {
      storm.push(RawSocket.ready(t.url, dave.token).then((other) => other.close()));
      await sleep(50);
    }
    const second = await RawSocket.ready(t.url, bob.token);
    await Promise.all(storm);
    // Carol leaves after Bob came back: her offline announcement comes after any (wrong) one about Bob.
    marker.close();
    await watcher.next((f) => f.type === 'presence' && f.userId === carol.id && !f.online, graceMs * 10 + 10_000);
    expect(presenceEvents(watcher, bob.id).map((e) => e.online)).toEqual([true]);

    // Once nobody is arriving, a departure is announced as before.
    second.close();
    const offline = await watcher.next<PresenceEvent>(
      (f) => f.type === 'presence' && f.userId === bob.id && !f.online,
      graceMs * 10 + 10_000,
    );
    expect(offline.online).toBe(false);
    watcher.close();
  });
});
