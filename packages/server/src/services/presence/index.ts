import { LocalPresenceTracker, type PresenceTracker } from '../../presence/presence-tracker.js';
import { RedisPresenceTracker } from '../../presence/redis-presence-tracker.js';
import type { Backends } from '../backends.js';
import { PresenceService } from './presence-service.js';

export interface Presence {
  presence: PresenceService;
  /** Who has a socket open, on this node (no Redis) or across the cluster (Redis). */
  tracker: PresenceTracker;
}

/** Who is online and when each was last seen. */
export function createPresence({ config, store, bus, logger }: Pick<Backends, 'config' | 'store' | 'bus' | 'logger'>): Presence {
  const tracker: PresenceTracker =
    config.redisUrl === null
      ? new LocalPresenceTracker()
      : new RedisPresenceTracker({ url: config.redisUrl, prefix: config.redisChannelPrefix, logger, ttlMs: config.presenceTtlMs });
  const presence = new PresenceService(
    store,
    bus,
    tracker,
    (error) => logger.warn({ err: error }, 'presence update failed'),
    config.presenceOfflineGraceMs,
  );
  return { presence, tracker };
}
