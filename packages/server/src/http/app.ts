import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { asyncApiDocument } from '@confab/protocol';
import type { Metrics } from '../metrics.js';
import type { Services } from './context.js';
import { AppError } from '../errors.js';
import { installErrorHandler, sendClientError, sendFrameworkError } from './error-handler.js';
import { checkQueryEncoding, validatorCompiler } from './validation.js';
import { accountRoutes } from './routes/account.js';
import { authRoutes } from './routes/auth.js';
import { passwordRoutes } from './routes/passwords.js';
import { sessionRoutes } from './routes/sessions.js';
import { adminRoutes } from './routes/admin.js';
import { blockRoutes } from './routes/blocks.js';
import { conversationSettingsRoutes } from './routes/conversation-settings.js';
// Thread read state (issue 35 item 2).
import { threadRoutes } from './routes/threads.js';
import { notificationRoutes } from './routes/notifications.js';
import { pushRoutes } from './routes/push.js';
import { conversationRoutes } from './routes/conversations.js';
import { healthRoutes } from './routes/health.js';
import { instanceConfigRoutes } from './routes/instance-config.js'; // issue 35 item 5
import { messageActionRoutes } from './routes/message-actions.js';
import { messageExtraRoutes } from './routes/message-extras.js';
import { draftRoutes } from './routes/drafts.js';
import { scheduledRoutes } from './routes/scheduled.js';
import { messageRoutes } from './routes/messages.js';
import { userRoutes } from './routes/users.js';
import { presenceRoutes } from './routes/presence.js';
import { receiptRoutes } from './routes/receipts.js';
import { syncRoutes } from './routes/sync.js';
import { locationRoutes } from './routes/locations.js';
import { searchRoutes } from './routes/search.js';
import { assistRoutes } from './routes/assist.js';
import { moderationRoutes } from './routes/moderation.js';
import { uploadRoutes } from './routes/uploads.js';
import { deviceRoutes } from './routes/devices.js';
import { deviceLinkRoutes } from './routes/device-links.js';
import { encryptedConversationRoutes } from './routes/encrypted-conversations.js';
import { importRoutes } from './routes/imports.js';
import { errors } from './responses.js';
import { installRouteLimits } from './route-limits.js';
import { closeAfterUnreadBody } from './unread-body.js';
import { DOCS_CSP, installSurface, metricsGuard } from './surface.js';
import { serveWebApp } from './web-app.js';
import { LazySerializers } from './lazy-serializers.js';
import { SERVER_VERSION } from '../version.js';

/** How often Node looks for requests past REQUEST_TIMEOUT_MS / HEADERS_TIMEOUT_MS: the most they can overrun by. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** The WebSocket protocol's contract, generated once from the frame schemas. */
const asyncApi = asyncApiDocument();

/**
 * The Fastify app: limits set explicitly (Fastify's own defaults have no request timeout),
 * strict validation, the OpenAPI document generated from the route schemas. `draining` is true
 * once the node is shutting down (server.ts `close`).
 */
export async function buildHttpApp(
  services: Services,
  logger: Logger,
  metrics: Metrics,
  draining: () => boolean = () => false,
): Promise<FastifyInstance> {
  const { config } = services;
  const serializers = new LazySerializers();
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request lines only when debugging: at chat rates they would drown everything else.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // Slow requests (issue 35): Node's own timeouts are the configured ones, checked every
    // second, so a dribbled request is cut off near REQUEST_TIMEOUT_MS / HEADERS_TIMEOUT_MS
    // (Node's defaults, 60 s for headers and a check every 30 s, let one run ~89 s).
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    keepAliveTimeout: 72_000,
    // Shutdown answers 503 itself (below), in the error catalogue's shape.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 200 },
    // Only these proxies' X-Forwarded-For is believed: nothing else can change request.ip, the key of per-address limits.
    trustProxy: config.trustProxy.length === 0 ? false : config.trustProxy,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
    schemaController: { compilersFactory: { buildSerializer: serializers.factory } },
  });
  app.decorate('serializers', serializers);

  app.setValidatorCompiler(validatorCompiler);
  acceptJsonOnly(app);
  app.decorateRequest('auth', null);
  installErrorHandler(app, { webApp: config.webDir !== null });
  await installSurface(app, config);
  installRouteLimits(app, services.rateLimits);
  closeAfterUnreadBody(app);
  // Shutting down: a request that arrives now gets 503 (a balancer retries it on another node);
  // every answer closes its connection, so kept-alive connections do not hold up the drain.
  // Callback hooks, not async ones: every request runs them, and an async hook costs a promise
  // and a turn of the microtask queue each (issue 41).
  app.addHook('onRequest', (request, _reply, done) => {
    if (draining()) return done(new AppError('unavailable', 'The server is shutting down: try again'));
    try {
      checkQueryEncoding(request.url);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining()) reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Confab API',
        version: SERVER_VERSION,
        description:
          'REST API of Confab. Errors are {"error": {"code", "message", "details"?}}, details a list of {"path", "message", "params"?} ' +
          '(path: a JSON Pointer such as /body/clientId); a 429 rate_limited also has retryAfterMs and a Retry-After header. Realtime delivery is a WebSocket at ' +
          '/api/v1/ws (Authorization: Bearer, or the subprotocols `confab.v1, confab.bearer.<token>` from browsers; ?access_token= is logged by proxies; without an Upgrade header it answers 426), not described ' +
          'here: OpenAPI has no WebSockets. Its frames and events: the AsyncAPI 3 document [/api/asyncapi.json](/api/asyncapi.json), and docs/realtime.md.',
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      },
      // Relative: the API is where this document is served from (behind any balancer or prefix).
      servers: [{ url: '/', description: 'The server that serves this document' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transformObject: (document) => ('openapiObject' in document ? withoutDiscriminators(document.openapiObject) : document.swaggerObject),
  });
  if (config.apiDocs) await app.register(swaggerUi, { routePrefix: '/docs', transformStaticCSP: () => DOCS_CSP });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/asyncapi.json', { schema: { hide: true } }, async () => asyncApi);
  app.get('/metrics', { schema: { hide: true }, onRequest: metricsGuard(config) }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  // Not in the document (see its description): a WebSocket succeeds with 101, which OpenAPI cannot
  // describe, and client generators would make an HTTP method of it.
  app.get('/api/v1/ws', { schema: { hide: true, response: errors(401, 426) } }, async (_request, reply) =>
    reply
      .status(426)
      .header('upgrade', 'websocket')
      .send({ error: { code: 'upgrade_required', message: 'Connect with a WebSocket' } }),
  );

  if (config.webDir !== null) await serveWebApp(app, config.webDir);

  for (const routes of [
    healthRoutes,
    instanceConfigRoutes,
    authRoutes,
    passwordRoutes,
    sessionRoutes,
    accountRoutes,
    userRoutes,
    conversationRoutes,
    messageRoutes,
    messageActionRoutes,
    messageExtraRoutes,
    draftRoutes,
    scheduledRoutes,
    receiptRoutes,
    syncRoutes,
    presenceRoutes,
    blockRoutes,
    conversationSettingsRoutes,
    threadRoutes,
    notificationRoutes,
    pushRoutes,
    locationRoutes,
    searchRoutes,
    assistRoutes,
    uploadRoutes,
    deviceRoutes,
    deviceLinkRoutes,
    encryptedConversationRoutes,
    adminRoutes,
    importRoutes,
    moderationRoutes,
  ]) {
    await app.register(routes, services);
  }
  return app;
}

/**
 * Request bodies are JSON only: Fastify's text/plain parser would hand a route a string that
 * then fails its schema, a misleading 400 where 415 is the answer. An empty JSON body is no body
 * on a call that takes none (POST /auth/logout from a client that always sets Content-Type), and
 * malformed JSON on one that does.
 */
function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && request.routeOptions.schema?.body === undefined) return done(null, undefined);
    parseJson(request, body as string, done);
  });
}

/**
 * The document without `discriminator`: Ajv uses it to check a union body (a new conversation)
 * against the member its `kind` names, so errors are about that member only; OpenAPI 3.0 takes it
 * only over `$ref`ed members, and the members' `kind` constants already tell them apart.
 */
function withoutDiscriminators<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutDiscriminators) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => key !== 'discriminator');
  return Object.fromEntries(entries.map(([key, inner]) => [key, withoutDiscriminators(inner)])) as T;
}
