import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { ServerEvent } from '@confab/protocol';
import type { Metrics } from '../metrics.js';
import type { BusEvent, BusHandler, EventBus } from './bus.js';
import { Liveness, backoff, dropConnection, quit } from './redis-connection.js';
import { RedisPublisher } from './redis-publisher.js';
import { ChannelBatches, SUBSCRIBE_CHUNK, chunks } from './channel-batches.js';

export interface RedisBusOptions {
  /** `redis://` or `rediss://` URL (user, password and TLS as ioredis reads them). */
  url: string;
  /** Prepended to every channel so deployments and tests can share one Redis (pub/sub ignores the db number). */
  prefix?: string;
  logger: Logger;
  metrics?: Pick<Metrics, 'busPublishFailures' | 'busResyncs' | 'busReconnects'>;
  /** Shown by `CLIENT LIST` as `<name>:pub` and `<name>:sub`. */
  name?: string;
  /**
   * How long a connection may leave commands (or its handshake) unanswered before it counts as
   * dead and is replaced. The subscriber is pinged twice per period so a silent death shows.
   */
  stallTimeoutMs?: number;
  /** Reconnect backoff: the first delay and the cap, each jittered. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * The bus across nodes: Redis pub/sub, one channel per topic, so a node reads only the topics its
 * connected users need. One connection publishes (failing fast: no offline queue), one subscribes
 * (reconnecting with jittered backoff, then resubscribing every held topic before it reports a
 * resync). Delivery is at most once; resume from storage is the source of truth.
 */
export class RedisBus implements EventBus {
  /** Redis drops what it cannot deliver (a reconnect, a slow subscriber): the live check reads the log. */
  readonly lossless: boolean = false;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly metrics: RedisBusOptions['metrics'];
  private readonly stallTimeoutMs: number;
  private readonly publisherConnection: Redis;
  private readonly publisher: RedisPublisher;
  private readonly subscriber: Redis;
  private readonly subscriberLiveness: Liveness;
  /** Published to after a node dropped events: every node then resyncs. */
  private readonly resyncChannel: string;
  private readonly handlers = new Map<string, BusHandler<BusEvent>>();
  private readonly resyncListeners: (() => void)[] = [];
  private readonly watchdog: NodeJS.Timeout;

  private closed = false;
  private closing: Promise<void> | undefined;
  /** Bumped on each subscriber `ready`, so work for an older connection can tell it is stale. */
  private subscriberEpoch = 0;
  /** True once every held topic is subscribed on the current connection. */
  private subscriberLive = false;
  /** Held topics went unsubscribed for a while: resync once they are subscribed again. */
  private missed = false;
  /** (Un)subscriptions asked for in one turn go as one command (channel-batches.ts). */
  private readonly batches = new ChannelBatches((kind, channels) => this.subscriberLiveness.track(this.subscriber[kind](...channels)));
  /** The same payload arrives once per topic it was published to: parse it once. */
  private lastFrame: string | undefined;
  private lastEvent: BusEvent | undefined;

  constructor(options: RedisBusOptions) {
    this.prefix = options.prefix ?? 'confab:';
    this.resyncChannel = `${this.prefix}bus:resync`;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 2000;
    const name = (options.name ?? `confab:${hostname()}:${process.pid}`).replace(/\s/g, '_');
    const base = options.retryBaseMs ?? 100;
    const cap = options.retryMaxMs ?? 5000;
    const common: RedisOptions = {
      // Fail fast instead of queueing while disconnected: a queue would grow without bound
      // during an outage and replay stale events afterwards.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Subscriptions are re-sent by this class, from its own list, before it reports a resync.
      autoResubscribe: false,
      connectTimeout: Math.max(this.stallTimeoutMs, 1000),
      disconnectTimeout: this.stallTimeoutMs,
      keepAlive: 10_000,
      disableClientInfo: true,
      retryStrategy: (attempt: number) => (this.closed ? null : backoff(attempt, base, cap)),
    };
    // Auto-pipelining: the publishes of one event-loop turn (a committed batch's events, often
    // several batches') go to Redis in one write; one write per event was ~5 % of a busy node's
    // CPU. Order on the connection is kept.
    this.publisherConnection = new Redis(options.url, { ...common, connectionName: `${name}:pub`, enableAutoPipelining: true });
    this.publisher = new RedisPublisher(this.publisherConnection, {
      prefix: this.prefix,
      resyncChannel: this.resyncChannel,
      logger: this.logger,
      metrics: this.metrics,
      isClosed: () => this.closed,
    });
    this.subscriber = new Redis(options.url, { ...common, connectionName: `${name}:sub` });
    this.subscriberLiveness = new Liveness(this.subscriber);

    this.subscriber.on('ready', () => void this.onSubscriberReady());
    this.subscriber.on('close', () => this.onSubscriberClose());
    this.subscriber.on('error', (error: Error) => this.logger.debug({ err: error }, 'Redis subscriber connection error'));
    this.subscriber.on('message', (channel: string, payload: string) => this.onMessage(channel, payload));

    this.watchdog = setInterval(() => this.checkLiveness(), this.stallTimeoutMs / 2);
    this.watchdog.unref();
  }

  // ---- publishing (redis-publisher.ts) ----

  publish(topics: readonly string[], event: BusEvent, frame?: string): Promise<void> {
    return this.publisher.publish(topics, event, frame);
  }

  // ---- subscribing ----

  subscribe<E extends BusEvent = ServerEvent>(topic: string, handler: BusHandler<E>): Promise<void> {
    return this.subscribeAll([topic], handler);
  }

  async subscribeAll<E extends BusEvent = ServerEvent>(topics: readonly string[], handler: BusHandler<E>): Promise<void> {
    if (this.closed) return;
    const channels: string[] = [];
    for (const topic of topics) {
      if (!this.handlers.has(topic)) channels.push(this.prefix + topic);
      // The topic decides the event type (bus.ts): its publishers only ever send it an E.
      this.handlers.set(topic, handler as BusHandler<BusEvent>);
    }
    if (channels.length === 0) return;
    if (this.subscriber.status !== 'ready') {
      // Recorded: subscribed on the next connection, followed by a resync.
      this.missed = true;
      return;
    }
    try {
      await this.batches.add('subscribe', channels);
    } catch (error) {
      // The connection dropped (the next one subscribes every held topic, then resyncs) or
      // Redis refused, e.g. an ACL without these channels: that needs an operator.
      this.missed = true;
      if (this.subscriber.status === 'ready')
        this.logger.error({ err: error, topics: topics.length, first: topics[0] }, 'Redis bus: SUBSCRIBE refused');
    }
  }

  unsubscribe(topic: string): Promise<void> {
    return this.unsubscribeAll([topic]);
  }

  async unsubscribeAll(topics: readonly string[]): Promise<void> {
    const channels: string[] = [];
    for (const topic of topics) if (this.handlers.delete(topic)) channels.push(this.prefix + topic);
    if (channels.length === 0 || this.subscriber.status !== 'ready') return;
    try {
      await this.batches.add('unsubscribe', channels);
    } catch {
      // Harmless: messages for a topic without a handler are ignored, and the next connection
      // subscribes only the held topics.
    }
  }

  onResync(listener: () => void): void {
    this.resyncListeners.push(listener);
  }

  private async onSubscriberReady(): Promise<void> {
    const epoch = ++this.subscriberEpoch;
    const channels = [this.resyncChannel, ...[...this.handlers.keys()].map((topic) => this.prefix + topic)];
    try {
      // Every chunk is written before any await, so a later (un)subscribe is ordered after them.
      const acks = chunks(channels, SUBSCRIBE_CHUNK).map((chunk) => this.subscriberLiveness.track(this.subscriber.subscribe(...chunk)));
      await Promise.all(acks);
    } catch (error) {
      // A dropped connection comes back through here; a refusal leaves the bus not ready.
      if (epoch === this.subscriberEpoch && this.subscriber.status === 'ready') {
        this.logger.error({ err: error }, 'Redis bus: SUBSCRIBE refused; GET /readyz reports the bus down');
      }
      return;
    }
    if (epoch !== this.subscriberEpoch || this.closed) return;
    this.subscriberLive = true;
    if (this.missed) {
      this.missed = false;
      this.metrics?.busReconnects.inc();
      this.logger.info({ topics: channels.length - 1 }, 'Redis bus: subscriber back; resyncing');
      this.resync();
    }
  }

  private onSubscriberClose(): void {
    if (this.closed) return;
    if (this.subscriberLive) this.logger.warn('Redis bus: subscriber connection lost; reconnecting');
    this.subscriberLive = false;
    this.missed = true;
  }

  private onMessage(channel: string, payload: string): void {
    if (channel === this.resyncChannel) return this.resync();
    const topic = channel.slice(this.prefix.length);
    const handler = this.handlers.get(topic);
    if (!handler) return; // unsubscribed meanwhile
    let event: BusEvent;
    if (payload === this.lastFrame && this.lastEvent) {
      event = this.lastEvent;
    } else {
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch (error) {
        this.logger.warn({ err: error, channel }, 'Redis bus: ignoring a message that is not JSON');
        return;
      }
      this.lastFrame = payload;
      this.lastEvent = event;
    }
    try {
      handler({ topic, event, frame: payload });
    } catch (error) {
      // Never let a handler's failure reach the Redis client's reply parser.
      this.logger.error({ err: error, channel }, 'Redis bus: event handler failed');
    }
  }

  private resync(): void {
    if (this.closed) return;
    this.metrics?.busResyncs.inc();
    for (const listener of this.resyncListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'Redis bus: resync listener failed');
      }
    }
  }

  /** Replaces a connection that went silent; pings the subscriber, which otherwise only listens. */
  private checkLiveness(): void {
    if (this.closed) return;
    this.publisher.checkLiveness();
    if (this.subscriberLiveness.stalled()) {
      this.logger.warn('Redis bus: subscriber connection stopped answering; reconnecting');
      dropConnection(this.subscriber);
    } else if (this.subscriberLive && !this.subscriberLiveness.waiting) {
      this.subscriberLiveness.track(this.subscriber.ping()).catch(() => {});
    }
  }

  // ---- lifecycle ----

  async ping(): Promise<void> {
    if (this.closed) throw new Error('The bus is closed');
    if (!this.subscriberLive) throw new Error('Redis bus: the subscriber connection is down');
    try {
      await this.publisher.ping(this.stallTimeoutMs);
    } catch (error) {
      throw new Error('Redis bus: Redis is not reachable', { cause: error });
    }
  }

  /** True once both connections are up, false if that takes longer than `timeoutMs` (start-up). */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (this.subscriberLive && this.publisher.up) return true;
      if (Date.now() >= deadline) return false;
      await sleep(20);
    }
    return false;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    this.handlers.clear();
    this.resyncListeners.length = 0;
    await Promise.all([this.publisherConnection, this.subscriber].map((connection) => quit(connection, this.stallTimeoutMs)));
  }
}
