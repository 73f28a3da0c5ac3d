import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { EventBus } from './bus/bus.js';
import { MemoryBus } from './bus/memory-bus.js';
import { buildHttpApp } from './http/app.js';
import type { Services } from './http/context.js';
import { AuthService } from './services/auth-service.js';
import { ConversationService } from './services/conversation-service.js';
import { MembershipCache } from './services/membership.js';
import { MessageService } from './services/message-service.js';
import { TokenService, resolveJwtSecret } from './services/token-service.js';
import { UserService } from './services/user-service.js';
import type { Store } from './store/store.js';
import { openSqliteStore, sqliteFileFor } from './store/sqlite/sqlite-store.js';
import { Gateway } from './ws/gateway.js';

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

/** Opens the store the configuration names and brings its schema up to date. */
export async function openStore(config: Config): Promise<Store> {
  const store = openSqliteStore(sqliteFileFor(config.databaseUrl, config.dataDir));
  await store.migrate();
  return store;
}

/** Wires configuration → store, bus → services → HTTP routes and WebSocket gateway. */
export async function createServer(config: Config, options: { logger?: Logger; store?: Store; bus?: EventBus } = {}): Promise<ConfabServer> {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics();
  const store = options.store ?? (await openStore(config));
  const bus = options.bus ?? new MemoryBus();
  const tokens = new TokenService(
    resolveJwtSecret(config.jwtSecret, config.dataDir),
    config.accessTokenTtlSeconds,
    config.refreshTokenTtlSeconds,
  );
  const membership = new MembershipCache(store);
  const services: Services = {
    config,
    store,
    tokens,
    auth: new AuthService(store, tokens),
    users: new UserService(store),
    conversations: new ConversationService(store, membership, bus, config),
    messages: new MessageService(store, membership, bus, config, metrics),
  };
  const app = await buildHttpApp(services, logger, metrics);
  const gateway = new Gateway({ ...services, bus, logger, metrics });
  gateway.attach(app.server);

  return {
    app,
    services,
    gateway,
    logger,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const { port } = app.server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    async close() {
      gateway.close();
      await app.close();
      await services.messages.flush();
      await bus.close();
      await store.close();
    },
  };
}
