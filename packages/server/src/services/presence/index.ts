import { LocalPresenceTracker, type PresenceTracker } from '../../presence/presence-tracker.js';
import type { Backends } from '../backends.js';
import { PresenceService } from './presence-service.js';

export interface Presence {
  presence: PresenceService;
  /** Who has a socket open, on this node (no Redis) or across the cluster (Redis). */
  tracker: PresenceTracker;
}

/** Who is online and when each was last seen. The Redis tracker (and ioredis) is imported only with `REDIS_URL`. */
export async function createPresence(backends: Pick<Backends, 'config' | 'store' | 'bus' | 'logger'>): Promise<Presence> {
  const { config, store, bus, logger } = backends;
  let tracker: PresenceTracker = new LocalPresenceTracker();
  if (config.redisUrl !== null) {
    const { RedisPresenceTracker } = await import('../../presence/redis-presence-tracker.js');
    tracker = new RedisPresenceTracker({ url: config.redisUrl, prefix: config.redisChannelPrefix, logger, ttlMs: config.presenceTtlMs });
  }
  const presence = new PresenceService(
    store,
    bus,
    tracker,
    (error) => logger.warn({ err: error }, 'presence update failed'),
    config.presenceOfflineGraceMs,
  );
  return { presence, tracker };
}
