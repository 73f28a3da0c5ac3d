import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { watchEventLoopDelay } from './event-loop-delay.js';
import type { EventBus } from './bus/bus.js';
import { TopicHub } from './bus/topic-hub.js';
import { buildHttpApp } from './http/app.js';
import type { Services } from './http/context.js';
import { createAccounts, openSessions } from './services/accounts/index.js';
import { createAdmin, createAuditLog } from './services/admin/index.js';
import { createConversations, openAccess } from './services/conversations/index.js';
import { createEvents } from './services/events/index.js';
import { createFiles } from './services/files/index.js';
import { createImports } from './services/imports/index.js';
import { createMessaging } from './services/messaging/index.js';
import { createNotifications } from './services/notifications/index.js';
import { createScheduling } from './services/scheduling/index.js';
import { createPresence } from './services/presence/index.js';
import { createSearch } from './services/search/index.js';
import { createEncryption } from './services/encryption/index.js';
import { createAssist } from './services/assist/index.js';
import { openModelProvider } from './infra/models/model-provider.js';
import { RateLimitService } from './services/rate-limits.js';
import type { Store } from './store/store.js';
import type { HostResolver } from './infra/outbound-address-guard.js';
import { openBus, openStore } from './open-backends.js';
import { beforeDeadline } from './before-deadline.js';
import { Gateway } from './ws/gateway.js';
import { IdleConnections } from './http/idle-connections.js';
import { SoleClient } from './infra/sole-client.js';
import { publicUrlWarning } from './public-url-check.js'; // issue 35 item 8
import { startupPhases } from './infra/startup-phases.js';

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
  // resolveHost: tests resolve push endpoints' and links' hosts without DNS (issue 35, the SSRF guard).
  options: { logger?: Logger; store?: Store; bus?: EventBus; resolveHost?: HostResolver } = {},
): Promise<ConfabServer> {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics();
  const phases = startupPhases();
  // First: a model file that cannot be used stops the start before anything is opened.
  const model = await openModelProvider(config.assistModel);
  if (model) logger.info({ model: model.description }, 'Assist uses a local model');
  phases.mark('model');
  // Who is being served: while one client alone is, SQLite flushes its log on the event loop.
  const soleClient = new SoleClient();
  const store = options.store ?? (await openStore(config, logger, metrics, soleClient));
  phases.mark('store and migrations');
  const bus = options.bus ?? (await openBus(config, logger, metrics));
  phases.mark('bus');
  const backends = { config, store, bus, hub: new TopicHub(bus), logger, metrics };
  // Each domain is built from the backends and the domains before it: read down for what depends on what.
  const sessions = await openSessions(backends);
  // Failed logins, resets, ended sessions, rate-limit trips, admin actions: the audit log.
  const securityEvents = createAuditLog(store, logger, metrics);
  const rateLimits = await RateLimitService.open(config.rateLimits, securityEvents, {
    redisUrl: config.redisUrl,
    prefix: config.redisChannelPrefix,
    logger,
  });
  // Counting in shared counters from the first request; meanwhile (Redis down) each node counts alone.
  if (!(await rateLimits.ready(5000))) logger.warn('Redis is not reachable yet: rate limits count per node until it is');
  const access = await openAccess(backends);
  phases.mark('sessions, rate limits, access');
  const events = createEvents(backends, access);
  const presence = await createPresence(backends);
  const files = await createFiles(backends, { rateLimits });
  const messaging = createMessaging(backends, {
    access,
    publisher: events.publisher,
    rateLimits,
    uploads: files.uploads,
    blobs: files.blobs,
    resolveHost: options.resolveHost,
  });
  const scheduling = createScheduling(backends, { access, publisher: events.publisher, rateLimits, messaging });
  const notifications = await createNotifications(backends, {
    blocks: access.blocks,
    publisher: events.publisher,
    tracker: presence.tracker,
    messaging,
    resolveHost: options.resolveHost,
  });
  const conversations = createConversations(backends, {
    access,
    publisher: events.publisher,
    notifications: notifications.notifications,
    rateLimits,
  });
  const search = createSearch(backends, { membership: access.membership, rateLimits });
  const encryption = createEncryption(backends, { membership: access.membership });
  const gateway = new Gateway({
    config,
    tokens: sessions.tokens,
    rateLimits,
    conversations: conversations.conversations,
    messages: messaging.messages,
    lifecycle: messaging.lifecycle,
    sync: events.sync,
    published: events.publisher.published,
    typing: messaging.typing,
    presence: presence.presence,
    blocks: access.blocks,
    bus,
    hub: backends.hub,
    logger,
    metrics,
    soleClient,
  });
  sessions.revocations.onRevoked((session) => gateway.closeSession(session.id));
  const accounts = createAccounts(backends, {
    blobs: files.blobs,
    sessions,
    conversations: conversations.conversations,
    lifecycle: messaging.lifecycle,
    rateLimits,
    securityEvents,
    accountStates: access.accountStates,
  });
  const admin = createAdmin({
    config,
    store,
    logger,
    audit: securityEvents,
    sessions: accounts.sessions,
    passwordReset: accounts.passwordReset,
    sockets: () => gateway.connectionCount,
    accounts: access.accountStates,
  });
  phases.mark('domains');
  await admin.start();
  phases.mark('admin');
  const assist = await createAssist(backends, {
    membership: access.membership,
    messages: messaging.messages,
    authorizeAdmin: (userId) => admin.admin.authorize(userId),
    model,
  });
  const imports = createImports({
    config,
    store,
    blobs: files.blobs,
    publish: (stored) => events.publisher.publish(stored),
    securityEvents,
    logger,
    claim: accounts.claim,
  });
  const services: Services = {
    config,
    store,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'bus', check: () => bus.ping() },
      { name: 'blobs', check: () => files.blobs.ping() },
    ],
    rateLimits,
    accounts,
    admin,
    conversations,
    messaging,
    scheduling,
    events,
    presence,
    notifications,
    files,
    search,
    encryption,
    assist,
    imports,
  };
  let draining = false;
  phases.mark('assist and the rest');
  const app = await buildHttpApp(services, logger, metrics, () => draining);
  phases.mark('http app');
  await gateway.attach(app.server);
  soleClient.watch(app.server);
  const idleConnections = new IdleConnections(app.server);
  events.start();
  notifications.dispatcher.start();
  files.start();
  encryption.start();
  search.reindex.start();
  messaging.start();
  scheduling.dispatcher.start();
  const stopWatchingLoop = watchEventLoopDelay(metrics.eventLoopDelay);

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
      phases.mark('listen');
      logger.info({ startup: phases.report() }, 'listening: start-up phases in ms');
      // Issue 35 item 8: mail links on an address others reach need PUBLIC_URL.
      const publicUrlProblem = publicUrlWarning(config);
      if (publicUrlProblem !== null) logger.warn({ host: config.host }, publicUrlProblem);
      const { port } = app.server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    async close() {
      // Clients get three quarters of SHUTDOWN_TIMEOUT_MS; main.ts exits hard once it has passed.
      const deadline = Date.now() + config.shutdownTimeoutMs * 0.75;
      events.stop();
      admin.stop();
      // Claim no more deliveries; those in flight settle, within the drain (a row left claimed is
      // delivered by another node, or this one restarted, once its lease passes).
      const outboxStopped = notifications.dispatcher.stop();
      files.stop();
      encryption.stop();
      await search.reindex.stop();
      await beforeDeadline(imports.imports.stop(), deadline);
      messaging.stop();
      // Link previews in flight are cut (a preview lost at shutdown is only a missing card).
      const previewsStopped = messaging.previews.stop();
      // Sends in flight settle before the writer is flushed below; a row left claimed is sent by
      // another node (or this one restarted) once its lease passes, with the same clientId.
      const schedulingStopped = scheduling.dispatcher.stop();
      sessions.revocations.stop();
      messaging.typing.close();
      presence.presence.close();
      // 1. Stop accepting: the port closes; new requests, upgrades and long-polls get 503.
      draining = true;
      gateway.stopAccepting();
      events.sync.stopWaiting();
      // Idle kept-alive connections stay open through the drain: a request on one gets 503 with
      // `Connection: close`, not a reset a proxy turns into 502 (http/idle-connections.ts).
      idleConnections.hold();
      const httpClosed = app.close();
      // 2. Answer what was accepted (in-flight requests run on; frames are awaited here), then
      //    send every socket elsewhere with 1001 and, every request answered and none come for
      //    SHUTDOWN_QUIET_MS (a proxy has stopped choosing this node), close the connections
      //    still idle; the HTTP server closes once all are gone.
      await beforeDeadline(gateway.settle(), deadline);
      gateway.closeSockets();
      await beforeDeadline(idleConnections.answered(), deadline);
      await idleConnections.quiet(config.shutdownQuietMs, deadline);
      idleConnections.release();
      if (!(await beforeDeadline(httpClosed, deadline))) {
        logger.warn({ sockets: gateway.connectionCount }, 'shutdown: cutting the connections still open after the drain timeout');
        gateway.terminateAll();
        app.server.closeAllConnections();
        await httpClosed;
      }
      // 3. Commit whatever is still queued (mails too), and the notifications of what it committed
      //    (the activity listeners submit them to the same writer), then let go of the bus, presence and the store.
      await accounts.close();
      await previewsStopped;
      await beforeDeadline(schedulingStopped, deadline);
      await messaging.messages.flush();
      await messaging.activity.settled();
      await messaging.drafts.settled();
      await beforeDeadline(outboxStopped, deadline);
      await bus.close();
      await model?.close();
      await presence.tracker.close();
      await files.blobs.close();
      await rateLimits.close();
      await securityEvents.close(); // the last events recorded, before the store goes
      await admin.leave();
      await store.close();
      stopWatchingLoop();
    },
  };
}
