import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { BusEvent } from './bus.js';
import { Liveness, dropConnection, withTimeout } from './redis-connection.js';

const DROP_WARN_INTERVAL_MS = 10_000;

/**
 * The publishing half of the Redis bus: one connection, failing fast (no offline queue). An event
 * that cannot be published is dropped and counted; once publishing works again, every node is
 * told to resync on `resyncChannel`, because nodes whose own connections never broke would
 * otherwise never learn that events went missing.
 */
export class RedisPublisher {
  private readonly liveness: Liveness;
  /** True while the connection is up (between its `ready` and its `close`). */
  up = false;
  /** This node dropped events since it last told the others. */
  private resyncOwed = false;
  private resyncInFlight = false;
  private dropped = 0;
  private lastDropWarnAt = 0;

  constructor(
    private readonly connection: Redis,
    private readonly options: {
      prefix: string;
      resyncChannel: string;
      logger: Logger;
      metrics?: Pick<Metrics, 'busPublishFailures'>;
      isClosed: () => boolean;
    },
  ) {
    this.liveness = new Liveness(connection);
    connection.on('ready', () => {
      this.up = true;
      void this.announceDrops();
    });
    connection.on('close', () => {
      if (options.isClosed()) return;
      if (this.up) options.logger.warn('Redis bus: publisher connection lost; reconnecting');
      this.up = false;
    });
    connection.on('error', (error: Error) => options.logger.debug({ err: error }, 'Redis publisher connection error'));
  }

  /**
   * Resolves once the event is written to the connection, without waiting for Redis to answer:
   * callers publish in commit order and the one connection keeps that order, so waiting would
   * only put a round trip per event into every commit. Failures are handled here.
   */
  publish(topics: readonly string[], event: BusEvent, serialised?: string): Promise<void> {
    if (this.options.isClosed() || topics.length === 0) return Promise.resolve();
    try {
      const frame = serialised ?? JSON.stringify(event);
      const sent: Promise<unknown> =
        topics.length === 1 ? this.connection.publish(this.options.prefix + topics[0], frame) : this.publishPipelined(topics, frame);
      this.liveness.track(sent).then(
        () => void (this.resyncOwed && this.announceDrops()),
        (error: unknown) => this.onPublishFailed(error),
      );
    } catch (error) {
      this.onPublishFailed(error);
    }
    return Promise.resolve();
  }

  /** Throws when Redis does not answer PING within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    await withTimeout(this.liveness.track(this.connection.ping()), timeoutMs);
  }

  /** Replaces the connection when it went silent (called by the bus's watchdog). */
  checkLiveness(): void {
    if (!this.liveness.stalled()) return;
    this.options.logger.warn('Redis bus: publisher connection stopped answering; reconnecting');
    dropConnection(this.connection);
  }

  /** One write for every topic, in order, on the one connection. */
  private async publishPipelined(topics: readonly string[], frame: string): Promise<void> {
    const pipeline = this.connection.pipeline();
    for (const topic of topics) pipeline.publish(this.options.prefix + topic, frame);
    const results = await pipeline.exec();
    const failure = results?.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }

  private onPublishFailed(error: unknown): void {
    this.dropped += 1;
    this.resyncOwed = true;
    this.options.metrics?.busPublishFailures.inc();
    const now = Date.now();
    if (now - this.lastDropWarnAt >= DROP_WARN_INTERVAL_MS) {
      this.lastDropWarnAt = now;
      this.options.logger.warn({ err: error, dropped: this.dropped }, 'Redis bus: event not published; clients catch up by resuming');
    }
  }

  /** Tells every node (this one included) that events were dropped, once a publish works again. */
  private async announceDrops(): Promise<void> {
    if (!this.resyncOwed || this.resyncInFlight || this.options.isClosed()) return;
    this.resyncInFlight = true;
    try {
      await this.liveness.track(this.connection.publish(this.options.resyncChannel, ''));
      this.resyncOwed = false;
      this.options.logger.info({ dropped: this.dropped }, 'Redis bus: publishing again; nodes told to resync');
      this.dropped = 0;
    } catch {
      // Still unreachable: the next `ready` or successful publish tries again.
    } finally {
      this.resyncInFlight = false;
    }
  }
}
