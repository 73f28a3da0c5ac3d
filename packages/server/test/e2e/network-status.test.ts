import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState, NetworkStatus } from '@confab/client';
import { type TestServer, historyOf, registerUser, startServer, until } from '../harness.js';

/** The device's network as the SDK hears of it, switched by the test (in a browser: window's online/offline events). */
class SwitchableNetwork implements NetworkStatus {
  private readonly listeners = new Set<(online: boolean) => void>();
  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(online: boolean): void {
    for (const listener of this.listeners) listener(online);
  }
}

describe('the realtime connection and the device network', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('drops its socket when the network goes, and reconnects the moment it returns, sending what waited once', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const dm = await alice.client.openDirect(bob.id);
    const network = new SwitchableNetwork();
    // A backoff far longer than the test: only the online signal can bring it back in time.
    const connection = alice.client.connect({ network, minReconnectDelayMs: 120_000, maxReconnectDelayMs: 120_000 });
    const states: ConnectionState[] = [];
    connection.onStateChange((state) => states.push(state));
    await connection.ready();

    network.set(false);
    expect(connection.state).toBe('reconnecting');
    const sent = connection.send(dm.id, 'typed while offline', 'offline-client-id');
    network.set(true);
    const message = await sent;
    expect(message.clientId).toBe('offline-client-id');
    await until(() => connection.state === 'open', 'the connection to open again');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    expect((await historyOf(bob.client, dm.id)).filter((m) => m.clientId === 'offline-client-id')).toHaveLength(1);
    connection.close();
  });

  it('ignores the network once closed', async () => {
    const alice = await registerUser(t.url);
    const network = new SwitchableNetwork();
    const connection = alice.client.connect({ network });
    await connection.ready();
    connection.close();
    network.set(false);
    network.set(true);
    expect(connection.state).toBe('closed');
  });
});
