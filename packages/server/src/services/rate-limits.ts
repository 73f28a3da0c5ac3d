import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { usernameKey } from '@confab/protocol';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { RateLimitName, RateLimits, RateWindow } from '../rate-limit-config.js';
import type { SecurityEvents } from './security-events.js';

/** A refusal by a limit: 429 over HTTP (with `Retry-After`), an `error` frame over WebSocket; both carry `retryAfterMs`. */
export class RateLimited extends AppError {
  constructor(
    readonly limit: RateLimitName,
    readonly retryAfterMs: number,
  ) {
    super('rate_limited', `Too many requests: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`);
    this.name = 'RateLimited';
  }
}

/** Whom a counted attempt came from, for the security log. */
export interface Attempt {
  ip?: string;
  userId?: string;
}

/** Limits counted per account with back-off: a victim waits a while, never for good. */
const BACKOFF_LIMITS = new Set<RateLimitName>(['loginAccount', 'passwordForgotAccount']);
/** Limits whose key lives on one node (a socket): never in Redis. */
const LOCAL_LIMITS = new Set<RateLimitName>(['wsFrameSocket']);

/**
 * Every abuse limit, in one place (rate-limit-config.ts names them). Counters live in Redis when
 * `REDIS_URL` is set, so a limit holds across nodes; in memory otherwise. With Redis unreachable
 * each node falls back to its own memory counters (an insurance limiter), so an outage neither
 * blocks sends nor lifts the limits. Each first refusal of a key in its window is a "trip",
 * reported to the security events hook.
 */
export class RateLimitService {
  private readonly windows = new Map<RateLimitName, RateLimiterAbstract>();
  /** Back-off limits: failures counted over the window, and the block each further one earns. */
  private readonly failures = new Map<RateLimitName, RateLimiterAbstract>();
  private readonly blocks = new Map<RateLimitName, RateLimiterAbstract>();
  private readonly redis: Redis | null;

  /**
   * The limits the configuration sets, counted in Redis when `redisUrl` is given: ioredis is
   * imported only then (it was ~23 MiB and 150–190 ms of every node's start, Redis or not).
   */
  static async open(
    settings: RateLimits,
    events: SecurityEvents,
    options: { redisUrl: string | null; prefix: string; logger: Logger },
  ): Promise<RateLimitService> {
    let redis: Redis | null = null;
    if (settings.enabled && options.redisUrl !== null) {
      const { Redis } = await import('ioredis');
      redis = new Redis(options.redisUrl, {
        // Fail fast rather than queue: the insurance limiter answers while Redis is away.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        enableAutoPipelining: true,
        connectionName: `confab:${hostname()}:${process.pid}:limits`.replace(/\s/g, '_'),
      });
    }
    return new RateLimitService(settings, events, { redis, prefix: options.prefix, logger: options.logger });
  }

  /** `redis`: the connection to count in (`open` makes it), or null to count in this process. */
  constructor(
    private readonly settings: RateLimits,
    private readonly events: SecurityEvents,
    options: { redis: Redis | null; prefix: string; logger: Logger },
  ) {
    this.redis = options.redis;
    this.redis?.on('error', (error) => options.logger.debug({ err: error }, 'rate limits: Redis connection error'));
    const make = (name: string, window: RateWindow, local: boolean): RateLimiterAbstract => {
      const common = { points: window.points, duration: window.seconds, keyPrefix: `${options.prefix}limit:${name}` };
      if (this.redis === null || local) return new RateLimiterMemory(common);
      return new RateLimiterRedis({
        ...common,
        storeClient: this.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(common),
      });
    };
    for (const name of Object.keys(settings) as (keyof RateLimits)[]) {
      const window = settings[name];
      if (typeof window !== 'object' || window.points === 0 || !settings.enabled) continue;
      const limit = name as RateLimitName;
      if (BACKOFF_LIMITS.has(limit)) {
        this.failures.set(limit, make(limit, window, false));
        // Blocked: more consumed than its one point; the block's own duration is set per failure.
        this.blocks.set(limit, make(`${limit}:block`, { points: 1, seconds: settings.backoffMaxSeconds }, false));
      } else {
        this.windows.set(limit, make(limit, window, LOCAL_LIMITS.has(limit)));
      }
    }
  }

  /**
   * Resolves once the Redis connection is up (or straight away without Redis), true if it is;
   * false after `timeoutMs`, and the node counts in memory until it comes (as during an outage).
   */
  async ready(timeoutMs: number): Promise<boolean> {
    const redis = this.redis;
    if (redis === null || redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const onReady = () => finish(true);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        resolve(ok);
      };
      redis.on('ready', onReady);
    });
  }

  /** Counts one attempt against a window limit; throws RateLimited when over it. */
  async consume(limit: RateLimitName, key: string, who: Attempt = {}): Promise<void> {
    const limiter = this.windows.get(limit);
    if (limiter === undefined) return;
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The first refusal in the window is the trip; the rest of a flood is not logged again.
      if (rejection.consumedPoints === limiter.points + 1) this.trip(limit, key, rejection.msBeforeNext, who);
      throw new RateLimited(limit, rejection.msBeforeNext);
    }
  }

  /** A back-off limit: throws RateLimited while the key is serving a back-off. */
  async check(limit: RateLimitName, key: string): Promise<void> {
    const blocks = this.blocks.get(limit);
    if (blocks === undefined) return;
    const state = await blocks.get(key);
    if (state !== null && state.consumedPoints > blocks.points && state.msBeforeNext > 0) throw new RateLimited(limit, state.msBeforeNext);
  }

  /**
   * A back-off limit: one more failure (sign-ins). Past
   * the window's free attempts each one blocks the key for twice as long as the last, 1 s, 2 s,
   * 4 s … up to RATE_LIMIT_BACKOFF_MAX_SECONDS; the count is forgotten when the window ends.
   */
  async fail(limit: RateLimitName, key: string, who: Attempt = {}): Promise<void> {
    await this.count(limit, key, who);
  }

  /**
   * A back-off limit that counts every request, not failures (password-reset requests per
   * account): `points` requests pass in a window, the next is refused and starts the back-off.
   */
  async attempt(limit: RateLimitName, key: string, who: Attempt = {}): Promise<void> {
    await this.check(limit, key);
    const blockedMs = await this.count(limit, key, who);
    if (blockedMs > 0) throw new RateLimited(limit, blockedMs);
  }

  /** Counts one against a back-off limit; past its points, blocks the key and answers for how long (ms), else 0. */
  private async count(limit: RateLimitName, key: string, who: Attempt): Promise<number> {
    const failures = this.failures.get(limit);
    const blocks = this.blocks.get(limit);
    if (failures === undefined || blocks === undefined) return 0;
    const counted = await failures.penalty(key, 1);
    const over = counted.consumedPoints - failures.points;
    if (over <= 0) return 0;
    const seconds = Math.min(this.settings.backoffMaxSeconds, 2 ** Math.min(over - 1, 30));
    await blocks.block(key, seconds);
    this.trip(limit, key, seconds * 1000, who);
    return seconds * 1000;
  }

  /** A back-off limit: the account's owner got in, so earlier failures no longer count. */
  async succeed(limit: RateLimitName, key: string): Promise<void> {
    await this.failures.get(limit)?.delete(key);
  }

  /** A window limit's counter for a key that is gone (a closed socket). */
  async forget(limit: RateLimitName, key: string): Promise<void> {
    await this.windows.get(limit)?.delete(key);
  }

  async close(): Promise<void> {
    if (this.redis !== null) await this.redis.quit().catch(() => this.redis?.disconnect());
  }

  private trip(limit: RateLimitName, key: string, retryAfterMs: number, who: Attempt): void {
    this.events.record({ type: 'rate_limit.tripped', limit, key, retryAfterMs, ...who });
  }
}

/** The key of an account limit: the login as people type it, so case and width cannot rotate it. */
export const accountKey = (login: string) => usernameKey(login.trim());
