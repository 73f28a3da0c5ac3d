import type { Backends } from '../backends.js';
import type { BlockService } from '../conversations/block-service.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { Messaging } from '../messaging/index.js';
import type { PresenceTracker } from '../../presence/presence-tracker.js';
import { type HostResolver, OutboundAddressGuard } from '../../infra/outbound-address-guard.js';
import { resolveVapidKeys } from '../../infra/vapid-keys.js';
import { NotificationService } from './notification-service.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { pushSender } from './push-sender.js';
import { PushService } from './push-service.js';
import { webhookSender } from './webhook-sender.js';

export interface Notifications {
  notifications: NotificationService;
  /** Web Push subscriptions and the VAPID public key. */
  push: PushService;
  /** This node's share of the outbox: webhook and push deliveries, each row leased by one node. */
  dispatcher: OutboxDispatcher;
}

/**
 * Notifications, and their outbound side: the VAPID pair, push subscriptions, and the node's
 * outbox dispatcher. Mentions, replies, thread replies and reactions notify once their action
 * has committed (the messaging activity feed); the notifications commit with the message
 * writer's next batch.
 */
export async function createNotifications(
  { config, store, logger, metrics }: Pick<Backends, 'config' | 'store' | 'logger' | 'metrics'>,
  deps: {
    blocks: BlockService;
    publisher: EventPublisher;
    tracker: PresenceTracker;
    messaging: Pick<Messaging, 'messages' | 'activity'>;
    /** Tests resolve push endpoints' hosts without DNS; production resolves them (the SSRF guard). */
    resolveHost?: HostResolver;
  },
): Promise<Notifications> {
  const settings = config.outbound;
  // Web Push endpoints: only allowed push services, at public addresses (issue 35, SSRF).
  const guard = new OutboundAddressGuard(
    { allowedHosts: settings.pushAllowedHosts, allowPrivateAddresses: settings.pushAllowPrivateAddresses },
    deps.resolveHost,
  );
  const schemes = settings.pushAllowHttp ? ['https:', 'http:'] : ['https:'];
  const vapid = await resolveVapidKeys(settings, store, config.dataDir);
  const timeout = settings.deliveryTimeoutMs;
  const dispatcher = new OutboxDispatcher(
    store,
    {
      // Webhook rows left from when a URL was set are dropped once it is unset.
      webhook:
        settings.webhookUrl === null
          ? () => Promise.resolve({ done: true })
          : webhookSender(settings.webhookUrl, settings.webhookSecret ?? '', timeout),
      push: pushSender(store, deps.tracker, vapid, settings.vapidSubject, timeout, guard, schemes),
    },
    settings,
    logger.child({ component: 'outbox' }),
  );
  deps.publisher.onNotificationsPublished(() => dispatcher.nudge());
  metrics.readers.outboxDepth = () => store.outbox.countPendingDeliveries();
  const notifications = new NotificationService(store, deps.messaging.messages, deps.blocks, { webhook: settings.webhookUrl !== null });
  deps.messaging.activity.subscribe((activities) => notifications.fromActivities(activities));
  return { notifications, push: new PushService(store, vapid, guard, schemes, settings.pushMaxSubscriptionsPerUser), dispatcher };
}
