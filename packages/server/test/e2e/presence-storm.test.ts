import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '@confab/protocol';
import { RawSocket, type TestServer, sleep, startServer, until } from '../harness.js';
import { createGroup, freshUsers } from '../factories.js';

type PresenceEvent = EventOf<'presence'>;

const presenceEvents = (socket: RawSocket, userId: string) =>
  socket.frames.filter((f): f is PresenceEvent => f.type === 'presence' && f.userId === userId);

/** A reconnect storm: handshakes keep arriving, and a user's may come after the grace period. */
describe('presence in a reconnect storm', () => {
  const graceMs = 600;
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ PRESENCE_OFFLINE_GRACE_MS: String(graceMs) });
  });
  afterAll(() => t.close());

  it('announces nothing for a user back after the grace period while handshakes were still arriving', async () => {
    const [alice, bob, carol, dave] = await freshUsers(t.url, 4);
    await createGroup(alice, [bob, carol]);
    const watcher = await RawSocket.ready(t.url, alice.token);
    const first = await RawSocket.ready(t.url, bob.token);
    const marker = await RawSocket.ready(t.url, carol.token);
    await until(
      () => presenceEvents(watcher, bob.id).length === 1 && presenceEvents(watcher, carol.id).length === 1,
      'bob and carol online',
    );

    first.close();
    await first.closed;
    // Other users' handshakes, one every 100 ms, for well past Bob's grace period.
    const stopAt = Date.now() + graceMs * 2;
    while (Date.now() < stopAt) {
      const other = await RawSocket.ready(t.url, dave.token);
      other.close();
      await sleep(100);
    }
    const second = await RawSocket.ready(t.url, bob.token);
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
