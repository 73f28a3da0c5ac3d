import type { Backends } from '../backends.js';
import type { Access } from '../conversations/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { Messaging } from '../messaging/index.js';
import type { RateLimitService } from '../rate-limits.js';
import { ScheduledDispatcher } from './scheduled-dispatcher.js';
import { ScheduledService } from './scheduled-service.js';

export interface Scheduling {
  /** My scheduled messages: schedule, list, change, delete (issue 37). */
  scheduled: ScheduledService;
  /** Sends them at their time (every node runs one; each is sent once). */
  dispatcher: ScheduledDispatcher;
}

/** Scheduled send: built on messaging, whose send path sends each scheduled message at its time. */
export function createScheduling(
  { config, store, logger }: Pick<Backends, 'config' | 'store' | 'logger'>,
  deps: { access: Access; publisher: EventPublisher; rateLimits: RateLimitService; messaging: Messaging },
): Scheduling {
  const { membership, blocks, accountStates } = deps.access;
  return {
    scheduled: new ScheduledService(store, membership, blocks, deps.publisher, deps.rateLimits, config),
    dispatcher: new ScheduledDispatcher(
      store,
      deps.messaging.messages,
      accountStates,
      deps.publisher,
      { pollIntervalMs: config.scheduledPollIntervalMs },
      logger,
    ),
  };
}
