import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterEach, beforeAll, afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createMetrics } from '../metrics.js';
import { redisService, requireService } from '../../test/services.js';
import { collect, describeBusConformance, seqOf, testEvent, topic } from './bus.conformance.js';
import { RedisBus, type RedisBusOptions } from './redis-bus.js';
import { RedisPublisher } from './redis-publisher.js';
import { backoff } from './redis-connection.js';

const REDIS_URL = redisService.url;
const describeRedis = await requireService(redisService);
const logger = pino({ level: 'silent' });

/** Short timeouts and backoff so failure tests take well under a second each. */
function newBus(options: Partial<RedisBusOptions> = {}): RedisBus {
  return new RedisBus({
    url: REDIS_URL,
    prefix: `confab-test:${randomUUID()}:`,
    logger,
    name: `confab-test-${randomUUID()}`,
    stallTimeoutMs: 300,
    retryBaseMs: 20,
    retryMaxMs: 200,
    ...options,
  });
}

async function openBus(options: Partial<RedisBusOptions> = {}): Promise<RedisBus> {
  const bus = newBus(options);
  expect(await bus.waitUntilReady(5000)).toBe(true);
  return bus;
}

describe('backoff', () => {
  it('grows exponentially up to the cap, each delay jittered between half and all of it', () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(1000, 50 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i += 1) {
        const delay = backoff(attempt, 50, 1000);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoff(10_000, 50, 1000)).toBeLessThanOrEqual(1000);
  });
});

describeRedis('RedisBus', () => {
  describeBusConformance('RedisBus', () => openBus());

  let admin: Redis;
  const opened: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(thing: T): T => (opened.push(thing), thing);
  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((thing) => thing.close()));
  });
  afterAll(async () => {
    await admin.quit();
  });

  /** Two buses sharing a prefix: two nodes of one deployment. */
  async function twoNodes(a: Partial<RedisBusOptions> = {}, b: Partial<RedisBusOptions> = {}) {
    const prefix = `confab-test:${randomUUID()}:`;
    return [track(await openBus({ prefix, ...a })), track(await openBus({ prefix, ...b }))] as const;
  }

  it("lets two nodes see each other's publishes on the topics they subscribed, and reads only those", async () => {
    const prefix = `confab-test:${randomUUID()}:`;
    const nodeA = track(await openBus({ prefix }));
    const nodeB = track(await openBus({ prefix }));
    const [shared, onlyA, onlyB] = [topic(), topic(), topic()];
    const atA = collect();
    const atB = collect();
    await nodeA.subscribe(shared, atA.handler);
    await nodeA.subscribe(onlyA, atA.handler);
    await nodeB.subscribe(shared, atB.handler);
    await nodeB.subscribe(onlyB, atB.handler);

    await nodeA.publish([shared, onlyB], testEvent(1));
    await nodeB.publish([onlyA], testEvent(2));
    await atA.waitFor(2);
    await atB.waitFor(2);
    expect(atA.messages.map((m) => [m.topic, seqOf(m.event)])).toEqual([
      [shared, 1],
      [onlyA, 2],
    ]);
    expect(atB.messages.map((m) => [m.topic, seqOf(m.event)])).toEqual([
      [shared, 1],
      [onlyB, 1],
    ]);
    // Redis knows exactly the channels some node needs (plus the bus's resync channel).
    const channels = (await admin.pubsub('CHANNELS', `${prefix}*`)) as string[];
    expect(channels.sort()).toEqual([shared, onlyA, onlyB, 'bus:resync'].map((t) => prefix + t).sort());
    expect(await admin.pubsub('NUMSUB', prefix + shared)).toEqual([prefix + shared, 2]);
    await nodeB.unsubscribe(onlyB);
    expect(await admin.pubsub('NUMSUB', prefix + onlyB)).toEqual([prefix + onlyB, 0]);
  });

  it('subscribes the topics asked for in one turn with one SUBSCRIBE per 1,000, each settled once Redis holds them all', async () => {
    const prefix = `confab-test:${randomUUID()}:`;
    const monitor = await admin.monitor();
    onTestFinished(() => void monitor.disconnect());
    const subscribes: string[][] = [];
    const unsubscribes: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (!args.some((a) => a.startsWith(`${prefix}conv:`))) return;
      if (args[0]?.toLowerCase() === 'subscribe') subscribes.push(args.slice(1));
      if (args[0]?.toLowerCase() === 'unsubscribe') unsubscribes.push(args.slice(1));
    });
    const [node, other] = await twoNodes({ prefix }, { prefix });
    const topics = Array.from({ length: 2500 }, () => topic());
    const got = collect();
    // As a resume subscribes a user's conversations: side by side, in one turn.
    const settled = topics.map((t) => node.subscribe(t, got.handler));
    await settled[0];
    // The first to settle settles only once Redis has answered for every channel of the turn.
    const held = (await admin.pubsub('NUMSUB', ...[topics[0]!, topics[1000]!, topics[2499]!].map((t) => prefix + t))) as (
      string | number
    )[];
    expect(held.filter((_, i) => i % 2 === 1)).toEqual([1, 1, 1]);
    await Promise.all(settled);
    await expect.poll(() => subscribes.length, { timeout: 5000 }).toBe(3);
    expect(subscribes.map((channels) => channels.length)).toEqual([1000, 1000, 500]);
    expect(subscribes.flat().sort()).toEqual(topics.map((t) => prefix + t).sort());

    // Delivered on every chunk's channels (a sample: MONITOR slows Redis down).
    const sample = topics.filter((_, i) => i % 100 === 0 || i % 1000 === 999);
    await other.publish(sample, testEvent(1));
    await got.waitFor(sample.length, 20_000);
    expect(got.messages.map((m) => m.topic).sort()).toEqual([...sample].sort());

    // A closed socket lets them all go in one turn: one UNSUBSCRIBE per 1,000 as well.
    await Promise.all(topics.map((t) => node.unsubscribe(t)));
    expect(await admin.pubsub('NUMSUB', prefix + topics[0]!, prefix + topics[2499]!)).toEqual([
      prefix + topics[0]!,
      0,
      prefix + topics[2499]!,
      0,
    ]);
    await expect.poll(() => unsubscribes.length, { timeout: 5000 }).toBe(3);
    expect(unsubscribes.flat().sort()).toEqual(topics.map((t) => prefix + t).sort());
  });

  it('keeps SUBSCRIBE and UNSUBSCRIBE of one turn in the order they were asked for', async () => {
    const prefix = `confab-test:${randomUUID()}:`;
    const node = track(await openBus({ prefix }));
    const other = async (p: string) => track(await openBus({ prefix: p }));
    const [dropped, kept] = [topic(), topic()];
    const got = collect();
    await Promise.all([node.subscribe(dropped, got.handler), node.subscribe(kept, got.handler), node.unsubscribe(dropped)]);
    expect(await admin.pubsub('NUMSUB', prefix + dropped, prefix + kept)).toEqual([prefix + dropped, 0, prefix + kept, 1]);
    // Dropped and taken again in one turn (a socket closing as another of the node's opens): held.
    await Promise.all([node.unsubscribe(kept), node.subscribe(kept, got.handler), node.subscribe(dropped, got.handler)]);
    expect(await admin.pubsub('NUMSUB', prefix + dropped, prefix + kept)).toEqual([prefix + dropped, 1, prefix + kept, 1]);
    await (await other(prefix)).publish([kept], testEvent(1));
    await got.waitFor(1);
    expect(got.messages.map((m) => m.topic)).toEqual([kept]);
  });

  it('after its subscriber connection is killed, reconnects, resubscribes every topic, resyncs, and delivers', async () => {
    const name = `confab-test-${randomUUID()}`;
    const metrics = createMetrics();
    const [node, other] = await twoNodes({ name, metrics });
    const topics = [topic(), topic(), topic()];
    const got = collect();
    for (const t of topics) await node.subscribe(t, got.handler);
    let resyncs = 0;
    node.onResync(() => (resyncs += 1));

    const killed = await admin.client('KILL', 'ID', await clientId(admin, `${name}:sub`));
    expect(killed).toBe(1);
    await expect.poll(() => resyncs, { timeout: 5000 }).toBe(1);
    await expect(node.ping()).resolves.toBeUndefined();

    await other.publish(topics, testEvent(1));
    await got.waitFor(3);
    expect(got.messages.map((m) => m.topic)).toEqual(topics);
    expect(resyncs).toBe(1);
    // Counted on /metrics: one reconnect, one resync.
    expect((await metrics.busReconnects.get()).values[0]?.value).toBe(1);
    expect((await metrics.busResyncs.get()).values[0]?.value).toBe(1);
  });

  it('resolves publish at once and counts the drop when Redis is unreachable; ping rejects; subscribe and close still work', async () => {
    const metrics = createMetrics();
    const bus = track(newBus({ url: `redis://127.0.0.1:${await unusedPort()}`, metrics }));
    const t = topic();
    const started = performance.now();
    await expect(bus.publish([t], testEvent(1))).resolves.toBeUndefined();
    await expect(bus.publish([t, topic()], testEvent(2))).resolves.toBeUndefined();
    await expect(bus.subscribe(t, () => {})).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
    await expect.poll(async () => (await metrics.busPublishFailures.get()).values[0]?.value, { timeout: 200 }).toBe(2);
    await expect(bus.ping()).rejects.toThrow();
    expect(await bus.waitUntilReady(100)).toBe(false);
    await bus.close();
  });

  it('notices a connection that went silent: publish does not wait, the drop is counted within the stall timeout, ping fails, and it resyncs once Redis answers again', async () => {
    const proxy = track(await TcpProxy.start(new URL(REDIS_URL)));
    const prefix = `confab-test:${randomUUID()}:`;
    const metrics = createMetrics();
    const node = track(await openBus({ url: proxy.url(REDIS_URL), prefix, metrics }));
    const other = track(await openBus({ prefix }));
    const t = topic();
    const got = collect();
    await node.subscribe(t, got.handler);
    let resyncs = 0;
    node.onResync(() => (resyncs += 1));

    proxy.blackhole();
    const started = performance.now();
    await node.publish([t], testEvent(1));
    expect(performance.now() - started).toBeLessThan(50); // written, not waited for
    // stallTimeoutMs is 300: then the connection is replaced and the publish counts as dropped.
    await expect.poll(async () => (await metrics.busPublishFailures.get()).values[0]?.value, { timeout: 1000 }).toBe(1);
    await expect(node.ping()).rejects.toThrow();
    await other.publish([t], testEvent(2)); // lost: the node's subscriber hears nothing

    proxy.restore();
    await expect.poll(() => resyncs, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await other.publish([t], testEvent(3));
    await other.publish([t], testEvent(4)); // after 3 on the same connection: nothing else can come between
    await got.waitFor(2);
    expect(got.messages.map((m) => seqOf(m.event))).toEqual([3, 4]);
  });

  it('does not take an event-loop pause longer than the stall timeout for a dead connection', async () => {
    // The watchdog's checks, counted (this node is the only bus open): each one runs both
    // connections' checks, the publisher's first.
    const checks = vi.spyOn(RedisPublisher.prototype, 'checkLiveness');
    onTestFinished(() => checks.mockRestore());
    const metrics = createMetrics();
    const node = track(await openBus({ metrics }));
    const t = topic();
    const got = collect();
    await node.subscribe(t, got.handler);
    let resyncs = 0;
    node.onResync(() => (resyncs += 1));
    for (let i = 1; i <= 100; i += 1) await node.publish([t], testEvent(i));
    const until = Date.now() + 1000; // stallTimeoutMs is 300
    while (Date.now() < until) {
      // the event loop is blocked with 100 publishes unanswered
    }
    const checksBefore = checks.mock.calls.length;
    await got.waitFor(100);
    // Two silent checks in a row make a stall verdict. The first check after the pause runs before
    // the replies are read; three checks since it take in every pair it belongs to (and one more).
    await expect.poll(() => checks.mock.calls.length - checksBefore, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    // A connection dropped by one of them would fail this ping (still down), or have come back and
    // so already have counted its failures and resynced (both happen before it is up again).
    await expect(node.ping()).resolves.toBeUndefined();
    expect((await metrics.busPublishFailures.get()).values[0]?.value ?? 0).toBe(0);
    expect(resyncs).toBe(0);
  });

  it('subscribes the topics taken while Redis was down once it is back, then resyncs', async () => {
    const proxy = track(await TcpProxy.start(new URL(REDIS_URL)));
    const prefix = `confab-test:${randomUUID()}:`;
    const node = track(await openBus({ url: proxy.url(REDIS_URL), prefix }));
    const other = track(await openBus({ prefix }));
    let resyncs = 0;
    node.onResync(() => (resyncs += 1));

    proxy.cut();
    await expect
      .poll(() =>
        node.ping().then(
          () => 'up',
          () => 'down',
        ),
      )
      .toBe('down');
    const t = topic();
    const got = collect();
    await node.subscribe(t, got.handler);
    expect(resyncs).toBe(0);

    proxy.restore();
    await expect.poll(() => resyncs, { timeout: 5000 }).toBe(1);
    await other.publish([t], testEvent(1));
    await got.waitFor(1);
  });

  it('tells every node to resync once a node that dropped events can publish again', async () => {
    const proxy = track(await TcpProxy.start(new URL(REDIS_URL)));
    const prefix = `confab-test:${randomUUID()}:`;
    const cutOff = track(await openBus({ url: proxy.url(REDIS_URL), prefix }));
    const healthy = track(await openBus({ prefix }));
    let resyncs = 0;
    healthy.onResync(() => (resyncs += 1));
    const t = topic();
    const got = collect();
    await healthy.subscribe(t, got.handler);

    proxy.cut();
    await expect
      .poll(() =>
        cutOff.ping().then(
          () => 'up',
          () => 'down',
        ),
      )
      .toBe('down');
    await cutOff.publish([topic()], testEvent(1)); // dropped: the healthy node never sees it
    expect(resyncs).toBe(0);

    proxy.restore();
    await expect.poll(() => resyncs, { timeout: 5000 }).toBe(1);
    // A second announcement, written on cutOff's one publishing connection before this publish,
    // would reach the healthy node before it.
    await cutOff.publish([t], testEvent(2));
    await got.waitFor(1);
    expect(resyncs).toBe(1);
  });
});

/** The id of the connection named `name`, from CLIENT LIST. */
async function clientId(admin: Redis, name: string): Promise<string> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  const id = line && /^id=(\d+)/.exec(line)?.[1];
  if (!id) throw new Error(`no client named ${name}`);
  return id;
}

async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A TCP proxy in front of Redis that a test can cut (connections reset, new ones refused) or
 * blackhole (connections stay open, bytes vanish: a silently dead peer), then restore.
 */
class TcpProxy {
  private mode: 'open' | 'cut' | 'blackhole' = 'open';
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target: URL): Promise<TcpProxy> {
    // allowHalfOpen: a blackholed peer must not answer a FIN either.
    const server = net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TcpProxy(server, { host: target.hostname, port: Number(target.port || 6379) });
  }

  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String((this.server.address() as net.AddressInfo).port);
    return proxied.toString();
  }

  cut(): void {
    this.mode = 'cut';
    this.dropAll();
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  restore(): void {
    this.dropAll(); // a blackholed stream lost bytes: it cannot be resumed
    this.mode = 'open';
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'cut') return void client.destroy();
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => {});
    if (this.mode === 'blackhole') return;
    const upstream = net.connect({ port: this.target.port, host: this.target.host, allowHalfOpen: true });
    this.sockets.add(upstream);
    upstream.on('close', () => (this.sockets.delete(upstream), client.destroy()));
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    client.on('end', () => void (this.mode === 'open' && upstream.end()));
    upstream.on('end', () => void (this.mode === 'open' && client.end()));
    client.on('data', (data) => void (this.mode === 'open' && upstream.write(data)));
    upstream.on('data', (data) => void (this.mode === 'open' && client.write(data)));
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
