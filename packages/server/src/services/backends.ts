import type { Logger } from 'pino';
import type { EventBus } from '../bus/bus.js';
import type { TopicHub } from '../bus/topic-hub.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';

/** What every domain is built on (server.ts opens them first); each domain's `create…` takes the part it uses. */
export interface Backends {
  config: Config;
  store: Store;
  bus: EventBus;
  /** The node's shared subscriptions: the bus takes one handler per topic, the hub hands it to many. */
  hub: TopicHub;
  logger: Logger;
  metrics: Metrics;
}
