import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { EventBus } from './bus/bus.js';
import { TopicHub } from './bus/topic-hub.js';
import { buildHttpApp } from './http/app.js';
import type { Services } from './http/context.js';
import { createAccountServices } from './account-services.js';
import { BlockService } from './services/block-service.js';
import { ConversationService } from './services/conversation-service.js';
import { ConversationSettingsService } from './services/conversation-settings.js';
import { NotificationService } from './services/notification-service.js';
import { OutboxDispatcher } from './services/outbox-dispatcher.js';
import { pushSender } from './services/push-sender.js';
import { PushService } from './services/push-service.js';
import { type HostResolver, OutboundAddressGuard } from './services/outbound-address-guard.js';
import { resolveVapidKeys } from './services/vapid-keys.js';
import { webhookSender } from './services/webhook-sender.js';
import { MembershipCache } from './services/membership.js';
import { MessageActivityFeed } from './services/message-activity.js';
import { MessageLifecycle } from './services/message-lifecycle.js';
import { LiveLocations } from './services/live-location.js';
import { SearchService } from './services/search-service.js';
import { MessageService } from './services/message-service.js';
import { EventPublisher } from './services/event-publisher.js';
import { PresenceService } from './services/presence-service.js';
import { SessionRevocations } from './services/session-revocations.js';
import { LocalPresenceTracker, type PresenceTracker } from './presence/presence-tracker.js';
import { RedisPresenceTracker } from './presence/redis-presence-tracker.js';
import { SyncService } from './services/sync-service.js';
import { TypingService } from './services/typing-service.js';
import { TokenService, resolveJwtSecret } from './services/token-service.js';
import { UploadService } from './services/upload-service.js';
import { openBlobStore } from './blobs/open-blob-store.js';
import { RateLimitService } from './services/rate-limits.js';
import { InviteService } from './services/invite-service.js';
import { createAdminServices, createAuditLog } from './admin-services.js';
import type { Store } from './store/store.js';
import { openBus, openStore } from './open-backends.js';
import { beforeDeadline } from './before-deadline.js';
import { Gateway } from './ws/gateway.js';

export { describeDatabase, openBus, openStore } from './open-backends.js';

/** Connections the kernel may hold for us before we accept them (a reconnect storm's), capped by net.core.somaxconn. */
const LISTEN_BACKLOG = 4096;

export interface ConfabServer {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly gateway: Gateway;
  readonly logger: Logger;
  /** Binds and serves; resolves with the URL served. */
  listen(): Promise<string>;
  /** Drains: stops accepting, closes sockets with "going away", commits in-flight writes, closes the store. */
  close(): Promise<void>;
}

/** Wires configuration → store, bus → services → HTTP routes and WebSocket gateway. */
export async function createServer(
  config: Config,
  // resolveHost: tests resolve push endpoints' hosts without DNS (issue 35, the SSRF guard).
  options: { logger?: Logger; store?: Store; bus?: EventBus; resolveHost?: HostResolver } = {},
): Promise<ConfabServer> {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics();
  const store = options.store ?? (await openStore(config, logger, metrics));
  const bus = options.bus ?? (await openBus(config, logger, metrics));
  const revocations = new SessionRevocations(store, bus, {
    accessTtlMs: config.accessTokenTtlSeconds * 1000,
    checkIntervalMs: config.revocationCheckIntervalMs,
    onError: (error) => logger.warn({ err: error }, 'could not read the sessions ended lately'),
  });
  // Before serving: a token of a session ended while this node was down must be refused too.
  await revocations.start();
  const tokens = new TokenService(
    resolveJwtSecret(config.jwtSecret, config.dataDir),
    {
      accessTtlSeconds: config.accessTokenTtlSeconds,
      refreshTtlSeconds: config.refreshTokenTtlSeconds,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    },
    revocations,
  );
  // Failed logins, resets, ended sessions, rate-limit trips, admin actions: the audit log.
  const securityEvents = createAuditLog(store, logger, metrics);
  const rateLimits = new RateLimitService(config.rateLimits, securityEvents, {
    redisUrl: config.redisUrl,
    prefix: config.redisChannelPrefix,
    logger,
  });
  // Counting in shared counters from the first request; meanwhile (Redis down) each node counts alone.
  if (!(await rateLimits.ready(5000))) logger.warn('Redis is not reachable yet: rate limits count per node until it is');
  const hub = new TopicHub(bus);
  const membership = new MembershipCache(store);
  const blocks = new BlockService(store, membership, bus);
  // Both caches hear the `cluster` topic, through the hub (the bus takes one handler per topic).
  const cluster = { subscribe: hub.consumer().subscribe, onResync: (listener: () => void) => bus.onResync(listener) };
  await membership.followCluster(cluster);
  await blocks.followCluster({ subscribe: hub.consumer().subscribe, onResync: cluster.onResync });
  const events = new EventPublisher(bus);
  const sync = new SyncService(store, membership, hub.consumer());
  const typing = new TypingService(membership, bus, { throttleMs: config.typingThrottleMs, expireMs: config.typingExpireMs });
  const presenceTracker: PresenceTracker =
    config.redisUrl === null
      ? new LocalPresenceTracker()
      : new RedisPresenceTracker({ url: config.redisUrl, prefix: config.redisChannelPrefix, logger, ttlMs: config.presenceTtlMs });
  const presence = new PresenceService(
    store,
    bus,
    presenceTracker,
    (error) => logger.warn({ err: error }, 'presence update failed'),
    config.presenceOfflineGraceMs,
  );
  const outbox = await openOutbox(config, store, presenceTracker, logger, options.resolveHost);
  events.onNotificationsPublished(() => outbox.dispatcher.nudge());
  metrics.readers.outboxDepth = () => store.countPendingDeliveries();
  const activity = new MessageActivityFeed((error) => logger.warn({ err: error }, 'a message activity listener failed'));
  const messages = new MessageService(store, membership, blocks, bus, events, activity, config, rateLimits, metrics);
  // The message hook's notifications commit with the message writer's next batch.
  const notifications = new NotificationService(store, messages, blocks, { webhook: config.outbound.webhookUrl !== null });
  const conversations = new ConversationService(store, membership, blocks, notifications, events, config, rateLimits);
  // Mentions, replies, thread replies and reactions notify once their action has committed.
  activity.subscribe((activities) => notifications.fromActivities(activities));
  const blobs = openBlobStore(config);
  const uploads = new UploadService(store, blobs, config, logger.child({ component: 'uploads' }));
  const lifecycle = new MessageLifecycle(store, membership, messages, activity, config, uploads);
  const gateway = new Gateway({
    config,
    tokens,
    rateLimits,
    conversations,
    messages,
    lifecycle,
    sync,
    published: events.published,
    typing,
    presence,
    blocks,
    bus,
    hub,
    logger,
    metrics,
  });
  revocations.onRevoked((session) => gateway.closeSession(session.id));
  const account = createAccountServices({
    config,
    store,
    logger,
    revocations,
    conversations,
    lifecycle,
    tokens,
    rateLimits,
    securityEvents,
  });
  const operator = createAdminServices({
    config,
    store,
    logger,
    audit: securityEvents,
    sessions: account.sessions,
    passwordReset: account.passwordReset,
    sockets: () => gateway.connectionCount,
  });
  await operator.start();
  const services: Services = {
    config,
    store,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'bus', check: () => bus.ping() },
      { name: 'blobs', check: () => blobs.ping() },
    ],
    tokens,
    rateLimits,
    auth: account.auth,
    users: account.users,
    sessions: account.sessions,
    passwordReset: account.passwordReset,
    emailVerification: account.emailVerification,
    accounts: account.accounts,
    dataExport: account.dataExport,
    securityEvents,
    invites: new InviteService(store, config.inviteTtlSeconds, securityEvents),
    admin: operator.admin,
    conversations,
    messages,
    lifecycle,
    activity,
    sync,
    typing,
    presence,
    blocks,
    settings: new ConversationSettingsService(store, membership, conversations, events),
    notifications,
    push: outbox.push,
    locations: new LiveLocations(store, membership, messages),
    search: new SearchService(store, membership, { rankWindow: config.searchRankWindow }),
    uploads,
  };
  let draining = false;
  const app = await buildHttpApp(services, logger, metrics, () => draining);
  gateway.attach(app.server);
  const pruning = setInterval(() => {
    sync.prune(config.eventRetentionSeconds * 1000).catch((error: unknown) => logger.warn({ err: error }, 'could not prune the event log'));
  }, config.eventPruneIntervalSeconds * 1000);
  pruning.unref();
  outbox.dispatcher.start();
  // Every node sweeps; each orphan is deleted by one of them (UploadService.sweepOrphans).
  const sweeping = setInterval(() => {
    uploads.sweepOrphans().catch((error: unknown) => logger.warn({ err: error }, 'could not sweep orphan uploads'));
  }, orphanSweepIntervalMs(config.uploadOrphanTtlSeconds));
  sweeping.unref();

  return {
    app,
    services,
    gateway,
    logger,
    async listen() {
      // Node's default accept queue (511) overflows when a few thousand clients reconnect at
      // once; each connection the kernel drops then retries only after TCP's 1 s timeout. The
      // kernel caps this at net.core.somaxconn.
      await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
      const { port } = app.server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    async close() {
      // Clients get three quarters of SHUTDOWN_TIMEOUT_MS; main.ts exits hard once it has passed.
      const deadline = Date.now() + config.shutdownTimeoutMs * 0.75;
      clearInterval(pruning);
      operator.stop();
      // Claim no more deliveries; those in flight settle, within the drain (a row left claimed is
      // delivered by another node, or this one restarted, once its lease passes).
      const outboxStopped = outbox.dispatcher.stop();
      clearInterval(sweeping);
      revocations.stop();
      typing.close();
      presence.close();
      // 1. Stop accepting: the port closes; new requests, upgrades and long-polls get 503.
      draining = true;
      gateway.stopAccepting();
      sync.stopWaiting();
      const httpClosed = app.close();
      // 2. Answer what was accepted (in-flight requests run on; frames are awaited here), then
      //    send every socket elsewhere with 1001; the HTTP server closes once all are gone.
      await beforeDeadline(gateway.settle(), deadline);
      gateway.closeSockets();
      if (!(await beforeDeadline(httpClosed, deadline))) {
        logger.warn({ sockets: gateway.connectionCount }, 'shutdown: cutting the connections still open after the drain timeout');
        gateway.terminateAll();
        app.server.closeAllConnections();
        await httpClosed;
      }
      // 3. Commit whatever is still queued (mails too), and the notifications of what it committed
      //    (the activity listeners submit them to the same writer), then let go of the bus, presence and the store.
      await account.close();
      await services.messages.flush();
      await activity.settled();
      await beforeDeadline(outboxStopped, deadline);
      await bus.close();
      await presenceTracker.close();
      await blobs.close();
      await rateLimits.close();
      await securityEvents.close(); // the last events recorded, before the store goes
      await store.close();
    },
  };
}

/** The outbound side of notifications: the VAPID pair, push subscriptions, and the node's outbox dispatcher. */
async function openOutbox(config: Config, store: Store, presence: PresenceTracker, logger: Logger, resolveHost?: HostResolver) {
  const settings = config.outbound;
  // Web Push endpoints: only allowed push services, at public addresses (issue 35, SSRF).
  const guard = new OutboundAddressGuard(
    { allowedHosts: settings.pushAllowedHosts, allowPrivateAddresses: settings.pushAllowPrivateAddresses },
    resolveHost,
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
      push: pushSender(store, presence, vapid, settings.vapidSubject, timeout, guard, schemes),
    },
    settings,
    logger.child({ component: 'outbox' }),
  );
  return { dispatcher, push: new PushService(store, vapid, guard, schemes, settings.pushMaxSubscriptionsPerUser) };
}

/** Orphans are swept a few times per TTL (so one lives at most about 1¼ TTL), between once a second and once every 10 minutes. */
export function orphanSweepIntervalMs(ttlSeconds: number): number {
  return Math.min(600_000, Math.max(1000, (ttlSeconds * 1000) / 4));
}
