import type { Backends } from '../backends.js';
import type { MembershipCache } from '../conversations/membership.js';
import { EventPublisher } from './event-publisher.js';
import { SyncService } from './sync-service.js';

export interface Events {
  /** Publishes what a service committed (only services publish, and only after the commit). */
  publisher: EventPublisher;
  /** Reads the event log from a client's cursor: resume, long-poll, the live check. */
  sync: SyncService;
  /** Prunes the event log past EVENT_RETENTION_SECONDS every EVENT_PRUNE_INTERVAL_SECONDS. */
  start(): void;
  stop(): void;
}

/** The event log's two ends: publishing after a commit, and reading from a cursor. */
export function createEvents(
  { config, store, bus, hub, logger }: Pick<Backends, 'config' | 'store' | 'bus' | 'hub' | 'logger'>,
  { membership }: { membership: MembershipCache },
): Events {
  const publisher = new EventPublisher(bus);
  const sync = new SyncService(store, membership, hub.consumer());
  let pruning: NodeJS.Timeout | undefined;
  return {
    publisher,
    sync,
    start() {
      pruning = setInterval(() => {
        sync
          .prune(config.eventRetentionSeconds * 1000)
          .catch((error: unknown) => logger.warn({ err: error }, 'could not prune the event log'));
      }, config.eventPruneIntervalSeconds * 1000);
      pruning.unref();
    },
    stop() {
      clearInterval(pruning);
    },
  };
}
