import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message, ServerEvent } from '@confab/protocol';
import type { BusEvent, BusHandler, EventBus } from '../../src/bus/bus.js';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { RawSocket, barrier, registerUser, until } from '../harness.js';
import { createGroup } from '../factories.js';
import { scrape } from '../scrape.js';

/**
 * Pub/sub is at most once (Redis drops what it cannot deliver). This bus loses the events a test
 * chooses, for real, and can announce a resync as the Redis bus does after reconnecting.
 */
class LossyBus implements EventBus {
  readonly lossless = false;
  private readonly inner = new MemoryBus();
  private readonly resyncListeners: (() => void)[] = [];
  drop: (event: ServerEvent) => boolean = () => false;
  dropped = 0;

  publish(topics: readonly string[], event: ServerEvent): Promise<void> {
    if (this.drop(event)) {
      this.dropped += 1;
      return Promise.resolve();
    }
    return this.inner.publish(topics, event);
  }
  /** Like a Redis round trip: a subscription takes hold only after this long. */
  subscribeDelayMs = 0;

  async subscribe<E extends BusEvent = ServerEvent>(topic: string, handler: BusHandler<E>): Promise<void> {
    if (this.subscribeDelayMs > 0) await new Promise((r) => setTimeout(r, this.subscribeDelayMs));
    return this.inner.subscribe(topic, handler);
  }
  async subscribeAll<E extends BusEvent = ServerEvent>(topics: readonly string[], handler: BusHandler<E>): Promise<void> {
    if (this.subscribeDelayMs > 0) await new Promise((r) => setTimeout(r, this.subscribeDelayMs));
    return this.inner.subscribeAll(topics, handler);
  }
  unsubscribe(topic: string): Promise<void> {
    return this.inner.unsubscribe(topic);
  }
  unsubscribeAll(topics: readonly string[]): Promise<void> {
    return this.inner.unsubscribeAll(topics);
  }
  onResync(listener: () => void): void {
    this.resyncListeners.push(listener);
  }
  resync(): void {
    for (const listener of this.resyncListeners) listener();
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A real server on a random port whose bus is `bus`. */
async function serveWith(bus: EventBus, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-lossy-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const server = await createServer(config, { bus });
  return {
    url: await server.listen(),
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('a bus that loses events', () => {
  let url: string;
  let close: () => Promise<void>;
  const bus = new LossyBus();
  beforeAll(async () => {
    // The periodic live check is slowed right down here, to show the other two mechanisms alone.
    ({ url, close } = await serveWith(bus, { LIVE_CHECK_INTERVAL_MS: '600000' }));
  });
  afterAll(() => close());

  it('costs a delay, never a message, through the SDK', async () => {
    const [alice, bob] = await Promise.all([registerUser(url), registerUser(url)]);
    const group = await createGroup(alice, [bob]);
    const live = bob.client.connect();
    const seen: Message[] = [];
    live.on('message.created', ({ message }) => seen.push(message));
    await live.ready();

    bus.drop = (event) => event.type === 'message.created' && event.message.seq % 7 === 3;
    for (let i = 1; i <= 60; i++) await alice.client.sendMessage(group.id, `m${i}`);
    bus.drop = () => false;
    await until(() => seen.length >= 60, '60 messages');
    await live.settled();
    expect(bus.dropped).toBeGreaterThanOrEqual(8);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    live.close();
  });

  it('catches up a conversation the user joined, whose events came before the node subscribed to it', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(url), registerUser(url), registerUser(url)]);
    const group = await createGroup(alice, [carol]);
    const live = bob.client.connect();
    const seen: string[] = [];
    live.on('message.created', ({ message }) => seen.push(message.body ?? ''));
    await live.ready();
    bus.subscribeDelayMs = 200;
    try {
      await alice.client.addMember(group.id, bob.id);
      await alice.client.sendMessage(group.id, 'right after the join'); // bob's socket is not subscribed yet
      // The system message recording the join (body ''), then the message.
      await until(() => seen.length === 2, 'the message sent in the subscription window');
      expect(seen).toEqual(['', 'right after the join']);
    } finally {
      bus.subscribeDelayMs = 0;
      live.close();
    }
  });

  it('recovers a lost last event when the bus reports a resync', async () => {
    const [alice, bob] = await Promise.all([registerUser(url), registerUser(url)]);
    const dm = await alice.client.openDirect(bob.id);
    const live = bob.client.connect();
    const seen: Message[] = [];
    live.on('message.created', ({ message }) => seen.push(message));
    await live.ready();
    await alice.client.sendMessage(dm.id, 'delivered');
    bus.drop = (event) => event.type === 'message.created';
    await alice.client.sendMessage(dm.id, 'lost on the bus');
    bus.drop = () => false;
    await until(() => seen.length === 1, 'the first message');
    // A later message elsewhere arrives and is handled: the DM's gap has no event after it to show it.
    const elsewhere = await alice.client.createGroup('elsewhere', [bob.id]);
    await alice.client.sendMessage(elsewhere.id, 'elsewhere');
    await until(() => seen.some((m) => m.conversationId === elsewhere.id), 'the message elsewhere');
    await live.settled();
    expect(seen.filter((m) => m.conversationId === dm.id).map((m) => m.body)).toEqual(['delivered']); // nothing later reveals the gap…

    bus.resync(); // …until the bus says it may have lost something
    await until(() => seen.filter((m) => m.conversationId === dm.id).length === 2, 'the lost message');
    expect(seen.filter((m) => m.conversationId === dm.id).map((m) => m.body)).toEqual(['delivered', 'lost on the bus']);
    live.close();
  });
});

/** The message bodies a raw socket (no SDK: no gap detection, no fetching) has received, in order. */
const bodiesOn = (socket: RawSocket) =>
  socket.frames.filter((f): f is EventOf<'message.created'> => f.type === 'message.created').map((f) => f.message.body);

describe('a bus that loses events, for a raw WebSocket: the server fills the gap itself', () => {
  let url: string;
  let close: () => Promise<void>;
  const bus = new LossyBus();
  beforeAll(async () => {
    ({ url, close } = await serveWith(bus, { LIVE_CHECK_INTERVAL_MS: '600000' }));
  });
  afterAll(() => close());

  it('an event whose `prev` is ahead of what the socket was sent: the missing ones first, in order, once', async () => {
    const [alice, bob] = await Promise.all([registerUser(url), registerUser(url)]);
    const group = await createGroup(alice, [bob]);
    const socket = await RawSocket.ready(url, bob.token);
    bus.drop = (event) => event.type === 'message.created' && event.message.seq % 7 === 3;
    for (let i = 1; i <= 60; i++) await alice.client.sendMessage(group.id, `m${i}`);
    bus.drop = () => false;
    await until(() => bodiesOn(socket).length >= 60, '60 messages');
    await barrier(socket);
    expect(bodiesOn(socket)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i + 1}`));
    socket.close();
  });

  it('a lost last event, once the bus reports a resync (`heads` still sent, as a hint)', async () => {
    const [alice, bob] = await Promise.all([registerUser(url), registerUser(url)]);
    const dm = await alice.client.openDirect(bob.id);
    const socket = await RawSocket.ready(url, bob.token);
    bus.drop = (event) => event.type === 'message.created';
    await alice.client.sendMessage(dm.id, 'lost on the bus');
    bus.drop = () => false;
    await barrier(socket);
    expect(bodiesOn(socket)).toEqual([]);
    bus.resync();
    await socket.next((f) => f.type === 'message.created');
    await socket.next((f) => f.type === 'heads');
    await barrier(socket);
    expect(bodiesOn(socket)).toEqual(['lost on the bus']);
    socket.close();
  });

  it('a conversation joined, whose events came before the node subscribed to it', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(url), registerUser(url), registerUser(url)]);
    const group = await createGroup(alice, [carol]);
    await alice.client.sendMessage(group.id, 'before the join'); // not bob's to see
    const socket = await RawSocket.ready(url, bob.token);
    bus.subscribeDelayMs = 200;
    try {
      await alice.client.addMember(group.id, bob.id);
      await alice.client.sendMessage(group.id, 'right after the join'); // bob's socket is not subscribed yet
      await socket.next((f) => f.type === 'message.created' && f.message.body === 'right after the join');
      await barrier(socket);
      // The join's system message (logged after member.added) is bob's too, filled from the log before it.
      const created = socket.frames.filter((f): f is EventOf<'message.created'> => f.type === 'message.created');
      expect(created.map((f) => (f.message.kind === 'system' ? f.message.system?.action : f.message.body))).toEqual([
        'member_added',
        'right after the join',
      ]);
      expect(socket.frames.filter((f) => f.type === 'member.added')).toHaveLength(1);
    } finally {
      bus.subscribeDelayMs = 0;
      socket.close();
    }
  });
});

describe('the periodic live check', () => {
  let url: string;
  let close: () => Promise<void>;
  const bus = new LossyBus();
  beforeAll(async () => {
    ({ url, close } = await serveWith(bus, { LIVE_CHECK_INTERVAL_MS: '150' }));
  });
  afterAll(() => close());

  it('delivers an event the bus lost without a resync and with nothing after it (a publisher that died)', async () => {
    const [alice, bob] = await Promise.all([registerUser(url), registerUser(url)]);
    const dm = await alice.client.openDirect(bob.id);
    const live = bob.client.connect();
    const seen: string[] = [];
    live.on('message.created', ({ message }) => seen.push(message.body ?? ''));
    await live.ready();
    const repairs = async () => (await scrape(url)).value('confab_live_check_repairs_total') ?? 0;
    const before = await repairs();
    bus.drop = (event) => event.type === 'message.created';
    await alice.client.sendMessage(dm.id, 'never published');
    bus.drop = () => false;
    // At least one, then exactly one: a second copy fails here by name rather than as a timeout.
    await until(() => seen.length >= 1, 'the lost message', 20_000);
    expect(seen).toEqual(['never published']);
    // The live check is what found it (its counter), with no bound on the time: a loaded machine
    // stretched a 150 ms interval to 6 s (a 5 s bound failed at load ~7).
    expect(await repairs()).toBeGreaterThan(before);
    live.close();
  });

  it('delivers it to a raw WebSocket too, from the log', async () => {
    const [alice, bob] = await Promise.all([registerUser(url), registerUser(url)]);
    const dm = await alice.client.openDirect(bob.id);
    const socket = await RawSocket.ready(url, bob.token);
    bus.drop = (event) => event.type === 'message.created';
    await alice.client.sendMessage(dm.id, 'never published');
    bus.drop = () => false;
    await socket.next((f) => f.type === 'message.created', 5000);
    await barrier(socket);
    expect(bodiesOn(socket)).toEqual(['never published']);
    socket.close();
  });
});
