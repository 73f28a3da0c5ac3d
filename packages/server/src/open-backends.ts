import type { Logger } from 'pino';
import { type Config, isMysqlUrl, isPostgresUrl } from './config.js';
import type { Metrics } from './metrics.js';
import type { EventBus } from './bus/bus.js';
import { MemoryBus } from './bus/memory-bus.js';
import type { Store } from './store/store.js';
import type { SoleClient } from './infra/sole-client.js';
import { openSqliteStore, sqliteFileFor } from './store/sqlite/sqlite-store.js';

/** What a node (and the CLI) opens first: the store and the bus the configuration names. */

/** The database the configuration names, for people: its engine and where it is (no password). */
export function describeDatabase(config: Config): string {
  const url = config.databaseUrl;
  if (url === null || !(isPostgresUrl(url) || isMysqlUrl(url))) return `SQLite database ${sqliteFileFor(url, config.dataDir)}`;
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return `${isMysqlUrl(url) ? 'MySQL' : 'PostgreSQL'} database ${shown.toString()}`;
}

/**
 * Opens the store the configuration names and brings its schema up to date. A server engine's
 * driver is imported only when named (mysql2 and pg were ~180 ms of every node's start).
 * `soleClient` (a serving node's) lets SQLite flush its log on the event loop while one client alone is served.
 */
export async function openStore(config: Config, logger?: Logger, metrics?: Metrics, soleClient?: SoleClient): Promise<Store> {
  const url = config.databaseUrl;
  const store =
    url !== null && isMysqlUrl(url)
      ? (await import('./store/mysql/mysql-store.js')).openMysqlStore(url, { poolSize: config.databasePoolSize })
      : url !== null && isPostgresUrl(url)
        ? (await import('./store/postgres/postgres-store.js')).openPostgresStore(url, {
            poolSize: config.databasePoolSize,
            onIdleError: (error) => logger?.warn({ err: error }, 'an idle PostgreSQL connection failed'),
            observePool: (pool) =>
              metrics && (metrics.readers.dbPool = () => ({ waiting: pool.waitingCount, idle: pool.idleCount, total: pool.totalCount })),
          })
        : openSqliteStore(sqliteFileFor(url, config.dataDir), {
            reserveWal: config.sqliteWalReserve,
            ...(soleClient && config.sqliteFlushOnLoop && { flushMayBlock: () => soleClient.alone() }),
            ...(metrics && { onFlushed: (on: 'pool' | 'loop') => metrics.walFlushes.inc({ on }) }),
            onCheckpointError: (error) =>
              logger?.warn({ err: error }, 'a WAL checkpoint failed (the next commit past the fallback threshold checkpoints instead)'),
            onSearchIndexError: (error) =>
              logger?.warn(
                { err: error },
                'indexing sent messages for search failed (they stay noted; the next step or search indexes them)',
              ),
          });
  // Several nodes may start at once: the Migrator serialises them (PostgreSQL: an advisory lock).
  try {
    await store.migrate();
  } catch (error) {
    await store.close(); // a pool left open would keep the process alive
    throw error;
  }
  return store;
}

/**
 * Opens the bus the configuration names: in-process for one node, Redis pub/sub across nodes
 * (the Redis bus, and ioredis, imported only then).
 */
export async function openBus(config: Config, logger: Logger, metrics?: Metrics): Promise<EventBus> {
  if (config.redisUrl === null) return new MemoryBus();
  const { RedisBus } = await import('./bus/redis-bus.js');
  const bus = new RedisBus({
    url: config.redisUrl,
    prefix: config.redisChannelPrefix,
    logger: logger.child({ component: 'bus' }),
    metrics,
  });
  // Serve even while Redis is down: GET /readyz answers 503 until it is up, and clients resume.
  if (!(await bus.waitUntilReady(5000))) logger.warn('Redis is not reachable yet: serving anyway, GET /readyz answers 503 until it is');
  return bus;
}
